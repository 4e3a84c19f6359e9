#pragma once
// What the SigV4 verifier answers: valid, or the refusal AWS sends for a
// control-plane request whose signature it does not accept (status,
// x-amzn-ErrorType and the text of {"message": ...}). docs/sigv4.md lists them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ug::gateway::control {

enum class sigv4_error : std::uint8_t {
  missing_authentication_token,  ///< no Authorization header at all
  incomplete_signature,          ///< Authorization or X-Amz-Date malformed or incomplete
  invalid_signature,             ///< well formed but wrong: scope, clock, signature, payload hash
  unrecognized_client,           ///< unknown access key id, or a session token
};

/// Pure, thread-safe. AWS answers every one of them with 403.
constexpr unsigned sigv4_http_status(sigv4_error /*error*/) noexcept {
  return 403;
}

/// Pure, thread-safe. The x-amzn-ErrorType value, e.g. "InvalidSignatureException".
[[nodiscard]] std::string_view sigv4_error_type(sigv4_error error) noexcept;

struct sigv4_refusal {
  sigv4_error error = sigv4_error::missing_authentication_token;
  /// AWS's text. Holds what the client sent (its Authorization header, the
  /// canonical request) but never the configured secret.
  std::string message;
};

struct sigv4_verdict {
  std::optional<sigv4_refusal> refusal;  ///< nullopt: the request is signed with the credentials

  [[nodiscard]] bool valid() const noexcept { return !refusal.has_value(); }
};

}  // namespace ug::gateway::control
