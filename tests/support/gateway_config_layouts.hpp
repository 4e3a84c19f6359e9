#pragma once
// Config layouts several integration tests share, as usagegate_config values
// a test adjusts before to_json(): single_stage() is what most gateway tests
// need, models_stage() is one countable method for the limit and durability
// tests, multi_stage() puts key-less and key-required resources of several
// stages side by side. Header-only; every function is pure and thread-safe.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/gateway_config.hpp"

namespace ug::test {

/// "/" (id `root_id`) and "/{proxy+}" (id `proxy_id`, an ANY method) as AWS
/// exports them.
inline std::vector<resource_spec> catch_all_resources(const std::string& root_id,
                                                      const std::string& proxy_id,
                                                      bool api_key_required) {
  const resource_spec root{.id = root_id, .path = "/"};
  return {root, child_resource(root, proxy_id, "{proxy+}", {{"ANY", api_key_required}})};
}

/// One REST API `api_id` (ten characters) with a /{proxy+} ANY resource that
/// requires an API key, one stage "v1" on base path /v1 in front of
/// http://127.0.0.1:<upstream_port>, one usage plan without limits and one
/// key (value `api_key`) in it, on one worker. The resource, plan and key ids
/// derive from the first letter of `api_id` ("xres000001", "xres000002",
/// "xplan00001", "xkey000001"); the API, the plan and the key are all `name`.
inline usagegate_config single_stage(const std::string& api_id, const std::string& api_key,
                                     std::uint16_t upstream_port,
                                     const std::string& name = "test") {
  const std::string p(1, api_id.empty() ? 't' : api_id.front());
  usagegate_config c;
  c.gateway.stages = {{.api_id = api_id,
                       .stage_name = "v1",
                       .base_path = "/v1",
                       .upstream = upstream_at(upstream_port)}};
  c.rest_apis = {{.id = api_id,
                  .name = name,
                  .resources = catch_all_resources(p + "res000001", p + "res000002", true),
                  .stages = {{.stage_name = "v1"}}}};
  c.usage_plans = {{.id = p + "plan00001",
                    .name = name,
                    .api_stages = {{.api_id = api_id, .stage = "v1"}},
                    .key_ids = {p + "key000001"}}};
  c.api_keys = {{.id = p + "key000001", .value = api_key, .name = name}};
  return c;
}

/// The ids and the name of a models_stage() config (AWS ids are ten characters).
struct models_stage_ids {
  std::string api{};     ///< "exactapi01"
  std::string root{};    ///< the resource "/"
  std::string models{};  ///< the resource "/models"
  std::string plan{};
  std::string key{};
  std::string name{};  ///< of the API, the plan and the key
};

/// One REST API whose one method is GET /models (API key required), one
/// stage "test" on base path /test in front of http://127.0.0.1:<upstream_port>,
/// one usage plan without limits and one key (value `api_key`) in it, on one
/// worker: for tests that count requests of one kind.
inline usagegate_config models_stage(const models_stage_ids& ids, const std::string& api_key,
                                     std::uint16_t upstream_port) {
  const resource_spec root{.id = ids.root, .path = "/"};
  usagegate_config c;
  c.gateway.stages = {{.api_id = ids.api,
                       .stage_name = "test",
                       .base_path = "/test",
                       .upstream = upstream_at(upstream_port)}};
  c.rest_apis = {{.id = ids.api,
                  .name = ids.name,
                  .resources = {root, child_resource(root, ids.models, "models", {{"GET", true}})},
                  .stages = {{.stage_name = "test"}}}};
  c.usage_plans = {{.id = ids.plan,
                    .name = ids.name,
                    .api_stages = {{.api_id = ids.api, .stage = "test"}},
                    .key_ids = {ids.key}}};
  c.api_keys = {{.id = ids.key, .value = api_key, .name = ids.name}};
  return c;
}

/// A resource of a multi_stage() API: an ANY method on `path`.
struct any_method_resource {
  std::string path{};  ///< "/public/{p+}", "/{proxy+}"
  bool api_key_required = false;
};

/// One REST API of a multi_stage() config, with one stage.
struct multi_stage_api {
  std::string api_id{};  ///< ten characters; the resource ids derive from it
  std::string stage_name{};
  std::string base_path{};
  upstream_settings upstream{};
  std::vector<any_method_resource> resources{};
};

/// Several REST APIs (one stage each) behind one gateway on one worker, one
/// usage plan "multiplan1" without limits that lists every stage, and one
/// key "multikey01" (value `api_key`) in it. Each API has "/" (id
/// <api_id>r0) and then its `resources` (<api_id>r1, r2, ...), without
/// parentId or pathPart.
inline usagegate_config multi_stage(const std::string& api_key,
                                    const std::vector<multi_stage_api>& apis) {
  usagegate_config c;
  usage_plan_spec plan{.id = "multiplan1", .key_ids = {"multikey01"}};
  for (const multi_stage_api& a : apis) {
    c.gateway.stages.push_back({.api_id = a.api_id,
                                .stage_name = a.stage_name,
                                .base_path = a.base_path,
                                .upstream = a.upstream});
    rest_api_spec api{.id = a.api_id, .stages = {{.stage_name = a.stage_name}}};
    api.resources.push_back({.id = a.api_id + "r0", .path = "/"});
    for (std::size_t r = 0; r < a.resources.size(); ++r) {
      api.resources.push_back({.id = a.api_id + "r" + std::to_string(r + 1),
                               .path = a.resources[r].path,
                               .methods = {{"ANY", a.resources[r].api_key_required}}});
    }
    c.rest_apis.push_back(std::move(api));
    plan.api_stages.push_back({.api_id = a.api_id, .stage = a.stage_name});
  }
  c.usage_plans = {std::move(plan)};
  c.api_keys = {{.id = "multikey01", .value = api_key}};
  return c;
}

}  // namespace ug::test
