// The AWS SDK for JavaScript v3 against a local usagegate's control plane,
// driven by tests/integration/control_plane_js_sdk_test.cpp. One run per
// step; every step prints one JSON object on stdout for the test to check.
//
//   node control_plane.mjs <endpoint> create <apiId> <stage>
//   node control_plane.mjs <endpoint> usage <planId> <keyId> <day>
//   node control_plane.mjs <endpoint> refill <planId> <keyId> <remaining>
//   node control_plane.mjs <endpoint> deploy <integration uri>
import {APIGatewayClient, CreateApiKeyCommand, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, CreateUsagePlanCommand, CreateUsagePlanKeyCommand, DeleteUsagePlanCommand, GetApiKeysCommand, GetResourcesCommand, GetStageCommand, GetUsageCommand, PutIntegrationCommand, PutMethodCommand, UpdateApiKeyCommand, UpdateStageCommand, UpdateUsageCommand,} from '@aws-sdk/client-api-gateway';

const [endpoint, step, ...args] = process.argv.slice(2);
const client = new APIGatewayClient({
  endpoint,
  region: 'us-east-1',
  credentials: {accessKeyId: 'local', secretAccessKey: 'local'},
  maxAttempts: 1,
});

// [name, message, HTTP status] of the error a command is refused with.
async function refusal(command) {
  try {
    await client.send(command);
    return ['no error'];
  } catch (e) {
    return [e.name, e.message, e.$metadata?.httpStatusCode];
  }
}

async function create(apiId, stage) {
  const key = await client.send(new CreateApiKeyCommand({name: 'js-client', enabled: true}));
  const plan = await client.send(
      new CreateUsagePlanCommand({
        name: 'js_plan',
        apiStages: [{apiId, stage}],
        throttle: {burstLimit: 5, rateLimit: 10},
        quota: {limit: 2, period: 'DAY'},
      }),
  );
  const planKey = await client.send(
      new CreateUsagePlanKeyCommand({usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY'}),
  );
  const listed = await client.send(
      new GetApiKeysCommand({nameQuery: 'js-', includeValues: true}),
  );
  return {
    key_status: key.$metadata.httpStatusCode,
    key_id: key.id,
    key_value: key.value,
    plan_status: plan.$metadata.httpStatusCode,
    plan_id: plan.id,
    plan_quota: plan.quota,
    plan_rate: plan.throttle.rateLimit,
    plan_key_type: planKey.type,
    listed: listed.items.map((k) => [k.id, k.value]),
    bad_patch: await refusal(
        new UpdateApiKeyCommand({
          apiKey: key.id,
          patchOperations: [{op: 'replace', path: '/id', value: 'x'}],
        }),
        ),
    in_use: await refusal(new DeleteUsagePlanCommand({usagePlanId: plan.id})),
    missing: await refusal(new DeleteUsagePlanCommand({usagePlanId: 'nope01'})),
  };
}

async function usage(planId, keyId, day) {
  const u = await client.send(
      new GetUsageCommand({usagePlanId: planId, keyId, startDate: day, endDate: day}),
  );
  return {start: u.startDate, end: u.endDate, days: u.items?.[keyId] ?? null};
}

async function refill(planId, keyId, remaining) {
  const u = await client.send(
      new UpdateUsageCommand({
        usagePlanId: planId,
        keyId,
        patchOperations: [{op: 'replace', path: '/remaining', value: remaining}],
      }),
  );
  return {status: u.$metadata.httpStatusCode, days: u.items?.[keyId] ?? null};
}

// The script with the SDK: an API, /endpoint, GET with a key, an
// HTTP_PROXY integration, a deployment to v1, the stage's throttle, and a
// key in a plan on that stage.
async function deploy(uri) {
  const api = await client.send(new CreateRestApiCommand({name: 'js_api'}));
  const resources = await client.send(new GetResourcesCommand({restApiId: api.id}));
  const root = resources.items[0].id;
  const res = await client.send(
      new CreateResourceCommand({restApiId: api.id, parentId: root, pathPart: 'endpoint'}));
  await client.send(new PutMethodCommand({
    restApiId: api.id,
    resourceId: res.id,
    httpMethod: 'GET',
    authorizationType: 'NONE',
    apiKeyRequired: true,
  }));
  const early = await refusal(new CreateDeploymentCommand({restApiId: api.id, stageName: 'v1'}));
  const integration = await client.send(new PutIntegrationCommand({
    restApiId: api.id,
    resourceId: res.id,
    httpMethod: 'GET',
    type: 'HTTP_PROXY',
    integrationHttpMethod: 'GET',
    uri,
  }));
  const deployment =
      await client.send(new CreateDeploymentCommand({restApiId: api.id, stageName: 'v1'}));
  await client.send(new UpdateStageCommand({
    restApiId: api.id,
    stageName: 'v1',
    patchOperations: [
      {op: 'replace', path: '/*/*/throttling/burstLimit', value: '5'},
      {op: 'replace', path: '/*/*/throttling/rateLimit', value: '10'},
    ],
  }));
  const stage = await client.send(new GetStageCommand({restApiId: api.id, stageName: 'v1'}));
  const key = await client.send(new CreateApiKeyCommand({name: 'js-deployed', enabled: true}));
  const plan = await client.send(new CreateUsagePlanCommand({
    name: 'js_deployed_plan',
    apiStages: [{apiId: api.id, stage: 'v1'}],
    quota: {limit: 3, period: 'WEEK'},
  }));
  await client.send(
      new CreateUsagePlanKeyCommand({usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY'}));
  return {
    api_id: api.id,
    root_path: resources.items[0].path,
    resource_path: res.path,
    early,
    integration_uri: integration.uri,
    deployment_status: deployment.$metadata.httpStatusCode,
    stage_deployment: stage.deploymentId === deployment.id,
    stage_burst: stage.methodSettings['*/*'].throttlingBurstLimit,
    key_value: key.value,
  };
}

const steps = {
  create,
  usage,
  refill,
  deploy
};
if (!(step in steps)) {
  console.error(`unknown step ${step}; one of ${Object.keys(steps).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await steps[step](...args)));
