// PutIntegration, DeleteIntegration, CreateDeployment, DeleteDeployment,
// CreateStage, UpdateStage and DeleteStage over a document: AWS's shapes and
// texts, the deployment freezing the API, UpdateStage's patch paths, and
// gateway.defaultUpstream standing in for a missing integration.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "tests/gateway/control/rest_api_write_fixture.hpp"

namespace ug::gateway::control {
namespace {

/// An API of the control plane with GET /endpoint (key required).
class DeploymentWrites : public RestApiWriteFixture {
 protected:
  void SetUp() override {
    RestApiWriteFixture::SetUp();
    std::tie(api_id_, root_) = create_api();
    res_ = create_resource(api_id_, root_, "endpoint");
    method_ = "/restapis/" + api_id_ + "/resources/" + res_ + "/methods/GET";
    ASSERT_EQ(call("PUT", method_, R"({"authorizationType":"NONE","apiKeyRequired":true})").status,
              201u);
  }

  control_response integrate(std::string_view body) {
    return call("PUT", method_ + "/integration", body);
  }

  control_response deploy(std::string_view body) {
    return call("POST", "/restapis/" + api_id_ + "/deployments", body);
  }

  std::string base() const { return "/restapis/" + api_id_; }

  const config::stage* stage(std::string_view name) const {
    for (const config::stage& s : doc_.stages) {
      if (s.api_id == api_id_ && s.stage_name == name)
        return &s;
    }
    return nullptr;
  }

  std::string api_id_;
  std::string root_;
  std::string res_;
  std::string method_;
};

/// The same with gateway.defaultUpstream set.
class DeploymentWritesWithDefault : public DeploymentWrites {
 protected:
  std::string extra_gateway() const override {
    return R"("defaultUpstream": {"url": "http://127.0.0.1:18000"},)";
  }
};

constexpr std::string_view models =
    R"({"type":"HTTP_PROXY","httpMethod":"GET","uri":"http://127.0.0.1:18000/v1/models"})";

TEST_F(DeploymentWrites, PutIntegrationAnswersAwsShape) {
  const control_response r = integrate(models);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.body,
            R"({"type":"HTTP_PROXY","httpMethod":"GET","uri":"http://127.0.0.1:18000/v1/models",)"
            R"("connectionType":"INTERNET","passthroughBehavior":"WHEN_NO_MATCH",)"
            R"("timeoutInMillis":29000,"cacheNamespace":")" +
                res_ + R"(","cacheKeyParameters":[]})");
  EXPECT_EQ(api(api_id_)->resources[1].methods[0].method_integration->uri,
            "http://127.0.0.1:18000/v1/models");
  EXPECT_EQ(call("DELETE", method_ + "/integration").status, 202u);
  EXPECT_FALSE(api(api_id_)->resources[1].methods[0].method_integration);
  EXPECT_EQ(call("DELETE", method_ + "/integration").body,
            message("Invalid Integration identifier specified"));
}

TEST_F(DeploymentWrites, PutIntegrationRefusesWhatItCannotForward) {
  for (const auto& [body, why] : std::vector<std::pair<std::string, std::string>>{
           {R"({"httpMethod":"GET","uri":"http://h:1/"})",
            "Enumeration value for IntegrationType must be non-empty"},
           {R"({"type":"AWS_PROXY","httpMethod":"POST","uri":"arn:aws:x"})",
            "Integration type AWS_PROXY is not supported by usagegate"},
           {R"({"type":"HTTP","uri":"http://h:1/"})",
            "Enumeration value for HttpMethod must be non-empty"},
           {R"({"type":"HTTP","httpMethod":"FETCH","uri":"http://h:1/"})",
            "Invalid HttpMethod specified."},
           {R"({"type":"HTTP","httpMethod":"GET","uri":"https://h/"})",
            "Invalid HTTP endpoint specified for URI (HTTPS upstreams are not supported yet"},
           {R"({"type":"HTTP","httpMethod":"GET","uri":"http://h:1/{proxy}"})",
            "names {proxy}, which resource /endpoint has no path parameter for"},
           {R"({"type":"HTTP","httpMethod":"GET","uri":"http://h:1/","connectionType":"VPC_LINK"})",
            "connectionType VPC_LINK is not supported"}}) {
    const control_response r = integrate(body);
    EXPECT_EQ(r.status, 400u) << body;
    EXPECT_NE(r.body.find(why), std::string::npos) << r.body;
  }
  EXPECT_EQ(
      call("PUT", base() + "/resources/" + res_ + "/methods/POST/integration", std::string(models))
          .body,
      message("Invalid Method identifier specified"));
  EXPECT_FALSE(api(api_id_)->resources[1].methods[0].method_integration);
}

