// CreateRestApi, UpdateRestApi, DeleteRestApi. An API made here starts with
// its root resource "/" and no stages: nothing of it is on the data plane
// until it is deployed to a stage.
#include <algorithm>
#include <array>
#include <string>

#include "gateway/control/json_shapes.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/operations.hpp"
#include "gateway/control/write/json_body.hpp"
#include "gateway/control/write/mutation.hpp"
#include "gateway/control/write/patch_operations.hpp"
#include "gateway/control/write/random_ids.hpp"
#include "gateway/control/write/rest_api_lookup.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::array updatable_rest_api_paths{
    std::string_view("/name"), std::string_view("/description"), std::string_view("/apiKeySource")};

/// The refusal of an API key source other than the header, "" when fine.
std::string api_key_source_problem(std::string_view source) {
  if (source == "HEADER")
    return {};
  if (source == "AUTHORIZER")
    return "apiKeySource AUTHORIZER is not supported: authorizers are not supported by "
           "usagegate, so API keys can only come from the x-api-key header (use HEADER)";
  return "Invalid apiKeySource specified: " + std::string(source) + " (use HEADER)";
}

std::string fresh_rest_api_id(const config::document& doc) {
  for (;;) {
    std::string id = random_id(10);
    if (find_rest_api(doc, id) == nullptr)
      return id;
  }
}

control_response rest_api_answer(unsigned status, const config::rest_api& api) {
  json_writer w;
  write_rest_api(w, api);
  return json_response(status, w.take());
}

}  // namespace

control_response create_rest_api(mutation_context& c) {
  json_body body;
  if (!body.parse(c.body))
    return malformed_body(body.error());
  const auto name = body.string("name");
  const auto description = body.string("description");
  const auto api_key_source = body.string("apiKeySource");
  const auto clone_from = body.string("cloneFrom");
  auto tags = body.tags("tags");
  // Accepted and not used: they shape AWS's edge network, payload encoding
  // and IAM, none of which a local gateway has (docs/control-plane.md).
  (void)body.string("version");
  (void)body.array("binaryMediaTypes");
  (void)body.integer("minimumCompressionSize");
  (void)body.object("endpointConfiguration");
  (void)body.string("policy");
  (void)body.boolean("disableExecuteApiEndpoint");
  if (!body.ok())
    return malformed_body(body.error());
  if (!name || name->empty())
    return error_response(error_code::bad_request, "The REST API name must be specified");
  if (clone_from && !clone_from->empty())
    return error_response(error_code::bad_request,
                          "cloneFrom is not supported by usagegate: create the API's resources "
                          "and methods one by one, or export the API and add it to the config "
                          "file");
  if (api_key_source) {
    if (std::string problem = api_key_source_problem(*api_key_source); !problem.empty())
      return error_response(error_code::bad_request, problem);
  }
  config::rest_api api;
  api.id = fresh_rest_api_id(c.doc);
  api.name = std::string(*name);
  api.description = std::string(description.value_or(""));
  api.created_date_s = c.now_s;
  api.tags = std::move(tags);
  api.resources.push_back(config::resource{random_id(10), "/", {}});
  c.touch(object_kind::rest_api, api.id);
  c.doc.rest_apis.push_back(std::move(api));
  return rest_api_answer(201, c.doc.rest_apis.back());
}

control_response update_rest_api(mutation_context& c) {
  auto found = writable_rest_api(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  config::rest_api& api = *std::get<config::rest_api*>(found);
  std::string error;
  const auto ops = parse_patch_operations(c.body, error);
  if (!ops)
    return malformed_body(error);
  config::rest_api next = api;
  for (const patch_operation& p : *ops) {
    const bool allowed = p.op == "replace" &&
                         std::find(updatable_rest_api_paths.begin(), updatable_rest_api_paths.end(),
                                   p.path) != updatable_rest_api_paths.end();
    if (!allowed)
      return error_response(error_code::bad_request,
                            invalid_patch_path(p, updatable_rest_api_paths));
    const std::string v = p.value.value_or("");
    if (p.path == "/name") {
      if (v.empty())
        return error_response(error_code::bad_request, "The REST API name must be specified");
      next.name = v;
    } else if (p.path == "/description") {
      next.description = v;
    } else if (std::string problem = api_key_source_problem(v); !problem.empty()) {
      return error_response(error_code::bad_request, problem);
    }
  }
  api = std::move(next);
  c.touch(object_kind::rest_api, api.id);
  return rest_api_answer(200, api);
}

control_response delete_rest_api(mutation_context& c) {
  auto found = writable_rest_api(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const std::string id = std::get<config::rest_api*>(found)->id;
  for (const config::usage_plan& plan : c.doc.usage_plans) {
    for (const config::api_stage& as : plan.api_stages) {
      if (as.api_id == id)
        return error_response(error_code::bad_request,
                              "REST API " + id + " has stage " + as.stage + " in usage plan " +
                                  plan.id +
                                  ": remove it from the plan first (update-usage-plan "
                                  "--patch-operations op=remove,path=/apiStages,value=" +
                                  id + ":" + as.stage + ")");
    }
  }
  std::erase_if(c.doc.rest_apis, [&](const config::rest_api& api) { return api.id == id; });
  std::erase_if(c.doc.stages, [&](const config::stage& s) { return s.api_id == id; });
  c.touch(object_kind::rest_api, id);
  return json_response(202, "");
}

}  // namespace ug::gateway::control
