#include "limiter/quota_period.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <limits>

namespace ug::limiter {
namespace {

namespace chr = std::chrono;

constexpr std::int64_t ns_per_day = 86'400'000'000'000;
constexpr std::int64_t days_per_week = 7;
/// 1970-01-01 was a Thursday; weekdays count from Sunday = 0.
constexpr std::int64_t epoch_weekday = 4;
/// Indices are clamped to about +-800 years around 1970: far beyond the int64
/// nanosecond range (1677..2262), well inside std::chrono::year's.
constexpr std::int64_t max_day_index = 300'000;
constexpr std::int64_t max_week_index = max_day_index / days_per_week;
constexpr std::int64_t max_month_index = 10'000;

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept {
  return a - floor_div(a, b) * b;
}

std::int64_t day_start_ns(std::int64_t day) noexcept {
  constexpr std::int64_t max_ns = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t min_ns = std::numeric_limits<std::int64_t>::min();
  if (day > max_ns / ns_per_day) {
    return max_ns;
  }
  if (day < min_ns / ns_per_day) {
    return min_ns;
  }
  return day * ns_per_day;
}

int clamp_offset(quota_period p, int offset) noexcept {
  switch (p) {
    case quota_period::week:
      return std::clamp(offset, 0, 6);
    case quota_period::month:
      return std::clamp(offset, 0, 27);
    case quota_period::day:
      break;
  }
  return 0;
}

/// Day number (since 1970-01-01) of the first day, on or after the epoch, whose
/// weekday is `weekday` (0 = Sunday): week 0 starts there.
constexpr std::int64_t first_week_start_day(int weekday) noexcept {
  return floor_mod(weekday - epoch_weekday, days_per_week);
}

std::int64_t month_start_day(std::int64_t month_index, int offset) noexcept {
  const chr::year_month ym =
      chr::year{1970} / chr::January + chr::months{static_cast<int>(month_index)};
  const chr::sys_days start{ym / chr::day{static_cast<unsigned>(offset) + 1}};
  return start.time_since_epoch().count();
}

}  // namespace

std::optional<quota_period> parse_quota_period(std::string_view aws_name) noexcept {
  if (aws_name == "DAY") {
    return quota_period::day;
  }
  if (aws_name == "WEEK") {
    return quota_period::week;
  }
  if (aws_name == "MONTH") {
    return quota_period::month;
  }
  return std::nullopt;
}

std::string_view to_aws_name(quota_period p) noexcept {
  switch (p) {
    case quota_period::day:
      return "DAY";
    case quota_period::week:
      return "WEEK";
    case quota_period::month:
      return "MONTH";
  }
  return "DAY";
}

period_bounds period_with_index(quota_period p, int start_day_offset, std::int64_t index) noexcept {
  const int offset = clamp_offset(p, start_day_offset);
  std::int64_t first_day = 0;
  std::int64_t end_day = 0;
  switch (p) {
    case quota_period::week: {
      index = std::clamp(index, -max_week_index, max_week_index);
      first_day = first_week_start_day(offset) + index * days_per_week;
      end_day = first_day + days_per_week;
      break;
    }
    case quota_period::month: {
      index = std::clamp(index, -max_month_index, max_month_index);
      first_day = month_start_day(index, offset);
      end_day = month_start_day(index + 1, offset);
      break;
    }
    case quota_period::day:
    default: {
      index = std::clamp(index, -max_day_index, max_day_index);
      first_day = index;
      end_day = index + 1;
      break;
    }
  }
  return period_bounds{day_start_ns(first_day), day_start_ns(end_day), index};
}

namespace {

/// The last period computed on this thread, per period kind. Requests arrive
/// in (nearly) increasing time, so almost every call lands in the cached
/// period and skips the calendar arithmetic (~20 ns for MONTH). Constant-
/// initialised plain data: no TLS guard, no allocation, no sharing.
struct cached_period {
  int offset = -1;
  period_bounds bounds;
};
thread_local cached_period period_cache[3];

period_bounds compute_period(quota_period p, int offset, std::int64_t utc_ns) noexcept;

}  // namespace

period_bounds period_containing(quota_period p, int start_day_offset,
                                std::int64_t utc_ns) noexcept {
  const int offset = clamp_offset(p, start_day_offset);
  const auto kind = static_cast<std::size_t>(p);
  if (kind >= std::size(period_cache)) {
    return compute_period(p, offset, utc_ns);
  }
  cached_period& cached = period_cache[kind];
  if (cached.offset == offset && cached.bounds.start_utc_ns <= utc_ns &&
      utc_ns < cached.bounds.end_utc_ns) {
    return cached.bounds;
  }
  const period_bounds b = compute_period(p, offset, utc_ns);
  cached.offset = offset;
  cached.bounds = b;
  return b;
}

namespace {

period_bounds compute_period(quota_period p, int offset, std::int64_t utc_ns) noexcept {
  const std::int64_t day = floor_div(utc_ns, ns_per_day);
  std::int64_t index = day;
  switch (p) {
    case quota_period::week:
      index = floor_div(day - first_week_start_day(offset), days_per_week);
      break;
    case quota_period::month: {
      const chr::year_month_day ymd{chr::sys_days{chr::days{day}}};
      index = (static_cast<int>(ymd.year()) - 1970) * std::int64_t{12} +
              (static_cast<unsigned>(ymd.month()) - 1);
      // Before day offset+1 of its month, a date belongs to the period that
      // started in the previous month.
      if (static_cast<unsigned>(ymd.day()) < static_cast<unsigned>(offset) + 1) {
        --index;
      }
      break;
    }
    case quota_period::day:
      break;
  }
  return period_with_index(p, offset, index);
}

}  // namespace

}  // namespace ug::limiter