TEST_F(DeploymentWrites, CreateDeploymentNeedsMethodsAndIntegrations) {
  EXPECT_EQ(deploy(R"({"stageName":"v1"})").body, message("No integration defined for method"));
  EXPECT_EQ(call("DELETE", method_).status, 202u);
  EXPECT_EQ(deploy("{}").body, message("The REST API doesn't contain any methods"));
  EXPECT_TRUE(api(api_id_)->deployments.empty());
  EXPECT_EQ(stage("v1"), nullptr);
}

TEST_F(DeploymentWritesWithDefault, DefaultUpstreamStandsInForAMissingIntegration) {
  const control_response r = deploy(R"({"stageName":"v1"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  ASSERT_NE(stage("v1"), nullptr);
}

TEST_F(DeploymentWrites, CreateDeploymentFreezesTheApiAndMakesTheStage) {
  ASSERT_EQ(integrate(models).status, 201u);
  const control_response r =
      deploy(R"({"stageName":"v1","description":"first","stageDescription":"the stage",)"
             R"("tracingEnabled":true})");
  ASSERT_EQ(r.status, 201u) << r.body;
  const simdjson::dom::element e = json(r);
  const std::string deployment = text(e["id"]);
  EXPECT_EQ(deployment.size(), 6u);
  EXPECT_EQ(text(e["description"]), "first");
  EXPECT_EQ(int64_t(e["createdDate"]), 1'700'000'000);
  const config::stage* v1 = stage("v1");
  ASSERT_NE(v1, nullptr);
  EXPECT_EQ(v1->deployment_id, deployment);
  EXPECT_EQ(v1->description, "the stage");
  EXPECT_TRUE(v1->tracing_enabled);
  EXPECT_EQ(last_touched_, (object_set{object_ref{object_kind::rest_api, api_id_}}));
  // An edit after the deployment stays out of it until the next one.
  create_resource(api_id_, root_, "later");
  ASSERT_EQ(api(api_id_)->deployments.size(), 1u);
  EXPECT_EQ(api(api_id_)->deployments[0].resources.size(), 2u);
  const control_response again = deploy(R"({"stageName":"v1"})");
  ASSERT_EQ(again.status, 201u);
  EXPECT_EQ(api(api_id_)->deployments[1].resources.size(), 3u);
  EXPECT_EQ(stage("v1")->deployment_id, text(json(again)["id"]));
  // The first deployment is no stage's now: it may go; the second may not.
  EXPECT_EQ(call("DELETE", base() + "/deployments/" + deployment).status, 202u);
  EXPECT_EQ(call("DELETE", base() + "/deployments/" + stage("v1")->deployment_id).body,
            message("Active stages pointing to this deployment must be moved or deleted"));
  EXPECT_EQ(call("DELETE", base() + "/deployments/nope00").body,
            message("Invalid Deployment identifier specified"));
}

TEST_F(DeploymentWrites, CreateStageAndItsTexts) {
  ASSERT_EQ(integrate(models).status, 201u);
  const std::string deployment = text(json(deploy("{}"))["id"]);
  EXPECT_EQ(
      call("POST", base() + "/stages", R"({"stageName":"prod","deploymentId":"nope00"})").body,
      message("Invalid Deployment identifier specified"));
  const control_response made =
      call("POST", base() + "/stages",
           R"({"stageName":"prod","deploymentId":")" + deployment + R"(","description":"p"})");
  ASSERT_EQ(made.status, 201u) << made.body;
  const simdjson::dom::element e = json(made);
  EXPECT_EQ(text(e["deploymentId"]), deployment);
  EXPECT_EQ(text(e["cacheClusterStatus"]), "NOT_AVAILABLE");
  EXPECT_FALSE(bool(e["tracingEnabled"]));
  EXPECT_EQ(call("POST", base() + "/stages",
                 R"({"stageName":"prod","deploymentId":")" + deployment + "\"}")
                .body,
            message("Stage already exists"));
  const control_response vars =
      call("POST", base() + "/stages",
           R"({"stageName":"x","deploymentId":")" + deployment + R"(","variables":{"a":"b"}})");
  EXPECT_EQ(vars.status, 400u);
  EXPECT_NE(vars.body.find("Stage variables are not supported"), std::string::npos);
}

TEST_F(DeploymentWrites, UpdateStageTakesAwsPatchPaths) {
  ASSERT_EQ(integrate(models).status, 201u);
  ASSERT_EQ(deploy(R"({"stageName":"v1"})").status, 201u);
  const std::string stage_path = base() + "/stages/v1";
  const control_response r =
      call("PATCH", stage_path,
           R"({"patchOperations":[)"
           R"({"op":"replace","path":"/*/*/throttling/burstLimit","value":"5"},)"
           R"({"op":"replace","path":"/*/*/throttling/rateLimit","value":"10"},)"
           R"({"op":"replace","path":"/~1endpoint/GET/throttling/rateLimit","value":"2.5"},)"
           R"({"op":"replace","path":"/*/*/metrics/enabled","value":"true"},)"
           R"({"op":"replace","path":"/tracingEnabled","value":"true"},)"
           R"({"op":"replace","path":"/description","value":"d"}]})");
  ASSERT_EQ(r.status, 200u) << r.body;
  const config::stage* v1 = stage("v1");
  EXPECT_EQ(v1->method_settings.at("*/*").throttling_burst_limit, 5);
  EXPECT_EQ(v1->method_settings.at("*/*").throttling_rate_limit, 10.0);
  EXPECT_EQ(v1->method_settings.at("~1endpoint/GET").throttling_rate_limit, 2.5);
  EXPECT_TRUE(v1->tracing_enabled);
  EXPECT_EQ(v1->description, "d");
  EXPECT_EQ(int64_t(json(r)["methodSettings"]["*/*"]["throttlingBurstLimit"]), 5);

  EXPECT_EQ(
      call("PATCH", stage_path, R"({"patchOperations":[{"op":"remove","path":"/*/*"}]})").status,
      200u);
  EXPECT_EQ(stage("v1")->method_settings.count("*/*"), 0u);
  EXPECT_EQ(
      call("PATCH", stage_path, R"({"patchOperations":[{"op":"remove","path":"/*/*"}]})").body,
      message("Cannot remove method setting */* because there is no method setting for "
              "this method "));
  const control_response bad =
      call("PATCH", stage_path, R"({"patchOperations":[{"op":"replace","path":"/nope"}]})");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.body.find("Invalid method setting path: /nope. Must be one of: [/deploymentId"),
            std::string::npos)
      << bad.body;
  EXPECT_EQ(call("PATCH", stage_path,
                 R"({"patchOperations":[{"op":"replace","path":"/*/*/throttling/burstLimit",)"
                 R"("value":"lots"}]})")
                .status,
            400u);
  const control_response cache = call(
      "PATCH", stage_path,
      R"({"patchOperations":[{"op":"replace","path":"/cacheClusterEnabled","value":"true"}]})");
  EXPECT_NE(cache.body.find("/cacheClusterEnabled is not supported by usagegate yet"),
            std::string::npos);
  EXPECT_EQ(call("PATCH", stage_path,
                 R"({"patchOperations":[{"op":"replace","path":"/deploymentId","value":"x"}]})")
                .body,
            message("Invalid Deployment identifier specified"));
}

TEST_F(DeploymentWrites, DeleteStageAndApiWaitForTheirPlans) {
  ASSERT_EQ(integrate(models).status, 201u);
  ASSERT_EQ(deploy(R"({"stageName":"v1"})").status, 201u);
  const control_response plan =
      call("POST", "/usageplans",
           R"({"name":"p","apiStages":[{"apiId":")" + api_id_ + R"(","stage":"v1"}]})");
  ASSERT_EQ(plan.status, 201u) << plan.body;
  const control_response held = call("DELETE", base() + "/stages/v1");
  EXPECT_EQ(held.status, 400u);
  EXPECT_NE(held.body.find("is in usage plan"), std::string::npos) << held.body;
  EXPECT_EQ(call("DELETE", base()).status, 400u);
  const std::string plan_id = text(json(plan)["id"]);
  ASSERT_EQ(call("PATCH", "/usageplans/" + plan_id,
                 R"({"patchOperations":[{"op":"remove","path":"/apiStages","value":")" + api_id_ +
                     R"(:v1"}]})")
                .status,
            200u);
  EXPECT_EQ(call("DELETE", base() + "/stages/v1").status, 202u);
  EXPECT_EQ(stage("v1"), nullptr);
  EXPECT_EQ(call("DELETE", base() + "/stages/v1").body,
            message("Invalid stage identifier specified"));
  ASSERT_EQ(deploy(R"({"stageName":"v2"})").status, 201u);
  EXPECT_EQ(call("DELETE", base()).status, 202u);
  EXPECT_TRUE(doc_.stages.size() == 1u && doc_.stages[0].api_id == "api0000001");
}

}  // namespace
}  // namespace ug::gateway::control
