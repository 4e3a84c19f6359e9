#pragma once
// The AWS API Gateway control plane on the admin listener: the paths of the
// management API (/apikeys, /usageplans, /restapis, /account, ...) go to
// gateway/control/, which answers them from the config snapshot in force
// (docs/control-plane.md). They share the listener's access checks with
// /metrics and /reload (admin_access).
#include <functional>
#include <memory>
#include <optional>

#include "config/snapshot/compiled_config.hpp"
#include "gateway/admin/admin_routes.hpp"
#include "gateway/control/control_plane.hpp"

namespace ug::gateway {

/// The config snapshot in force; called on the admin thread for each request.
using snapshot_source = std::function<std::shared_ptr<const config::compiled_config>()>;

/// A control-plane write, run by the owner of the state store (it waits for
/// the control thread); called on the admin thread.
using control_write_fn = std::function<control::control_response(const control::control_request&)>;

/// Told of every answer the control plane gives (its operation name, "" for
/// none, and the HTTP status), e.g. metrics::count_control_plane_request;
/// called on the admin thread.
using control_answer_fn = std::function<void(std::string_view operation, unsigned status)>;

/// Not thread-safe: build before the server starts. Every request to a
/// control-plane path goes to the control plane with `current()`'s snapshot;
/// a write goes to `write` when set (a gateway with a state directory), else
/// it is refused there. GetUsage reads `usage` (thread-safe, outlives the
/// routes; null without a state directory). `answered`, when set, is told
/// of every answer.
void add_control_plane_routes(admin_routes& routes, snapshot_source current,
                              control_write_fn write = {}, control::usage_access* usage = nullptr,
                              control_answer_fn answered = {});

/// Pure. For a refusal admin_access made on a control-plane path: the same
/// answer with the x-amzn-ErrorType AWS clients read their error code from
/// (401 UnauthorizedException, 403 AccessDeniedException), so the CLI says
/// which error it got. A refusal that already names its type (the SigV4
/// check's) and other paths' refusals stay as they are.
void mark_control_plane_refusal(const admin_request& request, admin_response& refusal);

}  // namespace ug::gateway
