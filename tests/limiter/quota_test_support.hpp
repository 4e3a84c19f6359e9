#pragma once
// The calendar the quota tests count in and the plain daily quota most of
// them count against. Header-only.
#include <cstdint>
#include <limits>

#include "limiter/quota_counter.hpp"

namespace ug::limiter::test {

inline constexpr std::int64_t day_ns = 86'400'000'000'000;
inline constexpr std::int64_t hour_ns = 3'600'000'000'000;
/// 2023-11-14, a Tuesday: the day index, and its 00:00 UTC.
inline constexpr std::int64_t day_index0 = 19'675;
inline constexpr std::int64_t day0 = day_index0 * day_ns;

/// A daily quota of `limit` whose plan started long before, so no day is a
/// first, reduced one.
inline quota_params daily(std::int64_t limit) {
  quota_params p;
  p.limit = limit;
  p.period = quota_period::day;
  p.first_period_index = std::numeric_limits<std::int64_t>::min();
  return p;
}

}  // namespace ug::limiter::test
