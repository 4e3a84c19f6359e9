#pragma once
// Who may use the admin listener: the checks a request passes before it
// reaches a route (docs/operations.md, "Admin access"). In order:
//  1. Bearer token (gateway.admin.authToken/authTokenFile): when one is
//     configured, every request except the probes GET /healthz and GET
//     /readyz must carry "Authorization: Bearer <token>", else 401 with
//     WWW-Authenticate.
//  2. DNS rebinding: a request without a valid token must name the admin in
//     Host by an IP address or "localhost" (a name an attacker's DNS could
//     point at 127.0.0.1 is refused), else 403.
//  3. Cross-site requests: a mutation (any method but GET and HEAD) must not
//     carry an Origin other than the admin's own; a body or a Content-Type
//     must be application/json (the types a browser sends cross-site without
//     a preflight are text/plain, form-urlencoded and multipart); a mutation
//     without either must carry no Origin at all. Else 403.
// Pure: no socket, no clock.
#include <optional>

#include "gateway/admin/admin_routes.hpp"
#include "limiter/key_table.hpp"  // sha256_digest

namespace ug::gateway {

struct admin_access_policy {
  /// SHA-256 of the bearer token; unset: no token (a loopback-only admin).
  std::optional<common::sha256_digest> bearer_token_sha256;
};

/// nullopt lets `request` through; otherwise the JSON answer (401 or 403,
/// saying why) that refuses it. The token is compared in constant time.
/// Thread-safe (touches only its arguments).
[[nodiscard]] std::optional<admin_response> refuse_admin_request(const admin_access_policy& policy,
                                                                 const admin_request& request);

}  // namespace ug::gateway
