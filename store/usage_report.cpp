#include "store/usage_report.hpp"

#include "common/civil_date.hpp"
#include "common/json_string.hpp"

#include <charconv>
#include <cstdio>

namespace ug::store {
namespace {

using common::append_json_string;
using common::civil_from_days;
using common::days_from_civil;

bool read_digits(std::string_view text, unsigned& out) noexcept {
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && p == text.data() + text.size();
}

}  // namespace

std::optional<std::int64_t> parse_utc_day(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  unsigned y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (!read_digits(text.substr(0, 4), y) || !read_digits(text.substr(5, 2), m) ||
      !read_digits(text.substr(8, 2), d) || m < 1 || m > 12 || d < 1) {
    return std::nullopt;
  }
  const std::int64_t day = days_from_civil(y, m, d);
  // Rejects 2023-02-30 and the like: the day must map back to itself.
  const common::civil_date back = civil_from_days(day);
  if (back.year != y || back.month != m || back.day != d) {
    return std::nullopt;
  }
  return day;
}

std::string format_utc_day(std::int64_t day) {
  const common::civil_date date = civil_from_days(day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(date.year), date.month,
                date.day);
  return buf;
}

std::string get_usage_json(std::string_view plan_id, std::int64_t from_day, std::int64_t to_day,
                           const daily_usage& usage) {
  std::string out = "{\n    \"usagePlanId\": ";
  append_json_string(out, plan_id);
  out += ",\n    \"startDate\": ";
  append_json_string(out, format_utc_day(from_day));
  out += ",\n    \"endDate\": ";
  append_json_string(out, format_utc_day(to_day));
  out += ",\n    \"items\": {";
  bool first_key = true;
  for (const auto& [key, days] : usage) {
    out += first_key ? "\n        " : ",\n        ";
    first_key = false;
    append_json_string(out, key);
    out += ": [";
    bool first_day = true;
    for (const auto& [used, remaining] : days) {
      out += first_day ? "\n            [\n" : ",\n            [\n";
      first_day = false;
      out += "                " + std::to_string(used) + ",\n";
      out += "                " + std::to_string(remaining) + "\n            ]";
    }
    out += days.empty() ? "]" : "\n        ]";
  }
  out += usage.empty() ? "}\n}\n" : "\n    }\n}\n";
  return out;
}

}  // namespace ug::store
