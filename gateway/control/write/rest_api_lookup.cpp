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

}  // namespace ug::gateway::control
