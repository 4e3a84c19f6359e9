#pragma once
// The HTTP Date header value (RFC 9110 §5.6.7 IMF-fixdate), formatted from the
// request's one clock reading rather than a second clock read.
#include <array>
#include <cstdint>
#include <string_view>

namespace ug::gateway {

inline constexpr std::size_t http_date_bytes = 29;  // "Sun, 06 Nov 1994 08:49:37 GMT"
using http_date_text = std::array<char, http_date_bytes>;

/// Pure, thread-safe, never throws. `utc_s`: seconds since the Unix epoch (>= 0).
http_date_text format_http_date(std::int64_t utc_s) noexcept;

/// Thread-safe: a per-thread cache reformats only when the second changes. The
/// view stays valid on the calling thread until its next call.
std::string_view cached_http_date(std::int64_t utc_ns) noexcept;

}  // namespace ug::gateway
