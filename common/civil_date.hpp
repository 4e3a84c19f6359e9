#pragma once
// Proleptic Gregorian calendar arithmetic on day counts since 1970-01-01
// (Howard Hinnant's days_from_civil and its inverse): exact for every date,
// no libc locale, time zone or lock, so it can run on the request path.
#include <cstdint>

namespace ug::common {

struct civil_date {
  std::int64_t year = 1970;
  unsigned month = 1;  ///< 1..12
  unsigned day = 1;    ///< 1..31
};

/// Thread-safe (pure). The date of day `days` since 1970-01-01 (negative: before).
constexpr civil_date civil_from_days(std::int64_t days) noexcept {
  const std::int64_t z = days + 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const auto doe = static_cast<unsigned>(z - era * 146'097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  civil_date date;
  date.day = doy - (153 * mp + 2) / 5 + 1;
  date.month = mp < 10 ? mp + 3 : mp - 9;
  date.year = static_cast<std::int64_t>(yoe) + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

/// Thread-safe (pure). Days since 1970-01-01 of a valid date.
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146'097 + static_cast<std::int64_t>(doe) - 719'468;
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2024, 2, 29) == 19'782);
static_assert(civil_from_days(19'782).month == 2 && civil_from_days(19'782).day == 29);
static_assert(civil_from_days(-1).year == 1969 && civil_from_days(-1).day == 31);

}  // namespace ug::common
