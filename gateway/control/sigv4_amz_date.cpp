#include "gateway/control/sigv4_amz_date.hpp"

#include <array>

#include "common/civil_date.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::int64_t seconds_per_day = 86'400;

std::optional<unsigned> digits(std::string_view text, std::size_t at, std::size_t count) noexcept {
  unsigned value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return value;
}

constexpr bool is_leap(unsigned year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr unsigned days_in_month(unsigned year, unsigned month) noexcept {
  constexpr std::array<unsigned, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

void append_digits(std::string& out, std::int64_t value, int count) {
  std::array<char, 4> text{};
  for (int i = count - 1; i >= 0; --i) {
    text[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(text.data(), static_cast<std::size_t>(count));
}

}  // namespace

std::optional<std::int64_t> parse_amz_date(std::string_view text) noexcept {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') {
    return std::nullopt;
  }
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 4, 2);
  const auto day = digits(text, 6, 2);
  const auto hour = digits(text, 9, 2);
  const auto minute = digits(text, 11, 2);
  const auto second = digits(text, 13, 2);
  if (!year || !month || !day || !hour || !minute || !second || *month < 1 || *month > 12 ||
      *day < 1 || *day > days_in_month(*year, *month) || *hour > 23 || *minute > 59 ||
      *second > 59) {
    return std::nullopt;
  }
  const std::int64_t days = common::days_from_civil(*year, *month, *day);
  return days * seconds_per_day + *hour * 3600 + *minute * 60 + *second;
}

std::string format_amz_date(std::int64_t utc_s) {
  std::int64_t days = utc_s / seconds_per_day;
  std::int64_t second_of_day = utc_s % seconds_per_day;
  if (second_of_day < 0) {
    second_of_day += seconds_per_day;
    --days;
  }
  const common::civil_date date = common::civil_from_days(days);
  std::string out;
  out.reserve(16);
  append_digits(out, date.year, 4);
  append_digits(out, date.month, 2);
  append_digits(out, date.day, 2);
  out += 'T';
  append_digits(out, second_of_day / 3600, 2);
  append_digits(out, second_of_day / 60 % 60, 2);
  append_digits(out, second_of_day % 60, 2);
  out += 'Z';
  return out;
}

}  // namespace ug::gateway::control
