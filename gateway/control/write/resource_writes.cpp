// CreateResource and DeleteResource with AWS's texts. A resource is kept by
// its full path (the document's shape); its parent and path part follow
// from the path, so the server computes `path` from the parent's.
#include <string>

#include "config/document/aws_names.hpp"
#include "gateway/control/json_shapes.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/write/json_body.hpp"
#include "gateway/control/write/mutation.hpp"
#include "gateway/control/write/random_ids.hpp"
#include "gateway/control/write/rest_api_lookup.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::string_view bad_path_part =
    "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end "
    "and an optional plus sign before the closing brace.";

/// "/pets/{id}" -> "{id}"; "/" -> "".
std::string_view last_segment(std::string_view path) noexcept {
  return path.substr(path.rfind('/') + 1);
}

/// "/pets/{id}" -> "/pets"; "/pets" -> "/"; "/" -> "".
std::string_view parent_of(std::string_view path) noexcept {
  if (path == "/")
    return {};
  const auto slash = path.rfind('/');
  return slash == 0 ? std::string_view("/") : path.substr(0, slash);
}

bool is_variable(std::string_view segment) noexcept {
  return !segment.empty() && segment.front() == '{';
}

bool is_greedy(std::string_view segment) noexcept {
  return segment.size() > 2 && segment.front() == '{' && segment.ends_with("+}");
}

std::string fresh_resource_id(const config::rest_api& api) {
  for (;;) {
    std::string id = random_id(6);
    bool taken = false;
    for (const config::resource& r : api.resources)
      taken = taken || r.id == id;
    if (!taken)
      return id;
  }
}

}  // namespace

control_response create_resource(mutation_context& c) {
  auto found = writable_resource_of(c, "parent_id");
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const auto [api, parent] = std::get<writable_resource>(found);
  json_body body;
  if (!body.parse(c.body))
    return malformed_body(body.error());
  const auto path_part = body.string("pathPart");
  if (!body.ok())
    return malformed_body(body.error());
  const std::string_view parent_segment = last_segment(parent->path);
  if (is_greedy(parent_segment))
    return error_response(error_code::bad_request,
                          "Cannot create a child of a resource with a greedy path variable: " +
                              std::string(parent_segment));
  const std::string part(path_part.value_or(""));
  const std::string path = (parent->path == "/" ? "/" : parent->path + "/") + part;
  if (part.empty() || part.find('/') != std::string::npos ||
      !config::detail::resource_path_problem(path).empty())
    return error_response(error_code::bad_request, bad_path_part);
  for (const config::resource& sibling : api->resources) {
    if (parent_of(sibling.path) != parent->path)
      continue;
    const std::string_view name = last_segment(sibling.path);
    if (name == part)
      return error_response(error_code::conflict,
                            "Another resource with the same parent already has this name: " + part);
    if (is_variable(name) && is_variable(part))
      return error_response(error_code::bad_request,
                            "A sibling (" + std::string(name) +
                                ") of this resource already has a variable path part -- only one "
                                "is allowed");
  }
  api->resources.push_back(config::resource{fresh_resource_id(*api), path, {}});
  c.touch(object_kind::rest_api, api->id);
  json_writer w;
  write_resource(w, *api, api->resources.back());
  return json_response(201, w.take());
}

control_response delete_resource(mutation_context& c) {
  auto found = writable_resource_of(c, "resource_id");
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const auto [api, resource] = std::get<writable_resource>(found);
  if (resource->path == "/")
    return error_response(error_code::bad_request,
                          "The root resource of a REST API cannot be deleted (delete the API "
                          "instead)");
  // The resource and everything below it, as AWS deletes a subtree.
  const std::string path = resource->path;
  const std::string below = path + "/";
  std::erase_if(api->resources, [&](const config::resource& r) {
    return r.path == path || r.path.starts_with(below);
  });
  c.touch(object_kind::rest_api, api->id);
  return json_response(202, "");
}

}  // namespace ug::gateway::control
