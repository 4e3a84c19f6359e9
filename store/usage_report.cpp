#include "store/usage_report.hpp"

#include "common/json_string.hpp"
#include "common/utc_day.hpp"

namespace ug::store {

using common::append_json_string;

std::optional<std::int64_t> parse_utc_day(std::string_view text) noexcept {
  return common::parse_utc_day(text);
}

std::string format_utc_day(std::int64_t day) {
  return common::format_utc_day(day);
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
