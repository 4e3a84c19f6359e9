#include "limiter/quota_period.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ug::limiter {
namespace {

constexpr std::int64_t day_ns = 86'400'000'000'000;
constexpr std::int64_t hour_ns = 3'600'000'000'000;

// An independent civil-calendar conversion (proleptic Gregorian, days since
// 1970-01-01), so the tests do not check std::chrono against itself.
bool is_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(std::int64_t y, int m) {
  static constexpr int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : lengths[m - 1];
}

std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  std::int64_t days = 0;
  for (std::int64_t year = 1970; year < y; ++year) {
    days += is_leap(year) ? 366 : 365;
  }
  for (std::int64_t year = y; year < 1970; ++year) {
    days -= is_leap(year) ? 366 : 365;
  }
  for (int month = 1; month < m; ++month) {
    days += days_in_month(y, month);
  }
  return days + d - 1;
}

std::int64_t utc(std::int64_t y, int m, int d, int hour = 0) {
  return days_from_civil(y, m, d) * day_ns + hour * hour_ns;
}

struct civil {
  std::int64_t y;
  int m;
  int d;
};

// ---------------------------------------------------------------------------

TEST(QuotaPeriod, ParsesAwsNames) {
  EXPECT_EQ(parse_quota_period("DAY"), quota_period::day);
  EXPECT_EQ(parse_quota_period("WEEK"), quota_period::week);
  EXPECT_EQ(parse_quota_period("MONTH"), quota_period::month);
  EXPECT_EQ(parse_quota_period("day"), std::nullopt);
  EXPECT_EQ(parse_quota_period("YEAR"), std::nullopt);
  EXPECT_EQ(parse_quota_period(""), std::nullopt);
  for (quota_period p : {quota_period::day, quota_period::week, quota_period::month}) {
    EXPECT_EQ(parse_quota_period(to_aws_name(p)), p);
  }
}

TEST(QuotaPeriod, CivilReferenceIsRight) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(utc(2023, 11, 14, 22), 1'699'999'200'000'000'000);  // date -u -d @1699999200
  EXPECT_EQ(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);
  EXPECT_EQ(days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28), 1);
}

struct bounds_case {
  const char* name;
  quota_period period;
  int offset;
  std::int64_t at;
  std::int64_t start;
  std::int64_t end;
};

class QuotaPeriodTable : public testing::TestWithParam<bounds_case> {};

TEST_P(QuotaPeriodTable, Bounds) {
  const bounds_case& c = GetParam();
  const period_bounds b = period_containing(c.period, c.offset, c.at);
  EXPECT_EQ(b.start_utc_ns, c.start) << c.name;
  EXPECT_EQ(b.end_utc_ns, c.end) << c.name;
  const period_bounds same = period_with_index(c.period, c.offset, b.index);
  EXPECT_EQ(same.start_utc_ns, b.start_utc_ns);
  EXPECT_EQ(same.end_utc_ns, b.end_utc_ns);
}

