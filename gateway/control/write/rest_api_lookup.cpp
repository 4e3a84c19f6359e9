#include "gateway/control/write/rest_api_lookup.hpp"

#include <string>

#include "gateway/control/operations.hpp"

namespace ug::gateway::control {

std::variant<config::rest_api*, control_response> writable_rest_api(mutation_context& c) {
  const std::string_view id = c.route.param("restapi_id");
  for (config::rest_api& api : c.doc.rest_apis) {
    if (api.id != id)
      continue;
    if (!c.owns(object_kind::rest_api, id))
      return file_object_refused(c.doc, "REST API '" + std::string(id) + "'");
    return &api;
  }
  return rest_api_not_found(id);
}

// The writes change what the reads' lookups find: one search, two constnesses.
config::resource* find_resource_in(config::rest_api& api, std::string_view id) {
  return const_cast<config::resource*>(find_resource(api, id));
}

config::method* find_method_in(config::resource& r, std::string_view http_method) {
  for (config::method& m : r.methods) {
    if (m.http_method == http_method)
      return &m;
  }
  return nullptr;
}

config::stage* find_stage_in(config::document& doc, std::string_view api_id,
                             std::string_view name) {
  return const_cast<config::stage*>(find_stage(doc, api_id, name));
}

std::variant<writable_resource, control_response> writable_resource_of(
    mutation_context& c, std::string_view resource_param) {
  auto api = writable_rest_api(c);
  if (auto* answer = std::get_if<control_response>(&api))
    return std::move(*answer);
  writable_resource out;
  out.api = std::get<config::rest_api*>(api);
  out.resource = find_resource_in(*out.api, c.route.param(resource_param));
  if (out.resource == nullptr)
    return error_response(error_code::not_found, not_found_text::resource);
  return out;
}

std::variant<writable_method, control_response> writable_method_of(mutation_context& c) {
  auto found = writable_resource_of(c, "resource_id");
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const auto [api, resource] = std::get<writable_resource>(found);
  config::method* m = find_method_in(*resource, c.route.param("http_method"));
  if (m == nullptr)
    return error_response(error_code::not_found, not_found_text::method);
  return writable_method{api, resource, m};
}

std::optional<control_response> unsupported_stage_settings(json_body& body) {
  const auto variables = body.object("variables");
  const auto canary = body.object("canarySettings");
  const auto cache_cluster = body.boolean("cacheClusterEnabled");
  (void)body.string("cacheClusterSize");
  if (variables && variables->size() > 0)
    return error_response(error_code::bad_request, stage_variables_unsupported);
  if (canary)
    return error_response(error_code::bad_request,
                          "canarySettings are not supported by usagegate (one deployment per "
                          "stage)");
  if (cache_cluster.value_or(false))
    return error_response(error_code::bad_request,
                          "cacheClusterEnabled is not supported by usagegate (it does not "
                          "cache responses)");
  return std::nullopt;
}

}  // namespace ug::gateway::control
