// UTC days as GetUsage and `usagegate usage` read and print them.
#include "common/utc_day.hpp"

#include <gtest/gtest.h>

namespace ug::common {
namespace {

TEST(UtcDay, ParsesAndFormatsEveryDayOfSomeYears) {
  EXPECT_EQ(parse_utc_day("1970-01-01"), 0);
  EXPECT_EQ(parse_utc_day("1969-12-31"), -1);
  EXPECT_EQ(parse_utc_day("2024-02-29"), 19'782);
  EXPECT_EQ(format_utc_day(19'782), "2024-02-29");
  for (std::int64_t day = 19'000; day < 20'500; ++day) {
    EXPECT_EQ(parse_utc_day(format_utc_day(day)), day);
  }
}

TEST(UtcDay, RefusesWhatIsNotACalendarDateAsYyyyMmDd) {
  for (const std::string_view bad :
       {"", "2024-2-29", "2024/02/29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31",
        "2024-01-00", "+024-01-01", "2024-01-01T00", " 2024-01-01", "２０２４-01-01"}) {
    EXPECT_FALSE(parse_utc_day(bad).has_value()) << bad;
  }
}

TEST(UtcDay, DayOfANanosecondReadingFloorsBefore1970) {
  constexpr std::int64_t day_ns = 86'400'000'000'000;
  static_assert(utc_day_of_ns(0) == 0);
  static_assert(utc_day_of_ns(day_ns - 1) == 0);
  static_assert(utc_day_of_ns(-1) == -1);
  static_assert(utc_day_of_ns(-day_ns) == -1);
  static_assert(utc_day_of_ns(-day_ns - 1) == -2);
}

}  // namespace
}  // namespace ug::common
