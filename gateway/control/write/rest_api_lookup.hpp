#pragma once
// Internal to gateway/control/write/: finding the REST API (and the resource
// in it) a write names, as AWS answers an id it does not know (404 first),
// and refusing the APIs the config file defines (400 naming the file).
#include <optional>
#include <variant>

#include "gateway/control/write/json_body.hpp"
#include "gateway/control/write/mutation.hpp"

namespace ug::gateway::control {

/// The API of route parameter restapi_id when the control plane owns it;
/// else the answer (404 unknown id, 400 file-defined). Pointers into c.doc.
std::variant<config::rest_api*, control_response> writable_rest_api(mutation_context& c);

/// The resource `id` of `api`; nullptr when it has none.
config::resource* find_resource_in(config::rest_api& api, std::string_view id);
/// The method `http_method` of `r`; nullptr when it has none.
config::method* find_method_in(config::resource& r, std::string_view http_method);
/// Stage `name` of API `api_id` in `doc`; nullptr when there is none.
config::stage* find_stage_in(config::document& doc, std::string_view api_id, std::string_view name);

/// AWS's refusal of an HTTP method name it does not know.
inline constexpr std::string_view invalid_http_method_text =
    "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY";
/// Stage variables would be read by integration URIs (${stageVariables.x}).
inline constexpr std::string_view stage_variables_unsupported =
    "Stage variables are not supported by usagegate yet: write the value into the integration "
    "uri";

/// The API and the resource of route parameter `resource_param` in it; else
/// the answer (the API's, or 404 "Invalid Resource identifier specified").
struct writable_resource {
  config::rest_api* api = nullptr;
  config::resource* resource = nullptr;
};
std::variant<writable_resource, control_response> writable_resource_of(
    mutation_context& c, std::string_view resource_param);

/// The API, resource and method of the route (resource_id, http_method); else
/// the answer (the resource's, or 404 "Invalid Method identifier specified").
struct writable_method {
  config::rest_api* api = nullptr;
  config::resource* resource = nullptr;
  config::method* method = nullptr;
};
std::variant<writable_method, control_response> writable_method_of(mutation_context& c);

/// Reads the stage settings CreateDeployment and CreateStage share and
/// usagegate does not serve (variables, canarySettings, cacheClusterEnabled
/// and its size); the 400 when one is asked for.
std::optional<control_response> unsupported_stage_settings(json_body& body);

}  // namespace ug::gateway::control
