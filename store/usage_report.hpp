#pragma once
// `usagegate usage`: UTC dates and the JSON that `aws apigateway get-usage`
// prints (botocore's member names: "items", not the wire's "values").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/usage_store.hpp"

namespace ug::store {

/// "YYYY-MM-DD" -> days since 1970-01-01; nullopt unless a valid date. Pure.
std::optional<std::int64_t> parse_utc_day(std::string_view text) noexcept;
/// Days since 1970-01-01 -> "YYYY-MM-DD". Pure.
std::string format_utc_day(std::int64_t day);
/// {"usagePlanId", "startDate", "endDate", "items": {keyId: [[used, remaining], ...]}},
/// indented like the AWS CLI's output. Pure.
std::string get_usage_json(std::string_view plan_id, std::int64_t from_day, std::int64_t to_day,
                           const daily_usage& usage);

}  // namespace ug::store
