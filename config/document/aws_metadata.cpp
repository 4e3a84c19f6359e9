#include "config/document/aws_metadata.hpp"

#include <cmath>
#include <utility>

#include "common/civil_date.hpp"

namespace ug::config::detail {
namespace {

namespace dom = simdjson::dom;
using std::string_view;

/// Reads exactly `digits` decimal digits at `at`, advancing it.
std::optional<unsigned> take_digits(string_view text, std::size_t& at, std::size_t digits) {
  if (text.size() - at < digits)
    return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  at += digits;
  return value;
}

bool take_char(string_view text, std::size_t& at, char c) {
  if (at >= text.size() || text[at] != c)
    return false;
  ++at;
  return true;
}

bool is_leap_year(unsigned year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned days_in_month(unsigned year, unsigned month) noexcept {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

/// The zone at `at` ("Z", "+hh:mm", "-hhmm") as seconds east of UTC.
std::optional<std::int64_t> take_zone(string_view text, std::size_t& at, std::string& problem) {
  if (at == text.size()) {
    problem = "it has no time zone (end it with Z or an offset such as +00:00)";
    return std::nullopt;
  }
  if (text[at] == 'Z' || text[at] == 'z') {
    ++at;
    return 0;
  }
  if (text[at] != '+' && text[at] != '-') {
    problem = "expected Z or an offset such as +00:00 after the time";
    return std::nullopt;
  }
  const std::int64_t sign = text[at] == '-' ? -1 : 1;
  ++at;
  const auto hours = take_digits(text, at, 2);
  (void)take_char(text, at, ':');
  const auto minutes = take_digits(text, at, 2);
  if (!hours || !minutes || *hours > 23 || *minutes > 59) {
    problem = "the time zone offset must be +hh:mm or -hh:mm";
    return std::nullopt;
  }
  return sign * (std::int64_t{*hours} * 3600 + std::int64_t{*minutes} * 60);
}

std::string range_problem() {
  return "must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z";
}

}  // namespace

std::size_t utf8_length(string_view text) noexcept {
  std::size_t length = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
      ++length;
  return length;
}

std::optional<std::int64_t> parse_iso8601_seconds(string_view text, std::string& problem) {
  std::size_t at = 0;
  const auto year = take_digits(text, at, 4);
  const bool date_dash1 = take_char(text, at, '-');
  const auto month = take_digits(text, at, 2);
  const bool date_dash2 = take_char(text, at, '-');
  const auto day = take_digits(text, at, 2);
  if (!year || !date_dash1 || !month || !date_dash2 || !day) {
    problem = "expected a date as YYYY-MM-DD";
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month)) {
    problem = "there is no such date";
    return std::nullopt;
  }
  if (!take_char(text, at, 'T') && !take_char(text, at, 't') && !take_char(text, at, ' ')) {
    problem = "expected T and a time (hh:mm:ss) after the date";
    return std::nullopt;
  }
  const auto hour = take_digits(text, at, 2);
  const bool time_colon1 = take_char(text, at, ':');
  const auto minute = take_digits(text, at, 2);
  const bool time_colon2 = take_char(text, at, ':');
  const auto second = take_digits(text, at, 2);
  if (!hour || !time_colon1 || !minute || !time_colon2 || !second) {
    problem = "expected a time as hh:mm:ss after the date";
    return std::nullopt;
  }
  if (*hour > 23 || *minute > 59 || *second > 59) {
    problem = "there is no such time of day";
    return std::nullopt;
  }
  if (take_char(text, at, '.') || take_char(text, at, ',')) {
    std::size_t digits = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      ++at;
      ++digits;
    }
    if (digits == 0) {
      problem = "expected digits after the decimal point of the seconds";
      return std::nullopt;
    }
  }
  const auto zone = take_zone(text, at, problem);
  if (!zone)
    return std::nullopt;
  if (at != text.size()) {
    problem = "unexpected text after the time zone";
    return std::nullopt;
  }
  const std::int64_t local = common::days_from_civil(*year, *month, *day) * 86'400 +
                             std::int64_t{*hour} * 3600 + std::int64_t{*minute} * 60 + *second;
  const std::int64_t utc = local - *zone;
  if (utc < 0 || utc > max_timestamp_s) {
    problem = range_problem();
    return std::nullopt;
  }
  return utc;
}

std::optional<std::int64_t> read_aws_timestamp(json_reader& reader, dom::element v) {
  if (v.type() == dom::element_type::STRING) {
    std::string problem;
    const auto seconds = parse_iso8601_seconds(v.get_string().value_unsafe(), problem);
    if (!seconds)
      reader.error("is not an ISO-8601 date-time such as \"2026-12-04T17:06:36Z\": " + problem);
    return seconds;
  }
  if (v.type() != dom::element_type::INT64 && v.type() != dom::element_type::UINT64 &&
      v.type() != dom::element_type::DOUBLE) {
    reader.error(
        "must be seconds since the epoch (a number) or an ISO-8601 date-time (a string such as "
        "\"2026-12-04T17:06:36Z\")");
    return std::nullopt;
  }
  const auto number = reader.number(v);
  if (!number)
    return std::nullopt;
  // Every whole second up to max_timestamp_s is exact in a double.
  const double seconds = std::floor(*number);
  if (seconds < 0 || seconds > static_cast<double>(max_timestamp_s)) {
    reader.error("seconds since the epoch " + range_problem());
    return std::nullopt;
  }
  return static_cast<std::int64_t>(seconds);
}

std::map<std::string, std::string> read_aws_tags(json_reader& reader, dom::element v) {
  std::map<std::string, std::string> tags;
  std::size_t count = 0;
  reader.entries(v, [&](string_view key, dom::element value) {
    ++count;
    const auto text = reader.string(value);
    if (key.empty()) {
      reader.error("a tag key must not be empty");
      return;
    }
    if (const std::size_t length = utf8_length(key); length > max_tag_key_chars) {
      reader.error("this tag key has " + std::to_string(length) +
                   " characters; AWS allows at most " + std::to_string(max_tag_key_chars));
      return;
    }
    if (!text)
      return;
    if (const std::size_t length = utf8_length(*text); length > max_tag_value_chars) {
      reader.error("this tag value has " + std::to_string(length) +
                   " characters; AWS allows at most " + std::to_string(max_tag_value_chars));
      return;
    }
    tags.emplace(std::string(key), std::string(*text));
  });
  if (count > max_tags)
    reader.error("has " + std::to_string(count) + " tags; AWS allows at most " +
                 std::to_string(max_tags));
  return tags;
}

}  // namespace ug::config::detail
