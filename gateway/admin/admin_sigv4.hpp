#pragma once
// The admin listener's SigV4 check (gateway.admin.credentials): which
// requests must be signed, and the 403 AWS sends when one is not signed with
// the configured key pair (docs/sigv4.md). admin_access decides when it runs.
#include <cstdint>
#include <memory>
#include <optional>

#include "config/document/document.hpp"
#include "gateway/admin/admin_routes.hpp"
#include "gateway/control/sigv4_verifier.hpp"

namespace ug::gateway {

/// The signing name the credential scope must carry: the AWS clients sign
/// control-plane calls for API Gateway.
inline constexpr std::string_view admin_signing_service = "apigateway";

/// Pure. The verifier for gateway.admin.credentials; nullptr when none are
/// configured. Shared because the verifier cannot be copied (one copy of the
/// secret, wiped when the last holder lets go).
[[nodiscard]] std::shared_ptr<const control::sigv4_verifier> make_admin_sigv4_verifier(
    const std::optional<config::admin_settings::key_pair>& credentials);

/// Pure. True for the requests credentials guard: every control-plane path
/// (any method) and POST /reload.
[[nodiscard]] bool admin_request_needs_signature(const admin_request& request) noexcept;

/// nullopt when `request` carries a valid SigV4 signature made with the
/// verifier's credentials at `now_utc_ns` (UTC ns since the epoch, the
/// request's clock reading); otherwise the 403 AWS sends: x-amzn-ErrorType
/// (InvalidSignatureException, UnrecognizedClientException, ...) and
/// {"message": ...}, which never holds the secret. A bearer token sent in
/// place of a signature is refused without repeating it. The body must be
/// the whole body (its SHA-256 is signed). Thread-safe (the verifier is
/// const); allocates.
[[nodiscard]] std::optional<admin_response> refuse_unsigned_admin_request(
    const control::sigv4_verifier& verifier, const admin_request& request, std::int64_t now_utc_ns);

}  // namespace ug::gateway
