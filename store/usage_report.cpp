#include "store/usage_report.hpp"

#include <charconv>
#include <cstdio>

namespace ug::store {
namespace {

// Howard Hinnant's civil-calendar algorithms (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

bool read_digits(std::string_view text, unsigned& out) noexcept {
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && p == text.data() + text.size();
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
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
  std::int64_t yy = 0;
  unsigned mm = 0;
  unsigned dd = 0;
  civil_from_days(day, yy, mm, dd);
  if (yy != y || mm != m || dd != d) {
    return std::nullopt;
  }
  return day;
}

std::string format_utc_day(std::int64_t day) {
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(day, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
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
