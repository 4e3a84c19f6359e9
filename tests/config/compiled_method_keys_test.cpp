// Method keys from JSON to the decision: the document parser and the compiler
// read a methodSettings key ("~1/GET", "pets/{id}/GET") and a plan's
// per-method throttle key ("//GET", "/pets/{id}/GET") through the same
// parsers (config/document/aws_names.hpp), so each limit lands on the route it names.
#include <gtest/gtest.h>

#include <string>

#include "config/loader.hpp"
#include "config/snapshot/compiled_config.hpp"

namespace ug::config {
namespace {

using limiter::limit_level;

// 2024-03-05T12:00:00Z.
constexpr limiter::instant now{1'000'000, 1'709'640'000'000'000'000};
const std::string key = "method-keys-key-0123456789";

/// GET and POST on / and on /pets/{id} of stage v1, all keyed, in plan p1.
/// Each (resource, method) has one tight limit named by one key form: a stage
/// methodSettings key or a plan method throttle key, on the root or below it.
/// The plan throttle is far away, and nothing refills within the test.
document load() {
  const load_result r = load_string(R"({
    "gateway": {"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}}}},
    "restApis": [{"id": "api1",
      "stages": [{"stageName": "v1", "methodSettings": {
        "~1/GET": {"throttlingBurstLimit": 1, "throttlingRateLimit": 0.001},
        "pets/{id}/GET": {"throttlingBurstLimit": 2, "throttlingRateLimit": 0.001}}}],
      "resources": [
        {"id": "r0", "path": "/", "resourceMethods": {
          "GET": {"httpMethod": "GET", "apiKeyRequired": true},
          "POST": {"httpMethod": "POST", "apiKeyRequired": true}}},
        {"id": "r1", "parentId": "r0", "pathPart": "pets", "path": "/pets"},
        {"id": "r2", "parentId": "r1", "pathPart": "{id}", "path": "/pets/{id}",
         "resourceMethods": {
          "GET": {"httpMethod": "GET", "apiKeyRequired": true},
          "POST": {"httpMethod": "POST", "apiKeyRequired": true}}}]}],
    "usagePlans": [{"id": "p1",
      "throttle": {"burstLimit": 1000, "rateLimit": 0.001},
      "apiStages": [{"apiId": "api1", "stage": "v1", "throttle": {
        "//POST": {"burstLimit": 1, "rateLimit": 0.001},
        "/pets/{id}/POST": {"burstLimit": 2, "rateLimit": 0.001}}}]}],
    "apiKeys": [{"id": "k1", "enabled": true, "value": ")" +
                                    key + R"("}],
    "usagePlanKeys": {"p1": [{"id": "k1", "type": "API_KEY"}]}})");
  EXPECT_TRUE(r.errors.empty()) << r.errors.front().message;
  return r.doc.value_or(document{});
}

verdict ask(const compiled_config& cfg, std::string_view method, std::string_view target) {
  request_facts facts;
  facts.method = method;
  facts.target = target;
  facts.api_key = key;
  facts.has_api_key = true;
  facts.now = now;
  return cfg.decide(facts);
}

/// `admitted` requests pass, the next is throttled at `level`.
void expect_limit(const compiled_config& cfg, std::string_view method, std::string_view target,
                  int admitted, limit_level level) {
  for (int i = 0; i < admitted; ++i) {
    ASSERT_EQ(ask(cfg, method, target).result, outcome::forward) << method << " " << target;
  }
  const verdict refused = ask(cfg, method, target);
  EXPECT_EQ(refused.result, outcome::throttled) << method << " " << target;
  EXPECT_EQ(refused.admission.level, level) << method << " " << target;
}

TEST(CompiledMethodKeys, EachKeyLimitsTheRouteItNames) {
  limiter::state_registry registry;
  const auto cfg = compiled_config::compile(load(), registry, now);
  expect_limit(*cfg, "GET", "/v1", 1, limit_level::stage_method);         // "~1/GET"
  expect_limit(*cfg, "POST", "/v1/", 1, limit_level::plan_method);        // "//POST"
  expect_limit(*cfg, "GET", "/v1/pets/1", 2, limit_level::stage_method);  // "pets/{id}/GET"
  expect_limit(*cfg, "POST", "/v1/pets/1", 2, limit_level::plan_method);  // "/pets/{id}/POST"
}

}  // namespace
}  // namespace ug::config
