#include "gateway/admin/admin_control_routes.hpp"

#include <string>
#include <utility>

#include "gateway/control/aws_error.hpp"
#include "gateway/control/control_plane.hpp"

namespace ug::gateway {
namespace {

admin_response to_admin_response(control::control_response answer) {
  admin_response r;
  r.status = answer.status;
  r.body = std::move(answer.body);
  for (auto& [name, value] : answer.headers) {
    if (name == "Content-Type")
      r.content_type = std::move(value);
    else
      r.headers.emplace_back(std::move(name), std::move(value));
  }
  return r;
}

}  // namespace

void add_control_plane_routes(admin_routes& routes, snapshot_source current, control_write_fn write,
                              control::usage_access* usage) {
  routes.add_path_owner(
      [](std::string_view path) { return control::is_control_plane_path(path); },
      [current = std::move(current), write = std::move(write),
       usage](const admin_request& request) {
        const std::shared_ptr<const config::compiled_config> snapshot = current();
        if (!snapshot) {
          return to_admin_response(control::error_response(control::error_code::service_unavailable,
                                                           "no configuration is loaded"));
        }
        control::control_request c;
        c.method = request.method;
        c.path = request.path;
        c.query = request.query;
        c.body = request.body;
        c.headers = request.headers;
        if (write && control::is_write(c))
          return to_admin_response(write(c));
        return to_admin_response(control::handle(c, *snapshot, usage));
      });
}

void mark_control_plane_refusal(const admin_request& request, admin_response& refusal) {
  if (!control::is_control_plane_path(request.path))
    return;
  for (const auto& [name, value] : refusal.headers) {
    if (name == "x-amzn-ErrorType")
      return;  // a SigV4 refusal names its own type
  }
  const char* type = refusal.status == 401 ? "UnauthorizedException" : "AccessDeniedException";
  refusal.headers.emplace_back("x-amzn-ErrorType", type);
}

}  // namespace ug::gateway
