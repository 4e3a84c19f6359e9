// Control-plane writes with the real clients against a running usagegate
// with a state directory: the AWS CLI creates a key and a plan, adds the key
// to a plan of the config file, changes and deletes them; the data plane
// admits the new key at once and refuses it after it is disabled; every
// change survives a restart and kill -9; the config file's objects stay
// read-only. boto3 does the same round trip with its own error shapes.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/aws_clients.hpp"
#include "tests/support/gateway_config.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

constexpr const char* file_key_value = "control-write-file-key-000000001";

usagegate_config write_config(std::uint16_t upstream_port, const std::filesystem::path& state) {
  const resource_spec root{.id = "wrtroot001", .path = "/"};
  usagegate_config c;
  c.gateway.state_directory = state.string();
  c.gateway.stages = {{.api_id = "wrtapi0001",
                       .stage_name = "v1",
                       .base_path = "/v1",
                       .upstream = upstream_at(upstream_port)}};
  c.rest_apis = {
      {.id = "wrtapi0001",
       .name = "ai_api",
       .resources = {root, child_resource(root, "wrtendp001", "endpoint",
                                          {{.http_method = "GET", .api_key_required = true}})},
       .stages = {{.stage_name = "v1"}}}};
  c.usage_plans.push_back({.id = "wrtplan001",
                           .name = "file_plan",
                           .api_stages = {{.api_id = "wrtapi0001", .stage = "v1"}},
                           .throttle = throttle_limits{100, 100},
                           .quota = quota_limits{.limit = 3, .period = "DAY"},
                           .key_ids = {"wrtkey0001"}});
  c.api_keys = {{.id = "wrtkey0001", .value = file_key_value, .name = "file-key"}};
  return c;
}

class ControlPlaneWrite : public gateway_test {
 protected:
  void SetUp() override {
    start_mock();
    state_ = dir_.path() / "state";
    config_json_ = to_json(write_config(mock_port(), state_));
    start();
  }

  void start() {
    start_gateway(config_json_);
    clients_.emplace(dir_, "http://127.0.0.1:" + std::to_string(admin_port()));
  }

  /// Stops the gateway with `signal` (SIGKILL: no clean shutdown) and starts it again.
  void restart(int signal) {
    if (signal == SIGKILL) {
      gw_->proc.send_signal(SIGKILL);
      EXPECT_TRUE(gw_->proc.wait_exit(std::chrono::seconds(10)));
      gw_.reset();
    } else {
      EXPECT_EQ(stop_usagegate(*gw_, std::chrono::seconds(10)), 0) << gw_->proc.output();
      gw_.reset();
    }
    start();
  }

  std::string created_id(const std::vector<std::string>& args) {
    const client_run r = clients_->aws(args);
    const simdjson::dom::element e = clients_->json_of(r);
    std::string_view id;
    EXPECT_EQ(e["id"].get_string().get(id), simdjson::SUCCESS) << r.out;
    return std::string(id);
  }

  std::string key_value(const std::string& id) {
    const simdjson::dom::element e =
        clients_->json_of(clients_->aws({"get-api-key", "--api-key", id, "--include-value"}));
    return std::string(std::string_view(e["value"]));
  }

  int status_with_key(const std::string& value) {
    const std::optional<http_response> r =
        http_request(port(), "GET", "/v1/endpoint", with_api_key(value));
    EXPECT_TRUE(r) << "no answer from the gateway";
    return r ? r->status : 0;
  }

  std::filesystem::path state_;
  std::string config_json_;
  std::optional<aws_clients> clients_;
};

TEST_F(ControlPlaneWrite, CliCreatesAKeyThatTheDataPlaneAdmitsAtOnce) {
  const std::string key = created_id({"create-api-key", "--name", "client", "--enabled"});
  EXPECT_EQ(key.size(), 10u);
  const std::string value = key_value(key);
  EXPECT_EQ(value.size(), 40u);
  // Not in any plan yet: AWS's 403.
  EXPECT_EQ(status_with_key(value), 403);
  const client_run joined = clients_->aws({"create-usage-plan-key", "--usage-plan-id", "wrtplan001",
                                           "--key-id", key, "--key-type", "API_KEY"});
  EXPECT_EQ(std::string_view(clients_->json_of(joined)["name"]), "client");
  EXPECT_EQ(status_with_key(value), 200);
  // The file plan's quota of 3 per day counts the new key like any other.
  EXPECT_EQ(status_with_key(value), 200);
  EXPECT_EQ(status_with_key(value), 200);
  EXPECT_EQ(status_with_key(value), 429);
  // Disabled: 403 at once.
  clients_->json_of(clients_->aws({"update-api-key", "--api-key", key, "--patch-operations",
                                   "op=replace,path=/enabled,value=false"}));
  EXPECT_EQ(status_with_key(value), 403);
  // The file's key still has its own quota.
  EXPECT_EQ(status_with_key(file_key_value), 200);
}

