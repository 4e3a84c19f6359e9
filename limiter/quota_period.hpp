#pragma once
// AWS quota periods (DAY, WEEK, MONTH) in UTC, as pure functions.
#include <cstdint>
#include <optional>
#include <string_view>

namespace ug::limiter {

enum class quota_period : std::uint8_t { day, week, month };

/// AWS documents `offset` two ways (docs/semantics.md).
enum class offset_meaning : std::uint8_t {
  start_day,  ///< offset shifts the period start: WEEK 0-6 (0 = Sunday), MONTH 0-27 (day offset+1)
  initial_requests,  ///< offset requests are subtracted from the limit in the first period
};

/// "DAY", "WEEK" or "MONTH" (AWS spelling, upper case only). Pure, thread-safe.
std::optional<quota_period> parse_quota_period(std::string_view aws_name) noexcept;
/// The AWS spelling of `p`. Pure, thread-safe.
std::string_view to_aws_name(quota_period p) noexcept;

/// Half-open [start_utc_ns, end_utc_ns) plus a monotonically increasing index
/// of the period (consecutive periods have consecutive indices).
struct period_bounds {
  std::int64_t start_utc_ns = 0;
  std::int64_t end_utc_ns = 0;
  std::int64_t index = 0;
};

/// The period that contains `utc_ns`. `start_day_offset` is the startDay offset
/// (0 for DAY, 0-6 for WEEK, 0-27 for MONTH); pass 0 under initial_requests.
/// Pure, thread-safe, never throws.
period_bounds period_containing(quota_period p, int start_day_offset, std::int64_t utc_ns) noexcept;

/// Added: the period whose index is `index` (the inverse of period_containing's
/// numbering: DAY counts days, WEEK weeks and MONTH months from 1970). Bounds
/// beyond the int64 nanosecond range saturate. Pure, thread-safe, never throws.
period_bounds period_with_index(quota_period p, int start_day_offset, std::int64_t index) noexcept;

}  // namespace ug::limiter
