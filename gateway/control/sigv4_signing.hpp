#pragma once
// The two SigV4 steps after the canonical request: the string to sign and the
// HMAC-SHA256 chain (OpenSSL) that turns it into the signature.
#include <string>
#include <string_view>

namespace ug::gateway::control {

inline constexpr std::string_view sigv4_algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view sigv4_terminator = "aws4_request";

/// Pure, thread-safe. "AWS4-HMAC-SHA256\n<amz_date>\n<date>/<region>/<service>/aws4_request\n"
/// followed by the lower-case hex SHA-256 of `canonical_request`.
[[nodiscard]] std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view date,
                                               std::string_view region, std::string_view service,
                                               std::string_view canonical_request);

/// Thread-safe. Lower-case hex HMAC-SHA256(kSigning, string_to_sign), where
/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
/// "aws4_request"). Every intermediate key is wiped before returning. ""
/// if OpenSSL failed (it cannot with the default provider), which no
/// signature a client sends equals.
[[nodiscard]] std::string sigv4_signature(std::string_view secret, std::string_view date,
                                          std::string_view region, std::string_view service,
                                          std::string_view string_to_sign);

}  // namespace ug::gateway::control
