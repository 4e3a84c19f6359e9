#pragma once
// The admin listener's AWS key pair (gateway.admin.credentials): what its
// access key id and secret may look like. The AWS CLI and SDKs sign with
// them (SigV4), so the id must survive the Authorization header's
// "Credential=<id>/<date>/..." unchanged, and the secret is the HMAC key: its
// minimum length keeps a captured request out of reach of an offline guess.
#include <cstddef>
#include <string>
#include <string_view>

namespace ug::config::detail {

inline constexpr std::size_t max_access_key_id_chars = 128;  // AWS's AccessKeyId limit
inline constexpr std::size_t min_secret_access_key_chars = 32;
inline constexpr std::size_t max_secret_access_key_chars = 4096;

/// Why `id` cannot be the access key id ("" if it can). Thread-safe.
[[nodiscard]] std::string access_key_id_problem(std::string_view id);

/// Why `secret` cannot be the secret access key ("" if it can). The reason
/// never quotes the secret. Thread-safe.
[[nodiscard]] std::string secret_access_key_problem(std::string_view secret);

}  // namespace ug::config::detail
