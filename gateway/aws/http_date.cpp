#include "gateway/aws/http_date.hpp"

#include "common/civil_date.hpp"

namespace ug::gateway {
namespace {

constexpr std::string_view weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void put2(char* out, int v) noexcept {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

http_date_text format_http_date(std::int64_t utc_s) noexcept {
  if (utc_s < 0) {
    utc_s = 0;
  }
  const std::int64_t days = utc_s / 86'400;
  const auto secs_of_day = static_cast<int>(utc_s % 86'400);
  const common::civil_date date = common::civil_from_days(days);
  const unsigned day = date.day;
  const unsigned month = date.month;
  const std::int64_t year = date.year;

  http_date_text t{};
  const std::string_view wd = weekdays[days % 7];
  const std::string_view mo = months[month - 1];
  t[0] = wd[0];
  t[1] = wd[1];
  t[2] = wd[2];
  t[3] = ',';
  t[4] = ' ';
  put2(&t[5], static_cast<int>(day));
  t[7] = ' ';
  t[8] = mo[0];
  t[9] = mo[1];
  t[10] = mo[2];
  t[11] = ' ';
  const auto y = static_cast<int>(year % 10'000);
  put2(&t[12], y / 100);
  put2(&t[14], y % 100);
  t[16] = ' ';
  put2(&t[17], secs_of_day / 3600);
  t[19] = ':';
  put2(&t[20], secs_of_day / 60 % 60);
  t[22] = ':';
  put2(&t[23], secs_of_day % 60);
  t[25] = ' ';
  t[26] = 'G';
  t[27] = 'M';
  t[28] = 'T';
  return t;
}

std::string_view cached_http_date(std::int64_t utc_ns) noexcept {
  thread_local std::int64_t cached_s = -1;
  thread_local http_date_text cached{};
  const std::int64_t s = utc_ns / 1'000'000'000;
  if (s != cached_s) {
    cached = format_http_date(s);
    cached_s = s;
  }
  return {cached.data(), cached.size()};
}

}  // namespace ug::gateway
