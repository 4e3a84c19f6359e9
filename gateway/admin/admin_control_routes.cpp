#include "gateway/admin/admin_control_routes.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "gateway/admin/control_plane_throttle.hpp"
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

control::control_response answer_of(const snapshot_source& current, const control_write_fn& write,
                                    control::usage_access* usage, control_plane_throttle& throttle,
                                    const control::control_request& c) {
  const std::shared_ptr<const config::compiled_config> snapshot = current();
  if (!snapshot)
    return control::error_response(control::error_code::service_unavailable,
                                   "no configuration is loaded");
  const std::int64_t now_mono_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now().time_since_epoch())
                                       .count();
  if (auto refusal = throttle.refuse(snapshot->gateway().admin.control_plane_throttle, now_mono_ns))
    return std::move(*refusal);
  if (write && control::is_write(c))
    return write(c);
  return control::handle(c, *snapshot, usage);
}

}  // namespace

void add_control_plane_routes(admin_routes& routes, snapshot_source current, control_write_fn write,
                              control::usage_access* usage, control_answer_fn answered) {
  auto is_control_plane_path = [](std::string_view path) {
    return control::is_control_plane_path(path);
  };
  // One bucket for the listener's life; the routes outlive every request.
  auto throttle = std::make_shared<control_plane_throttle>();
  auto answer = [current = std::move(current), write = std::move(write), usage,
                 answered = std::move(answered), throttle](const admin_request& request) {
    control::control_request c;
    c.method = request.method;
    c.path = request.path;
    c.query = request.query;
    c.body = request.body;
    c.headers = request.headers;
    control::control_response r = answer_of(current, write, usage, *throttle, c);
    if (answered)
      answered(control::operation_name(c), r.status);
    return to_admin_response(std::move(r));
  };
  routes.add_path_owner(std::move(is_control_plane_path), std::move(answer));
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
