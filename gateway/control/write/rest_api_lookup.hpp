#pragma once
// Internal to gateway/control/write/: finding the REST API (and the resource
// in it) a write names, as AWS answers an id it does not know (404 first),
// and refusing the APIs the config file defines (400 naming the file).
#include <variant>

#include "gateway/control/write/mutation.hpp"

namespace ug::gateway::control {

/// The API of route parameter restapi_id when the control plane owns it;
/// else the answer (404 unknown id, 400 file-defined). Pointers into c.doc.
std::variant<config::rest_api*, control_response> writable_rest_api(mutation_context& c);

/// The resource `id` of `api`; nullptr when it has none.
config::resource* find_resource_in(config::rest_api& api, std::string_view id);

/// The API and the resource of route parameter `resource_param` in it; else
/// the answer (the API's, or 404 "Invalid Resource identifier specified").
struct writable_resource {
  config::rest_api* api = nullptr;
  config::resource* resource = nullptr;
};
std::variant<writable_resource, control_response> writable_resource_of(
    mutation_context& c, std::string_view resource_param);

}  // namespace ug::gateway::control
