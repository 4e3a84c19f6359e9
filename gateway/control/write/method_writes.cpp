// PutMethod, UpdateMethod and DeleteMethod. usagegate checks API keys and
// nothing else, so a method's authorization type is NONE: a method that
// asks for IAM, Cognito or a custom authorizer is refused rather than left
// open.
#include <algorithm>
#include <array>
#include <string>

#include "config/document/aws_names.hpp"
#include "gateway/control/json_shapes.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/operations.hpp"
#include "gateway/control/write/json_body.hpp"
#include "gateway/control/write/mutation.hpp"
#include "gateway/control/write/patch_operations.hpp"
#include "gateway/control/write/rest_api_lookup.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::array updatable_method_paths{std::string_view("/apiKeyRequired"),
                                            std::string_view("/authorizationType")};

/// The refusal of an authorization type other than NONE, "" when fine.
std::string authorization_problem(std::string_view type) {
  if (type == "NONE")
    return {};
  return "authorizationType " + std::string(type) +
         " is not supported: usagegate only checks API keys, so a method that needs IAM, "
         "Cognito or a custom authorizer would be left open (use NONE)";
}

control_response method_answer(unsigned status, const config::method& m,
                               std::string_view resource_id) {
  json_writer w;
  write_method(w, m, resource_id);
  return json_response(status, w.take());
}

}  // namespace

control_response put_method(mutation_context& c) {
  auto found = writable_resource_of(c, "resource_id");
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const auto [api, resource] = std::get<writable_resource>(found);
  const std::string_view http_method = c.route.param("http_method");
  if (!config::detail::is_http_method(http_method))
    return error_response(error_code::bad_request, invalid_http_method_text);
  json_body body;
  if (!body.parse(c.body))
    return malformed_body(body.error());
  const auto authorization = body.string("authorizationType");
  const auto api_key_required = body.boolean("apiKeyRequired");
  // Accepted and not used: request validation and models are not enforced
  // by usagegate (docs/control-plane.md).
  (void)body.string("operationName");
  (void)body.object("requestParameters");
  (void)body.object("requestModels");
  (void)body.string("requestValidatorId");
  (void)body.string("authorizerId");
  (void)body.array("authorizationScopes");
  if (!body.ok())
    return malformed_body(body.error());
  if (!authorization || authorization->empty())
    return error_response(error_code::bad_request,
                          "authorizationType must be specified (usagegate accepts NONE)");
  if (std::string problem = authorization_problem(*authorization); !problem.empty())
    return error_response(error_code::bad_request, problem);
  if (find_method_in(*resource, http_method) != nullptr)
    return error_response(error_code::conflict, "Method already exists for this resource");
  resource->methods.push_back(
      config::method{std::string(http_method), api_key_required.value_or(false), std::nullopt});
  c.touch(object_kind::rest_api, api->id);
  return method_answer(201, resource->methods.back(), resource->id);
}

control_response update_method(mutation_context& c) {
  auto found = writable_method_of(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const auto [api, resource, m] = std::get<writable_method>(found);
  std::string error;
  const auto ops = parse_patch_operations(c.body, error);
  if (!ops)
    return malformed_body(error);
  config::method next = *m;
  for (const patch_operation& p : *ops) {
    const bool allowed =
        p.op == "replace" && std::find(updatable_method_paths.begin(), updatable_method_paths.end(),
                                       p.path) != updatable_method_paths.end();
    if (!allowed)
      return error_response(error_code::bad_request, invalid_patch_path(p, updatable_method_paths));
    if (p.path == "/apiKeyRequired") {
      next.api_key_required = patch_boolean(p);
    } else if (std::string problem = authorization_problem(p.value.value_or(""));
               !problem.empty()) {
      return error_response(error_code::bad_request, problem);
    }
  }
  *m = std::move(next);
  c.touch(object_kind::rest_api, api->id);
  return method_answer(200, *m, resource->id);
}

control_response delete_method(mutation_context& c) {
  auto found = writable_method_of(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const auto [api, resource, doomed] = std::get<writable_method>(found);
  const std::string http_method = doomed->http_method;
  std::erase_if(resource->methods,
                [&](const config::method& m) { return m.http_method == http_method; });
  c.touch(object_kind::rest_api, api->id);
  return json_response(202, "");
}

}  // namespace ug::gateway::control