INSTANTIATE_TEST_SUITE_P(Table, QuotaPeriodTable,
                         testing::Values(
                             // DAY: calendar day in UTC.
                             bounds_case{"day_mid", quota_period::day, 0, utc(2024, 2, 28, 13),
                                         utc(2024, 2, 28), utc(2024, 2, 29)},
                             bounds_case{"day_leap", quota_period::day, 0, utc(2024, 2, 29, 23),
                                         utc(2024, 2, 29), utc(2024, 3, 1)},
                             bounds_case{"day_year_end", quota_period::day, 0, utc(2024, 1, 1) - 1,
                                         utc(2023, 12, 31), utc(2024, 1, 1)},
                             bounds_case{"day_start_inclusive", quota_period::day, 0,
                                         utc(2024, 1, 1), utc(2024, 1, 1), utc(2024, 1, 2)},
                             bounds_case{"day_before_epoch", quota_period::day, 0,
                                         utc(1969, 12, 31, 5), utc(1969, 12, 31), utc(1970, 1, 1)},
                             // WEEK: starts Sunday + offset, 00:00 UTC. 2024-01-01 was a Monday.
                             bounds_case{"week_sunday", quota_period::week, 0, utc(2024, 1, 1, 10),
                                         utc(2023, 12, 31), utc(2024, 1, 7)},
                             bounds_case{"week_monday", quota_period::week, 1, utc(2024, 1, 1, 10),
                                         utc(2024, 1, 1), utc(2024, 1, 8)},
                             bounds_case{"week_saturday", quota_period::week, 6,
                                         utc(2024, 1, 1, 10), utc(2023, 12, 30), utc(2024, 1, 6)},
                             bounds_case{"week_across_leap_day", quota_period::week, 4,
                                         utc(2024, 3, 1), utc(2024, 2, 29), utc(2024, 3, 7)},
                             bounds_case{"week_end_exclusive", quota_period::week, 1,
                                         utc(2024, 1, 8) - 1, utc(2024, 1, 1), utc(2024, 1, 8)},
                             // MONTH: starts on day offset+1, 00:00 UTC.
                             bounds_case{"month_feb_leap", quota_period::month, 0, utc(2024, 2, 15),
                                         utc(2024, 2, 1), utc(2024, 3, 1)},
                             bounds_case{"month_feb_common", quota_period::month, 0,
                                         utc(2023, 2, 28, 23), utc(2023, 2, 1), utc(2023, 3, 1)},
                             bounds_case{"month_2000_leap", quota_period::month, 0,
                                         utc(2000, 2, 29), utc(2000, 2, 1), utc(2000, 3, 1)},
                             bounds_case{"month_1900_common", quota_period::month, 0,
                                         utc(1900, 2, 28), utc(1900, 2, 1), utc(1900, 3, 1)},
                             bounds_case{"month_2100_common", quota_period::month, 0,
                                         utc(2100, 2, 28), utc(2100, 2, 1), utc(2100, 3, 1)},
                             bounds_case{"month_year_end", quota_period::month, 0,
                                         utc(2024, 1, 1) - 1, utc(2023, 12, 1), utc(2024, 1, 1)},
                             bounds_case{"month_offset27_before", quota_period::month, 27,
                                         utc(2024, 1, 28) - 1, utc(2023, 12, 28), utc(2024, 1, 28)},
                             bounds_case{"month_offset27_at", quota_period::month, 27,
                                         utc(2024, 1, 28), utc(2024, 1, 28), utc(2024, 2, 28)},
                             bounds_case{"month_offset27_leap", quota_period::month, 27,
                                         utc(2024, 2, 29), utc(2024, 2, 28), utc(2024, 3, 28)},
                             bounds_case{"month_offset14_year_end", quota_period::month, 14,
                                         utc(2024, 1, 3), utc(2023, 12, 15), utc(2024, 1, 15)}),
                         [](const testing::TestParamInfo<bounds_case>& param_info) {
                           return std::string(param_info.param.name);
                         });

