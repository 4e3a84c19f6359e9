// Stages with no gateway.stages entry, as the control plane deploys them:
// they serve the deployment they point at, take their upstream from its
// integrations (gateway.defaultUpstream for a method without one), are
// reached by their ids only, and each method's integration URI decides the
// upstream path and method. A gateway.stages entry keeps the old rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/loader.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "tests/config/loader_sections.hpp"

namespace ug::config {
namespace {

using loader_fixture::all_errors;
using ::testing::HasSubstr;

constexpr limiter::instant now{1'000'000, 1'709'640'000'000'000'000};

/// API dep0000001 with stage v1 on deployment d1 (GET /endpoint -> `uri`,
/// ANY /{proxy+} without an integration) and what its API holds now
/// (resources edited after the deployment: /later only). `gateway` is the
/// gateway object's members.
std::string deployed(const std::string& uri, const std::string& gateway = "",
                     const std::string& proxy_integration = "") {
  return R"({"gateway": {)" + gateway + R"(},
    "restApis": [{"id": "dep0000001", "name": "made",
      "resources": [{"id": "r0", "path": "/"}, {"id": "r9", "path": "/later",
        "resourceMethods": {"GET": {"httpMethod": "GET", "apiKeyRequired": false}}}],
      "deployments": [{"id": "d1", "createdDate": 1700000000, "resources": [
        {"id": "r0", "path": "/"},
        {"id": "r1", "path": "/endpoint", "resourceMethods": {"GET": {
          "httpMethod": "GET", "apiKeyRequired": false, "methodIntegration": {
            "type": "HTTP_PROXY", "httpMethod": "GET", "uri": ")" +
         uri + R"("}}}},
        {"id": "r2", "path": "/{proxy+}", "resourceMethods": {"ANY": {
          "httpMethod": "ANY", "apiKeyRequired": false)" +
         proxy_integration + R"(}}}]}],
      "stages": [{"stageName": "v1", "deploymentId": "d1", "tracingEnabled": true}]}]})";
}

constexpr std::string_view default_upstream =
    R"("defaultUpstream": {"url": "http://127.0.0.1:18000/base"})";

load_result load(const std::string& json) {
  return load_string(json);
}

class DeployedStages : public ::testing::Test {
 protected:
  void compile(const std::string& json) {
    const load_result r = load(json);
    ASSERT_TRUE(r.doc) << all_errors(r);
    doc_ = *r.doc;
    cfg_ = compiled_config::compile(doc_, registry_, now);
  }

  verdict ask(std::string_view method, std::string_view target, std::string_view host = "") {
    request_facts facts;
    facts.method = method;
    facts.target = target;
    facts.host = host;
    facts.now = now;
    return cfg_->decide(facts);
  }

  document doc_;
  limiter::state_registry registry_;
  std::shared_ptr<const compiled_config> cfg_;
};

TEST_F(DeployedStages, UpstreamComesFromTheIntegrations) {
  compile(deployed("http://127.0.0.1:18000/v1/models", std::string(default_upstream)));
  ASSERT_EQ(doc_.stages.size(), 1u);
  const stage& s = doc_.stages[0];
  EXPECT_TRUE(s.upstream_from_integrations);
  EXPECT_TRUE(s.tracing_enabled);
  EXPECT_EQ(s.upstream.host, "127.0.0.1");
  EXPECT_EQ(s.upstream.port, 18000);
  // A method without an integration goes to the default upstream's base path.
  EXPECT_EQ(s.upstream.base_path, "/base");
  ASSERT_EQ(cfg_->stages().size(), 1u);
  EXPECT_TRUE(cfg_->stages()[0].upstream_from_integrations);
  EXPECT_EQ(cfg_->stages()[0].base_path, "");
}

TEST_F(DeployedStages, ServesTheDeploymentNotTheApiAsItIsNow) {
  compile(deployed("http://127.0.0.1:18000/v1/models", std::string(default_upstream)));
  const verdict v = ask("GET", "/restapis/dep0000001/v1/_user_request_/endpoint?limit=2");
  ASSERT_EQ(v.result, outcome::forward);
  EXPECT_EQ(v.resource_path, "/endpoint");
  EXPECT_EQ(v.integration_path, "/v1/models");
  EXPECT_EQ(v.integration_method, "GET");
  // /later was added after the deployment: the greedy resource of the
  // deployment takes it, without an integration.
  const verdict later = ask("GET", "/restapis/dep0000001/v1/_user_request_/later");
  ASSERT_EQ(later.result, outcome::forward);
  EXPECT_EQ(later.resource_path, "/{proxy+}");
  EXPECT_EQ(later.integration_path, "");
  // AWS's own host form reaches it too; no base path does.
  EXPECT_EQ(
      ask("GET", "/v1/endpoint", "dep0000001.execute-api.us-east-1.amazonaws.com").integration_path,
      "/v1/models");
  EXPECT_EQ(ask("GET", "/v1/endpoint").result, outcome::missing_auth_token);
}

TEST_F(DeployedStages, AnyIntegrationMethodKeepsTheClients) {
  compile(deployed("http://127.0.0.1:18000/v1/models", std::string(default_upstream),
                   R"(, "methodIntegration": {"type": "HTTP_PROXY", "httpMethod": "ANY",
                       "uri": "http://127.0.0.1:18000/v1/{proxy}"})"));
  const verdict v = ask("POST", "/restapis/dep0000001/v1/_user_request_/chat/completions");
  ASSERT_EQ(v.result, outcome::forward);
  EXPECT_EQ(v.integration_path, "/v1/{proxy}");
  EXPECT_EQ(v.integration_method, "");
}

TEST_F(DeployedStages, WithoutDefaultUpstreamEveryMethodNeedsAnIntegration) {
  const load_result r = load(deployed("http://127.0.0.1:18000/v1/models"));
  ASSERT_FALSE(r.doc);
  EXPECT_THAT(all_errors(r),
              HasSubstr("method ANY /{proxy+} has no integration and gateway.defaultUpstream is "
                        "not set"));
}

TEST_F(DeployedStages, OneUpstreamPerStage) {
  const load_result r =
      load(deployed("http://127.0.0.1:19999/v1/models", std::string(default_upstream)));
  ASSERT_FALSE(r.doc);
  EXPECT_THAT(all_errors(r), HasSubstr("go to http://127.0.0.1:19999 and http://127.0.0.1:18000"));
}

TEST_F(DeployedStages, IntegrationsAreCheckedWhereTheyAreServed) {
  for (const auto& [uri, why] : std::vector<std::pair<std::string, std::string>>{
           {"https://api.example.com/v1", "HTTPS upstreams are not supported yet"},
           {"http://127.0.0.1:18000/v1/{id}", "names {id}, which resource /endpoint has no"},
           {"http://127.0.0.1:18000/v1?x=1", "no query"},
           {"ftp://x", "must look like http://host:port/path"}}) {
    const load_result r = load(deployed(uri, std::string(default_upstream)));
    ASSERT_FALSE(r.doc) << uri;
    EXPECT_THAT(all_errors(r), HasSubstr(why)) << uri;
  }
}

TEST_F(DeployedStages, AStageEntryKeepsTheFileRuleWhateverIntegrationsSay) {
  // As pasted from get-resources --embed methods: a Lambda integration.
  compile(R"({"gateway": {"stages": {"file000001/v1": {"upstream": {"url": "http://127.0.0.1:9"}}}},
    "restApis": [{"id": "file000001", "resources": [{"id": "r0", "path": "/"},
      {"id": "r1", "path": "/endpoint", "resourceMethods": {"GET": {
        "httpMethod": "GET", "apiKeyRequired": false, "methodIntegration": {
          "type": "AWS_PROXY", "httpMethod": "POST",
          "uri": "arn:aws:apigateway:us-east-1:lambda:path/x"}}}}],
      "stages": [{"stageName": "v1", "deploymentId": "abc123"}]}]})");
  EXPECT_FALSE(doc_.stages[0].upstream_from_integrations);
  const verdict v = ask("GET", "/v1/endpoint");
  ASSERT_EQ(v.result, outcome::forward);
  EXPECT_EQ(v.integration_path, "");
}

TEST_F(DeployedStages, UnknownDeploymentIsNamed) {
  std::string json = deployed("http://127.0.0.1:18000/v1/models", std::string(default_upstream));
  json.replace(json.find(R"("deploymentId": "d1")"), 20, R"("deploymentId": "d9")");
  const load_result r = load(json);
  ASSERT_FALSE(r.doc);
  EXPECT_THAT(all_errors(r),
              HasSubstr("names deployment 'd9', which REST API 'dep0000001' does not have"));
}

}  // namespace
}  // namespace ug::config
