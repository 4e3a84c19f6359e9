#pragma once
// Who may use the admin listener: the checks a request passes before it
// reaches a route (docs/operations.md, "Admin access"). In order:
//  1. Credentials.
//     a. SigV4 (gateway.admin.credentials): when configured, every
//        control-plane request and POST /reload must carry an AWS SigV4
//        signature made with them, else 403 with AWS's x-amzn-ErrorType
//        (admin_sigv4). POST /reload also opens with the bearer token, when
//        one is configured and sent: curl and scripts reload with the token.
//     b. Bearer token (gateway.admin.authToken/authTokenFile): when one is
//        configured, every other request except the probes GET /healthz and
//        GET /readyz must carry "Authorization: Bearer <token>", else 401
//        with WWW-Authenticate. The control plane takes no token once
//        credentials are set: an AWS client's Authorization header is its
//        signature, so it cannot send both.
//  2. DNS rebinding: a request without a valid token or signature must name
//     the admin in Host by an IP address or "localhost" (a name an
//     attacker's DNS could point at 127.0.0.1 is refused), else 403.
//  3. Cross-site requests: a mutation (any method but GET and HEAD) must not
//     carry an Origin other than the admin's own; a body or a Content-Type
//     must be application/json (the types a browser sends cross-site without
//     a preflight are text/plain, form-urlencoded and multipart); a mutation
//     without either must carry no Origin at all. Else 403.
// Pure: no socket; the clock reading comes with the call.
#include <cstdint>
#include <memory>
#include <optional>

#include "gateway/admin/admin_routes.hpp"
#include "gateway/admin/admin_sigv4.hpp"
#include "gateway/control/sigv4_verifier.hpp"
#include "limiter/key_table.hpp"  // sha256_digest

namespace ug::gateway {

struct admin_access_policy {
  /// SHA-256 of the bearer token; unset: no token (a loopback-only admin).
  std::optional<common::sha256_digest> bearer_token_sha256;
  /// gateway.admin.credentials (make_admin_sigv4_verifier); null: no
  /// signature is checked.
  std::shared_ptr<const control::sigv4_verifier> sigv4{};
};

/// nullopt lets `request` through; otherwise the JSON answer (401 or 403,
/// saying why) that refuses it. The token and the signature are compared in
/// constant time. `now_utc_ns`: the request's clock reading (UTC ns since
/// the epoch), which a signature's X-Amz-Date must be within 15 minutes of.
/// `request.body` must be the whole body (a signature covers it).
/// Thread-safe (touches only its arguments; the verifier is const).
[[nodiscard]] std::optional<admin_response> refuse_admin_request(const admin_access_policy& policy,
                                                                 const admin_request& request,
                                                                 std::int64_t now_utc_ns);

}  // namespace ug::gateway
