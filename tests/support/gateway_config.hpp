#pragma once
// The config most gateway integration tests need: one REST API with a
// /{proxy+} ANY resource that requires an API key, one stage "v1" on base path
// /v1 in front of one upstream, one usage plan and one key in it. The parts a
// test varies are plain JSON fragments spliced in. multi_stage_config (below)
// is for tests that need several stages and key-less resources.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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
  /// Extra resources of the REST API, each preceded by a comma:
  /// R"(,{"id": "pub0000001", "path": "/public/{p+}", "resourceMethods": {...}})".
  std::string extra_resources;
};

/// The start of a test config up to "stages": both listeners on 127.0.0.1
/// (the admin on a free port), `workers`, and the caller's extra members.
inline std::string gateway_opening(std::uint16_t listen_port, int workers,
                                   const std::string& gateway_members) {
  return R"({
  "gateway": {
    "listener": {"address": "127.0.0.1", "port": )" +
         std::to_string(listen_port) + R"(},
    "admin": {"address": "127.0.0.1", "port": 0},
    "workers": )" +
         std::to_string(workers) + R"(,
    )" + gateway_members;
}

inline std::string to_json(const single_stage_config& c) {
  const std::string p(1, c.api_id.empty() ? 't' : c.api_id.front());
  const std::string res = p + "res00000";
  const std::string plan = p + "plan00001";
  const std::string key = p + "key000001";
  return gateway_opening(c.listen_port, c.workers, c.gateway_members) + R"(
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
       "resourceMethods": {"ANY": {"httpMethod": "ANY", "apiKeyRequired": true}}})" +
         c.extra_resources + R"(],
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

/// One resource of a multi-stage config: an ANY method on `path`.
struct resource_spec {
  std::string path;  ///< "/public/{p+}", "/{proxy+}"
  bool api_key_required = false;
};

/// One REST API with one stage, reached under `base_path` and forwarded to
/// http://127.0.0.1:<upstream_port><upstream_base_path>.
struct stage_spec {
  /// Ten characters; the resource ids derive from it.
  std::string api_id;
  std::string stage_name;
  std::string base_path;
  std::uint16_t upstream_port = 0;
  std::string upstream_base_path;
  /// Extra members of the stage's "upstream", each preceded by a comma.
  std::string upstream_members;
  std::vector<resource_spec> resources;
};

/// Several REST APIs (one stage each) behind one gateway, one usage plan
/// that lists every stage, and one key in it: for tests that need key-less
/// and key-required resources side by side.
struct multi_stage_config {
  std::string api_key;
  std::uint16_t listen_port = 0;
  int workers = 1;
  /// Extra members of "gateway", each followed by a comma.
  std::string gateway_members;
  /// Extra members of the usage plan, each preceded by a comma.
  std::string plan_members;
  std::vector<stage_spec> stages;
};

inline std::string to_json(const multi_stage_config& c) {
  std::string gateway_stages;
  std::string apis;
  std::string plan_stages;
  for (std::size_t i = 0; i < c.stages.size(); ++i) {
    const stage_spec& s = c.stages[i];
    const std::string sep = i == 0 ? "" : ",";
    gateway_stages += sep + "\n      \"" + s.api_id + "/" + s.stage_name + R"(": {"basePath": ")" +
                      s.base_path + R"(", "upstream": {"url": "http://127.0.0.1:)" +
                      std::to_string(s.upstream_port) + s.upstream_base_path + "\"" +
                      s.upstream_members + "}}";
    std::string resources = R"({"id": ")" + s.api_id + R"(r0", "path": "/"})";
    for (std::size_t r = 0; r < s.resources.size(); ++r) {
      resources += R"(,
       {"id": ")" + s.api_id +
                   "r" + std::to_string(r + 1) + R"(", "path": ")" + s.resources[r].path +
                   R"(", "resourceMethods": {"ANY": {"httpMethod": "ANY", "apiKeyRequired": )" +
                   (s.resources[r].api_key_required ? "true" : "false") + "}}}";
    }
    apis += sep + R"(
    {"id": ")" +
            s.api_id +
            R"(", "name": "test", "apiKeySource": "HEADER",
     "resources": [)" +
            resources + R"(],
     "stages": [{"stageName": ")" +
            s.stage_name + R"("}]})";
    plan_stages += sep + R"({"apiId": ")" + s.api_id + R"(", "stage": ")" + s.stage_name + "\"}";
  }
  return gateway_opening(c.listen_port, c.workers, c.gateway_members) + R"(
    "stages": {)" +
         gateway_stages + R"(}
  },
  "restApis": [)" +
         apis + R"(],
  "usagePlans": [{"id": "multiplan1", "name": "test",
    "apiStages": [)" +
         plan_stages + "]" + c.plan_members + R"(}],
  "apiKeys": [{"id": "multikey01", "name": "test", "enabled": true, "value": ")" +
         c.api_key +
         R"("}],
  "usagePlanKeys": {"multiplan1": [{"id": "multikey01", "type": "API_KEY"}]}
}
)";
}

}  // namespace ug::test
