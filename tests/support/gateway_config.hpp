#pragma once
// The config most gateway integration tests need: one REST API with a
// /{proxy+} ANY resource that requires an API key, one stage "v1" on base path
// /v1 in front of one upstream, one usage plan and one key in it. The parts a
// test varies are plain JSON fragments spliced in.
#include <cstdint>
#include <string>

namespace ug::test {

struct single_stage_config {
  /// Ten characters; the resource, plan and key ids derive from its first letter.
  std::string api_id = "testapi001";
  std::string api_key;
  std::uint16_t upstream_port = 0;
  std::uint16_t listen_port = 0;
  int workers = 1;
  /// Extra members of "gateway", each followed by a comma: R"("drainTimeoutMs": 300,)".
  std::string gateway_members;
  /// Extra members of the stage's "upstream", each preceded by a comma.
  std::string upstream_members;
  /// Extra members of the usage plan, each preceded by a comma.
  std::string plan_members;
};

inline std::string to_json(const single_stage_config& c) {
  const std::string p(1, c.api_id.empty() ? 't' : c.api_id.front());
  const std::string res = p + "res00000";
  const std::string plan = p + "plan00001";
  const std::string key = p + "key000001";
  return R"({
  "gateway": {
    "listener": {"address": "127.0.0.1", "port": )" +
         std::to_string(c.listen_port) + R"(},
    "admin": {"address": "127.0.0.1", "port": 0},
    "workers": )" +
         std::to_string(c.workers) + R"(,
    )" + c.gateway_members +
         R"(
    "stages": {")" +
         c.api_id + R"(/v1": {"basePath": "/v1",
      "upstream": {"url": "http://127.0.0.1:)" +
         std::to_string(c.upstream_port) + "\"" + c.upstream_members + R"(}}}
  },
  "restApis": [{"id": ")" +
         c.api_id + R"(", "name": "test", "apiKeySource": "HEADER",
    "resources": [
      {"id": ")" +
         res + R"(1", "path": "/"},
      {"id": ")" +
         res + R"(2", "parentId": ")" + res + R"(1", "pathPart": "{proxy+}", "path": "/{proxy+}",
       "resourceMethods": {"ANY": {"httpMethod": "ANY", "apiKeyRequired": true}}}],
    "stages": [{"stageName": "v1"}]}],
  "usagePlans": [{"id": ")" +
         plan + R"(", "name": "test",
    "apiStages": [{"apiId": ")" +
         c.api_id + R"(", "stage": "v1"}])" + c.plan_members + R"(}],
  "apiKeys": [{"id": ")" +
         key + R"(", "name": "test", "enabled": true, "value": ")" + c.api_key + R"("}],
  "usagePlanKeys": {")" +
         plan + R"(": [{"id": ")" + key + R"(", "type": "API_KEY"}]}
}
)";
}

}  // namespace ug::test