TEST_F(ControlPlaneWrite, ChangesSurviveRestartAndKill9) {
  const std::string key = created_id({"create-api-key", "--name", "persisted", "--enabled",
                                      "--value", "persisted-key-value-0000000001"});
  const std::string plan = created_id(
      {"create-usage-plan", "--name", "api_plan", "--api-stages", "apiId=wrtapi0001,stage=v1",
       "--throttle", "burstLimit=5,rateLimit=10", "--quota", "limit=1000,period=WEEK"});
  EXPECT_EQ(plan.size(), 6u);
  clients_->json_of(clients_->aws({"create-usage-plan-key", "--usage-plan-id", plan, "--key-id",
                                   key, "--key-type", "API_KEY"}));
  clients_->json_of(
      clients_->aws({"update-usage-plan", "--usage-plan-id", plan, "--patch-operations",
                     "op=replace,path=/quota/limit,value=500"}));
  EXPECT_EQ(status_with_key("persisted-key-value-0000000001"), 200);

  restart(SIGKILL);
  const simdjson::dom::element got =
      clients_->json_of(clients_->aws({"get-usage-plan", "--usage-plan-id", plan}));
  EXPECT_EQ(int64_t(got["quota"]["limit"]), 500);
  EXPECT_EQ(std::string_view(got["apiStages"].at(0)["apiId"]), "wrtapi0001");
  EXPECT_EQ(aws_clients::ids_of(
                clients_->json_of(clients_->aws({"get-usage-plan-keys", "--usage-plan-id", plan}))),
            std::vector<std::string>{key});
  EXPECT_EQ(key_value(key), "persisted-key-value-0000000001");
  EXPECT_EQ(status_with_key("persisted-key-value-0000000001"), 200);

  // The file holds key values: private to its owner.
  struct stat st {};
  ASSERT_EQ(::stat((state_ / "control.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Deleting the key takes it out of its plan; after a clean restart it is gone.
  const client_run del = clients_->aws({"delete-api-key", "--api-key", key});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  restart(SIGTERM);
  const client_run missing = clients_->aws({"get-api-key", "--api-key", key});
  EXPECT_NE(missing.err.find("(NotFoundException)"), std::string::npos) << missing.err;
  EXPECT_TRUE(aws_clients::ids_of(clients_->json_of(clients_->aws(
                                      {"get-usage-plan-keys", "--usage-plan-id", plan})))
                  .empty());
  EXPECT_EQ(status_with_key("persisted-key-value-0000000001"), 403);
}

TEST_F(ControlPlaneWrite, CliPrintsAwsErrorsForWrites) {
  const client_run short_value = clients_->aws({"create-api-key", "--value", "short"});
  EXPECT_NE(short_value.err.find("(BadRequestException) when calling the CreateApiKey operation: "
                                 "API Key value should be at least 20 characters"),
            std::string::npos)
      << short_value.err;
  const client_run duplicate = clients_->aws({"create-api-key", "--value", file_key_value});
  EXPECT_NE(duplicate.err.find("(ConflictException) when calling the CreateApiKey operation: API "
                               "Key already exists"),
            std::string::npos)
      << duplicate.err;
  const client_run bad_stage = clients_->aws(
      {"create-usage-plan", "--name", "p", "--api-stages", "apiId=wrtapi0001,stage=nope"});
  EXPECT_NE(bad_stage.err.find("(BadRequestException) when calling the CreateUsagePlan "
                               "operation: Invalid API Stage {api: wrtapi0001, stage: nope} "
                               "specified for usageplan "),
            std::string::npos)
      << bad_stage.err;
  const std::string plan = created_id(
      {"create-usage-plan", "--name", "staged", "--api-stages", "apiId=wrtapi0001,stage=v1"});
  const client_run in_use = clients_->aws({"delete-usage-plan", "--usage-plan-id", plan});
  EXPECT_NE(in_use.err.find("Cannot delete Usage Plan " + plan +
                            " because there are API Stages associated with it, including "
                            "wrtapi0001:v1"),
            std::string::npos)
      << in_use.err;
  const client_run bad_path = clients_->aws(
      {"update-usage-plan", "--usage-plan-id", plan, "--patch-operations", "op=remove,path=/name"});
  EXPECT_NE(bad_path.err.find("Invalid patch path  '/name' specified for op 'remove'. Must be one "
                              "of: [/apiStages, /quota, /throttle, /productCode"),
            std::string::npos)
      << bad_path.err;
  // One plan per API stage for a key: the file key is in wrtplan001 on wrtapi0001:v1.
  const client_run twice = clients_->aws({"create-usage-plan-key", "--usage-plan-id", plan,
                                          "--key-id", "wrtkey0001", "--key-type", "API_KEY"});
  EXPECT_NE(twice.err.find("cannot reference multiple Usage Plans with the same API Stage: "
                           "wrtapi0001:v1"),
            std::string::npos)
      << twice.err;
  const client_run file_key = clients_->aws({"delete-api-key", "--api-key", "wrtkey0001"});
  EXPECT_NE(file_key.err.find("is defined in the config file"), std::string::npos) << file_key.err;
  // Removing the stage lets the plan go.
  clients_->json_of(
      clients_->aws({"update-usage-plan", "--usage-plan-id", plan, "--patch-operations",
                     "op=remove,path=/apiStages,value=wrtapi0001:v1"}));
  const client_run deleted = clients_->aws({"delete-usage-plan", "--usage-plan-id", plan});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
}

TEST_F(ControlPlaneWrite, CliBuildsARestApiThatSurvivesKill9AndWaitsForADeployment) {
  const simdjson::dom::element made =
      clients_->json_of(clients_->aws({"create-rest-api", "--name", "ai_api", "--description",
                                       "built by the CLI", "--tags", "team=ml"}));
  const std::string api{std::string_view(made["id"])};
  const std::string root{std::string_view(made["rootResourceId"])};
  EXPECT_EQ(api.size(), 10u);
  EXPECT_EQ(std::string_view(made["tags"]["team"]), "ml");
  const simdjson::dom::element listed =
      clients_->json_of(clients_->aws({"get-resources", "--rest-api-id", api}));
  ASSERT_EQ(listed["items"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(listed["items"].at(0)["path"]), "/");
  EXPECT_EQ(std::string_view(listed["items"].at(0)["id"]), root);

  const simdjson::dom::element endpoint = clients_->json_of(clients_->aws(
      {"create-resource", "--rest-api-id", api, "--parent-id", root, "--path-part", "endpoint"}));
  const std::string res{std::string_view(endpoint["id"])};
  EXPECT_EQ(std::string_view(endpoint["path"]), "/endpoint");
  EXPECT_EQ(std::string_view(endpoint["parentId"]), root);
  const simdjson::dom::element method = clients_->json_of(
      clients_->aws({"put-method", "--rest-api-id", api, "--resource-id", res, "--http-method",
                     "GET", "--authorization-type", "NONE", "--api-key-required"}));
  EXPECT_TRUE(bool(method["apiKeyRequired"]));
  const client_run again = clients_->aws(
      {"create-resource", "--rest-api-id", api, "--parent-id", root, "--path-part", "endpoint"});
  EXPECT_NE(again.err.find("(ConflictException) when calling the CreateResource operation: "
                           "Another resource with the same parent already has this name: endpoint"),
            std::string::npos)
      << again.err;
  const client_run file_api =
      clients_->aws({"put-method", "--rest-api-id", "wrtapi0001", "--resource-id", "wrtroot001",
                     "--http-method", "POST", "--authorization-type", "NONE"});
  EXPECT_NE(file_api.err.find("(BadRequestException) when calling the PutMethod operation: REST "
                              "API 'wrtapi0001' is defined in the config file"),
            std::string::npos)
      << file_api.err;
  // Not deployed: no stage serves it, as on AWS.
  const std::optional<http_response> undeployed =
      http_request(port(), "GET", "/restapis/" + api + "/v1/_user_request_/endpoint",
                   with_api_key(file_key_value));
  ASSERT_TRUE(undeployed);
  EXPECT_EQ(undeployed->status, 403);
  EXPECT_EQ(undeployed->body, R"({"message":"Missing Authentication Token"})");

  clients_->json_of(clients_->aws({"update-account", "--patch-operations",
                                   "op=replace,path=/cloudwatchRoleArn,value=arn:aws:iam::"
                                   "000000000000:role/gw"}));
  const client_run disable = clients_->aws(
      {"update-account", "--patch-operations", "op=remove,path=/features,value=UsagePlans"});
  EXPECT_NE(disable.err.find("(BadRequestException) when calling the UpdateAccount operation: "
                             "Usage Plans cannot be disabled once enabled"),
            std::string::npos)
      << disable.err;
  restart(SIGKILL);
  EXPECT_EQ(
      std::string_view(clients_->json_of(clients_->aws({"get-account"}))["cloudwatchRoleArn"]),
      "arn:aws:iam::000000000000:role/gw");
  const simdjson::dom::element kept = clients_->json_of(clients_->aws(
      {"get-method", "--rest-api-id", api, "--resource-id", res, "--http-method", "GET"}));
  EXPECT_TRUE(bool(kept["apiKeyRequired"]));
  EXPECT_EQ(std::string_view(clients_->json_of(
                clients_->aws({"get-rest-api", "--rest-api-id", api}))["description"]),
            "built by the CLI");
  clients_->json_of(
      clients_->aws({"update-method", "--rest-api-id", api, "--resource-id", res, "--http-method",
                     "GET", "--patch-operations", "op=replace,path=/apiKeyRequired,value=false"}));
  EXPECT_FALSE(
      bool(clients_->json_of(clients_->aws({"get-method", "--rest-api-id", api, "--resource-id",
                                            res, "--http-method", "GET"}))["apiKeyRequired"]));

  const client_run del = clients_->aws({"delete-rest-api", "--rest-api-id", api});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  restart(SIGTERM);
  const client_run gone = clients_->aws({"get-rest-api", "--rest-api-id", api});
  EXPECT_NE(gone.err.find("(NotFoundException) when calling the GetRestApi operation: Invalid API "
                          "identifier specified 000000000000:" +
                          api),
            std::string::npos)
      << gone.err;
  EXPECT_EQ(clients_->json_of(clients_->aws({"get-rest-apis"}))["items"].get_array().size(), 1u);
}

TEST_F(ControlPlaneWrite, TheCliDeploysAnApiThatIsThrottledCountedAndKept) {
  // The issue's script, line for line, against the mock LLM.
  const std::string api = created_id({"create-rest-api", "--name", "ai_api"});
  const std::string root{std::string_view(
      clients_->json_of(clients_->aws({"get-resources", "--rest-api-id", api}))["items"].at(
          0)["id"])};
  const std::string res = created_id(
      {"create-resource", "--rest-api-id", api, "--parent-id", root, "--path-part", "endpoint"});
  clients_->json_of(
      clients_->aws({"put-method", "--rest-api-id", api, "--resource-id", res, "--http-method",
                     "GET", "--authorization-type", "NONE", "--api-key-required"}));
  const client_run early =
      clients_->aws({"create-deployment", "--rest-api-id", api, "--stage-name", "v1"});
  EXPECT_NE(early.err.find("(BadRequestException) when calling the CreateDeployment operation: "
                           "No integration defined for method"),
            std::string::npos)
      << early.err;
  const std::string models = "http://127.0.0.1:" + std::to_string(mock_port()) + "/v1/models";
  clients_->json_of(clients_->aws({"put-integration", "--rest-api-id", api, "--resource-id", res,
                                   "--http-method", "GET", "--type", "HTTP_PROXY",
                                   "--integration-http-method", "GET", "--uri", models}));
  const std::string deployment =
      created_id({"create-deployment", "--rest-api-id", api, "--stage-name", "v1"});
  const simdjson::dom::element stage = clients_->json_of(
      clients_->aws({"update-stage", "--rest-api-id", api, "--stage-name", "v1",
                     "--patch-operations", "op=replace,path=/*/*/throttling/burstLimit,value=5",
                     "op=replace,path=/*/*/throttling/rateLimit,value=10",
                     "op=replace,path=/tracingEnabled,value=true"}));
  EXPECT_EQ(std::string_view(stage["deploymentId"]), deployment);
  EXPECT_TRUE(bool(stage["tracingEnabled"]));
  const std::string key = created_id({"create-api-key", "--name", "client", "--enabled"});
  const std::string plan = created_id(
      {"create-usage-plan", "--name", "ai_usage_plan", "--api-stages", "apiId=" + api + ",stage=v1",
       "--throttle", "burstLimit=5,rateLimit=10", "--quota", "limit=1000,period=WEEK"});
  clients_->json_of(clients_->aws({"create-usage-plan-key", "--usage-plan-id", plan, "--key-id",
                                   key, "--key-type", "API_KEY"}));
  const std::string value = key_value(key);
  const std::string target = "/restapis/" + api + "/v1/_user_request_/endpoint";

  // The data plane: the integration's path upstream, the key required.
  const std::optional<http_response> ok = http_request(port(), "GET", target, with_api_key(value));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_NE(ok->body.find("\"object\":\"list\""), std::string::npos) << ok->body;
  const std::optional<http_response> no_key = http_request(port(), "GET", target);
  ASSERT_TRUE(no_key);
  EXPECT_EQ(no_key->status, 403);
  EXPECT_EQ(no_key->body, R"({"message":"Forbidden"})");
  const std::optional<http_response> by_host =
      http_request(port(), "GET", "/v1/endpoint",
                   with_api_key(value, {{"Host", api + ".execute-api.us-east-1.amazonaws.com"}}));
  ASSERT_TRUE(by_host);
  EXPECT_EQ(by_host->status, 200);

  // Burst 5: a quick run of requests is throttled with AWS's body.
  int admitted = 2;
  int throttled = 0;
  for (int i = 0; i < 20; ++i) {
    const std::optional<http_response> r = http_request(port(), "GET", target, with_api_key(value));
    ASSERT_TRUE(r);
    if (r->status == 200) {
      ++admitted;
    } else {
      EXPECT_EQ(r->status, 429);
      EXPECT_EQ(r->body, R"({"message":"Too Many Requests"})");
      ++throttled;
    }
  }
  EXPECT_GT(throttled, 0);
  EXPECT_GE(admitted, 5);

  // get-usage counts every admitted request, exactly.
  const std::string today = utc_today();
  const simdjson::dom::element usage = clients_->json_of(clients_->aws(
      {"get-usage", "--usage-plan-id", plan, "--start-date", today, "--end-date", today}));
  const simdjson::dom::array day = usage["items"][key].at(0).get_array();
  EXPECT_EQ(int64_t(day.at(0)), admitted);
  EXPECT_EQ(int64_t(day.at(1)), 1000 - admitted);

  // Deployed state survives kill -9; an undeployed edit stays off the data plane.
  clients_->json_of(clients_->aws(
      {"create-resource", "--rest-api-id", api, "--parent-id", root, "--path-part", "later"}));
  restart(SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the burst refills
  const std::optional<http_response> kept =
      http_request(port(), "GET", target, with_api_key(value));
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->status, 200) << kept->body;
  const std::optional<http_response> later = http_request(
      port(), "GET", "/restapis/" + api + "/v1/_user_request_/later", with_api_key(value));
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 403);
  EXPECT_EQ(later->body, R"({"message":"Missing Authentication Token"})");
  const simdjson::dom::element stages =
      clients_->json_of(clients_->aws({"get-stages", "--rest-api-id", api}));
  EXPECT_EQ(std::string_view(stages["item"].at(0)["deploymentId"]), deployment);
  EXPECT_EQ(int64_t(stages["item"].at(0)["methodSettings"]["*/*"]["throttlingBurstLimit"]), 5);

  // {proxy} takes the rest of the path; the integration's method is sent.
  const std::string proxy = created_id(
      {"create-resource", "--rest-api-id", api, "--parent-id", root, "--path-part", "{proxy+}"});
  clients_->json_of(clients_->aws({"put-method", "--rest-api-id", api, "--resource-id", proxy,
                                   "--http-method", "ANY", "--authorization-type", "NONE"}));
  clients_->json_of(clients_->aws(
      {"put-integration", "--rest-api-id", api, "--resource-id", proxy, "--http-method", "ANY",
       "--type", "HTTP_PROXY", "--integration-http-method", "POST", "--uri",
       "http://127.0.0.1:" + std::to_string(mock_port()) + "/v1/{proxy}"}));
  const std::string echo_target = "/restapis/" + api + "/v1/_user_request_/echo?x=1";
  const std::optional<http_response> before = http_request(port(), "GET", echo_target);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 403) << "not deployed yet";
  created_id({"create-deployment", "--rest-api-id", api, "--stage-name", "v1"});
  const std::optional<http_response> echoed = http_request(port(), "GET", echo_target);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->status, 200) << echoed->body;
  EXPECT_NE(echoed->body.find(R"("method":"POST")"), std::string::npos) << echoed->body;
  EXPECT_NE(echoed->body.find(R"("target":"/v1/echo?x=1")"), std::string::npos) << echoed->body;
}

TEST_F(ControlPlaneWrite, CliImportsAKeyFileThatTheDataPlaneAdmits) {
  const std::filesystem::path file =
      dir_.write("keys.csv",
                 "Name,Key,Enabled,UsagePlanIds\r\n"
                 "imported,imported-key-value-00000001,true,wrtplan001\r\n"
                 "too-short,short,true,wrtplan001\r\n");
  const client_run r =
      clients_->aws({"import-api-keys", "--body", "fileb://" + file.string(), "--format", "csv"});
  const simdjson::dom::element answer = clients_->json_of(r);
  ASSERT_EQ(answer["ids"].get_array().size(), 1u) << r.out;
  const std::string id{std::string_view(answer["ids"].at(0))};
  EXPECT_EQ(std::string_view(answer["warnings"].at(0)),
            "Line 3: API Key value should be at least 20 characters");
  EXPECT_EQ(key_value(id), "imported-key-value-00000001");
  EXPECT_EQ(status_with_key("imported-key-value-00000001"), 200);
  // --fail-on-warnings: the good line is not imported either.
  const std::filesystem::path strict =
      dir_.write("strict.csv", "Name,Key\nfine,strict-key-value-000000001\nbad,short\n");
  const client_run refused =
      clients_->aws({"import-api-keys", "--body", "fileb://" + strict.string(), "--format", "csv",
                     "--fail-on-warnings"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("(BadRequestException) when calling the ImportApiKeys operation: No "
                             "API key was imported (failonwarnings): Line 3"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(status_with_key("strict-key-value-000000001"), 403);
  // Imported keys are the control plane's: kept through a restart (a clean
  // one: after kill -9 the quota's reserved chunk counts as spent).
  restart(SIGTERM);
  EXPECT_EQ(status_with_key("imported-key-value-00000001"), 200);
}

constexpr std::string_view boto3_script = R"PY(
import json, sys
import boto3
from botocore.exceptions import ClientError

client = boto3.client("apigateway", endpoint_url=sys.argv[1])
out = {}
key = client.create_api_key(name="boto", enabled=True, tags={"team": "ml"})
out["key_status"] = key["ResponseMetadata"]["HTTPStatusCode"]
out["key_has_value"] = len(key["value"])
plan = client.create_usage_plan(name="boto_plan", throttle={"burstLimit": 2, "rateLimit": 1.5},
                                quota={"limit": 10, "offset": 0, "period": "MONTH"})
out["plan_status"] = plan["ResponseMetadata"]["HTTPStatusCode"]
updated = client.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
    {"op": "replace", "path": "/throttle/rateLimit", "value": "2.5"},
    {"op": "replace", "path": "/description", "value": "from boto3"}])
out["rate"] = updated["throttle"]["rateLimit"]
out["description"] = updated["description"]
pk = client.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
out["plan_key"] = pk["id"] == key["id"]
d = client.delete_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"])
out["delete_status"] = d["ResponseMetadata"]["HTTPStatusCode"]
try:
    client.update_api_key(apiKey=key["id"], patchOperations=[{"op": "replace", "path": "/id", "value": "x"}])
except ClientError as e:
    out["bad_patch"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
try:
    client.delete_usage_plan(usagePlanId="nope01")
except ClientError as e:
    out["missing"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps(out))
)PY";

constexpr std::string_view boto3_deploy_script = R"PY(
import json, sys
import boto3
from botocore.exceptions import ClientError

client = boto3.client("apigateway", endpoint_url=sys.argv[1])
upstream = sys.argv[2]
out = {}
api = client.create_rest_api(name="boto_api", description="from boto3")
root = client.get_resources(restApiId=api["id"])["items"][0]["id"]
proxy = client.create_resource(restApiId=api["id"], parentId=root, pathPart="{proxy+}")
client.put_method(restApiId=api["id"], resourceId=proxy["id"], httpMethod="ANY",
                  authorizationType="NONE", apiKeyRequired=False)
client.put_integration(restApiId=api["id"], resourceId=proxy["id"], httpMethod="ANY",
                       type="HTTP_PROXY", integrationHttpMethod="ANY", uri=upstream + "/v1/{proxy}")
got = client.get_integration(restApiId=api["id"], resourceId=proxy["id"], httpMethod="ANY")
out["integration_type"] = got["type"]
dep = client.create_deployment(restApiId=api["id"], description="first")
stage = client.create_stage(restApiId=api["id"], stageName="prod", deploymentId=dep["id"],
                            tracingEnabled=True)
out["stage_status"] = stage["ResponseMetadata"]["HTTPStatusCode"]
out["tracing"] = stage["tracingEnabled"]
client.update_stage(restApiId=api["id"], stageName="prod", patchOperations=[
    {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "2"},
    {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "0.01"}])
out["deployments"] = [d["id"] for d in client.get_deployments(restApiId=api["id"])["items"]]
out["deployment_id"] = dep["id"]
try:
    client.delete_deployment(restApiId=api["id"], deploymentId=dep["id"])
except ClientError as e:
    out["in_use"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
out["api_id"] = api["id"]
print(json.dumps(out))
)PY";

TEST_F(ControlPlaneWrite, Boto3DeploysAnApiThatTheDataPlaneServesAndThrottles) {
  const std::filesystem::path script = dir_.write("deploy.py", boto3_deploy_script);
  const client_run run = clients_->run({"python3", script.string(), clients_->endpoint(),
                                        "http://127.0.0.1:" + std::to_string(mock_port())});
  const simdjson::dom::element out = clients_->json_of(run);
  EXPECT_EQ(std::string_view(out["integration_type"]), "HTTP_PROXY");
  EXPECT_EQ(int64_t(out["stage_status"]), 201);
  EXPECT_TRUE(bool(out["tracing"]));
  ASSERT_EQ(out["deployments"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(out["deployments"].at(0)), std::string_view(out["deployment_id"]));
  EXPECT_EQ(std::string_view(out["in_use"].at(0)), "BadRequestException");
  EXPECT_EQ(std::string_view(out["in_use"].at(1)),
            "Active stages pointing to this deployment must be moved or deleted");
  const std::string api{std::string_view(out["api_id"])};
  // {proxy+} with ANY: the client's POST goes to /v1/chat/completions; the
  // stage's burst of 2 then throttles everyone (no key needed).
  const std::string target = "/restapis/" + api + "/prod/_user_request_/chat/completions";
  const std::string body = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";
  const header_list json_type{{"Content-Type", "application/json"}};
  for (int i = 0; i < 2; ++i) {
    const std::optional<http_response> r = http_request(port(), "POST", target, json_type, body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_NE(r->body.find("chat.completion"), std::string::npos) << r->body;
  }
  const std::optional<http_response> third = http_request(port(), "POST", target, json_type, body);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 429);
  EXPECT_EQ(third->body, R"({"message":"Too Many Requests"})");
}

TEST_F(ControlPlaneWrite, Boto3WritesAndReadsErrors) {
  const std::filesystem::path script = dir_.write("write.py", boto3_script);
  const client_run run = clients_->run({"python3", script.string(), clients_->endpoint()});
  const simdjson::dom::element out = clients_->json_of(run);
  EXPECT_EQ(int64_t(out["key_status"]), 201);
  EXPECT_EQ(int64_t(out["key_has_value"]), 40);
  EXPECT_EQ(int64_t(out["plan_status"]), 201);
  EXPECT_EQ(double(out["rate"]), 2.5);
  EXPECT_EQ(std::string_view(out["description"]), "from boto3");
  EXPECT_TRUE(bool(out["plan_key"]));
  EXPECT_EQ(int64_t(out["delete_status"]), 202);
  EXPECT_EQ(std::string_view(out["bad_patch"].at(0)), "BadRequestException");
  EXPECT_EQ(std::string_view(out["bad_patch"].at(1)),
            "Invalid patch path  '/id' specified for op 'replace'. Must be one of: "
            "[/description, /enabled, /name, /customerId]");
  EXPECT_EQ(std::string_view(out["missing"].at(0)), "NotFoundException");
  EXPECT_EQ(int64_t(out["missing"].at(1)), 404);
}

}  // namespace
}  // namespace ug::test
