#pragma once
// UTC days as AWS usage reads write them: "YYYY-MM-DD" <-> days since
// 1970-01-01. The control plane (GetUsage) and `usagegate usage` (store/)
// both parse and print them; neither owns the other.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "common/civil_date.hpp"

namespace ug::common {

/// Thread-safe (pure). "YYYY-MM-DD" -> days since 1970-01-01; nullopt unless
/// exactly that form and a date of the calendar (2023-02-30 is not).
inline std::optional<std::int64_t> parse_utc_day(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const auto digits = [](std::string_view part, unsigned& out) noexcept {
    const auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc{} && p == part.data() + part.size();
  };
  unsigned y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (!digits(text.substr(0, 4), y) || !digits(text.substr(5, 2), m) ||
      !digits(text.substr(8, 2), d) || m < 1 || m > 12 || d < 1) {
    return std::nullopt;
  }
  const std::int64_t day = days_from_civil(y, m, d);
  // The day must map back to itself: that rejects the 30th of February.
  const civil_date back = civil_from_days(day);
  if (back.year != y || back.month != m || back.day != d) {
    return std::nullopt;
  }
  return day;
}

/// Thread-safe (pure). Days since 1970-01-01 -> "YYYY-MM-DD".
inline std::string format_utc_day(std::int64_t day) {
  const civil_date date = civil_from_days(day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(date.year), date.month,
                date.day);
  return buf;
}

/// Thread-safe (pure). The UTC day containing `utc_ns` (floor division: days
/// before 1970 are negative).
constexpr std::int64_t utc_day_of_ns(std::int64_t utc_ns) noexcept {
  constexpr std::int64_t ns_per_day = 86'400'000'000'000;
  std::int64_t day = utc_ns / ns_per_day;
  if (utc_ns % ns_per_day < 0) {
    --day;
  }
  return day;
}

}  // namespace ug::common
