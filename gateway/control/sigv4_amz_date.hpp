#pragma once
// X-Amz-Date, ISO 8601 basic format in UTC ("20150830T123600Z"): the signing
// time SigV4 binds into the string to sign and the credential scope.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ug::gateway::control {

/// Pure, thread-safe, never throws. Seconds since the Unix epoch of exactly
/// "YYYYMMDDTHHMMSSZ" naming a real date and time; nullopt for anything else.
[[nodiscard]] std::optional<std::int64_t> parse_amz_date(std::string_view text) noexcept;

/// Pure, thread-safe. "YYYYMMDDTHHMMSSZ" of `utc_s` (years 0000-9999).
[[nodiscard]] std::string format_amz_date(std::int64_t utc_s);

}  // namespace ug::gateway::control