/// Walks every day (at several times of day) of `from` .. `to` and checks the
/// period against the reference rule, plus contiguity of consecutive periods.
template <class ExpectedStart>
void check_every_day(quota_period p, int offset, civil from, civil to, ExpectedStart expected) {
  const std::int64_t first = days_from_civil(from.y, from.m, from.d);
  const std::int64_t last = days_from_civil(to.y, to.m, to.d);
  std::int64_t y = from.y;
  int m = from.m;
  int d = from.d;
  for (std::int64_t day = first; day <= last; ++day) {
    const std::int64_t want_start_day = expected(y, m, d, day);
    for (std::int64_t at : {day * day_ns, day * day_ns + 13 * hour_ns, (day + 1) * day_ns - 1}) {
      const period_bounds b = period_containing(p, offset, at);
      ASSERT_EQ(b.start_utc_ns, want_start_day * day_ns)
          << to_aws_name(p) << " offset " << offset << " on " << y << "-" << m << "-" << d;
      ASSERT_LE(b.start_utc_ns, at);
      ASSERT_LT(at, b.end_utc_ns);
      // The next period starts where this one ends and has the next index.
      const period_bounds next = period_containing(p, offset, b.end_utc_ns);
      ASSERT_EQ(next.start_utc_ns, b.end_utc_ns);
      ASSERT_EQ(next.index, b.index + 1);
      const period_bounds previous = period_containing(p, offset, b.start_utc_ns - 1);
      ASSERT_EQ(previous.end_utc_ns, b.start_utc_ns);
      ASSERT_EQ(previous.index, b.index - 1);
    }
    if (++d > days_in_month(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
}

const std::vector<std::pair<civil, civil>>& ranges() {
  // Year ends and Februaries of 1900 (not leap), 2000 (leap), 2023, 2024
  // (leap) and 2100 (not leap).
  static const std::vector<std::pair<civil, civil>> r = {{{1899, 12, 20}, {1900, 3, 10}},
                                                         {{1999, 12, 20}, {2000, 3, 10}},
                                                         {{2022, 12, 20}, {2024, 3, 31}},
                                                         {{2099, 12, 20}, {2100, 3, 10}}};
  return r;
}

TEST(QuotaPeriod, EveryDayOfDayPeriods) {
  for (const auto& [from, to] : ranges()) {
    check_every_day(quota_period::day, 0, from, to,
                    [](std::int64_t, int, int, std::int64_t day) { return day; });
  }
}

TEST(QuotaPeriod, EveryOffsetOfWeek) {
  // 2000-01-02 was a Sunday: weekday(day) = (day - that day) mod 7, Sunday = 0.
  const std::int64_t known_sunday = days_from_civil(2000, 1, 2);
  for (int offset = 0; offset <= 6; ++offset) {
    for (const auto& [from, to] : ranges()) {
      check_every_day(quota_period::week, offset, from, to,
                      [&](std::int64_t, int, int, std::int64_t day) {
                        const std::int64_t weekday = ((day - known_sunday) % 7 + 7) % 7;
                        return day - ((weekday - offset) % 7 + 7) % 7;
                      });
    }
  }
}

TEST(QuotaPeriod, EveryOffsetOfMonth) {
  for (int offset = 0; offset <= 27; ++offset) {
    for (const auto& [from, to] : ranges()) {
      check_every_day(quota_period::month, offset, from, to,
                      [&](std::int64_t y, int m, int d, std::int64_t) {
                        if (d >= offset + 1) {
                          return days_from_civil(y, m, offset + 1);
                        }
                        return m == 1 ? days_from_civil(y - 1, 12, offset + 1)
                                      : days_from_civil(y, m - 1, offset + 1);
                      });
    }
  }
}

TEST(QuotaPeriod, IndicesCountFromTheEpoch) {
  EXPECT_EQ(period_containing(quota_period::day, 0, 0).index, 0);
  EXPECT_EQ(period_containing(quota_period::day, 0, -1).index, -1);
  EXPECT_EQ(period_containing(quota_period::month, 0, utc(1970, 1, 15)).index, 0);
  EXPECT_EQ(period_containing(quota_period::month, 0, utc(1971, 1, 15)).index, 12);
  EXPECT_EQ(period_containing(quota_period::month, 0, utc(1969, 12, 15)).index, -1);
  // 1970-01-04 was the first Sunday.
  EXPECT_EQ(period_containing(quota_period::week, 0, utc(1970, 1, 4)).index, 0);
  EXPECT_EQ(period_containing(quota_period::week, 0, utc(1970, 1, 3)).index, -1);
}

TEST(QuotaPeriod, OutOfRangeOffsetsAreClamped) {
  EXPECT_EQ(period_containing(quota_period::day, 5, utc(2024, 5, 5, 5)).start_utc_ns,
            utc(2024, 5, 5));
  EXPECT_EQ(period_containing(quota_period::week, 9, utc(2024, 1, 1, 10)).start_utc_ns,
            utc(2023, 12, 30));  // as offset 6 (Saturday)
  EXPECT_EQ(period_containing(quota_period::month, 40, utc(2024, 3, 1)).start_utc_ns,
            utc(2024, 2, 28));  // as offset 27
  EXPECT_EQ(period_containing(quota_period::month, -3, utc(2024, 3, 5)).start_utc_ns,
            utc(2024, 3, 1));  // as offset 0
}

TEST(QuotaPeriod, ExtremeInstantsSaturate) {
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const std::int64_t min = std::numeric_limits<std::int64_t>::min();
  for (quota_period p : {quota_period::day, quota_period::week, quota_period::month}) {
    for (std::int64_t at : {max, min, max - day_ns, min + day_ns}) {
      const period_bounds b = period_containing(p, 3, at);
      EXPECT_LE(b.start_utc_ns, at);
      EXPECT_LE(at, b.end_utc_ns);
      EXPECT_LT(b.start_utc_ns, b.end_utc_ns);
    }
    const period_bounds far = period_with_index(p, 0, std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(far.end_utc_ns, max);
  }
}

}  // namespace
}  // namespace ug::limiter
