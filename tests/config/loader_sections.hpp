#pragma once
// The loader tests' small valid configuration, in five sections a test
// replaces to make it invalid (or valid in another way).
#include <string>

#include "config/loader.hpp"

namespace ug::config::loader_fixture {

/// A small valid configuration in five replaceable sections.
struct sections {
  std::string gateway =
      R"({"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}}}})";
  std::string rest_apis = R"([{"id": "api1", "name": "one",
      "resources": [{"id": "r0", "path": "/"},
                    {"id": "r1", "path": "/endpoint",
                     "resourceMethods": {"GET": {"httpMethod": "GET", "apiKeyRequired": true}}}],
      "stages": [{"stageName": "v1"}]}])";
  std::string usage_plans = R"([{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}],
      "throttle": {"burstLimit": 5, "rateLimit": 10},
      "quota": {"limit": 1000, "offset": 0, "period": "WEEK"}}])";
  std::string api_keys =
      R"([{"id": "k1", "enabled": true, "value": "test-key-value-000000000001"}])";
  std::string usage_plan_keys = R"({"p1": [{"id": "k1", "type": "API_KEY"}]})";

  [[nodiscard]] std::string json() const {
    return R"({"gateway": )" + gateway + R"(, "restApis": )" + rest_apis + R"(, "usagePlans": )" +
           usage_plans + R"(, "apiKeys": )" + api_keys + R"(, "usagePlanKeys": )" +
           usage_plan_keys + "}";
  }
};

inline std::string all_errors(const load_result& r) {
  std::string text;
  for (const config_error& e : r.errors)
    text += e.to_string() + "\n";
  return text;
}

/// A "gateway" section with the one stage and `members` added.
inline std::string gateway_with(const std::string& members) {
  return R"({"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}}}, )" + members +
         "}";
}

}  // namespace ug::config::loader_fixture
