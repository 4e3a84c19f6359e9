// `usagegate usage` output: UTC dates and AWS get-usage's JSON shape.
#include "store/usage_report.hpp"

#include <gtest/gtest.h>

namespace ug::store {
namespace {

TEST(UsageReport, ParsesAndFormatsUtcDays) {
  EXPECT_EQ(parse_utc_day("1970-01-01"), 0);
  EXPECT_EQ(parse_utc_day("1970-01-02"), 1);
  EXPECT_EQ(parse_utc_day("1969-12-31"), -1);
  EXPECT_EQ(parse_utc_day("2024-02-29"), 19'782);
  EXPECT_EQ(format_utc_day(19'782), "2024-02-29");
  EXPECT_EQ(format_utc_day(-1), "1969-12-31");
  for (std::int64_t day = 18'000; day < 22'000; day += 37) {
    EXPECT_EQ(parse_utc_day(format_utc_day(day)), day);
  }
}

TEST(UsageReport, RejectsInvalidDates) {
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "2024-1-01",
                          "20240101", "2024-01-01T00", "abcd-ef-gh", ""}) {
    EXPECT_FALSE(parse_utc_day(bad).has_value()) << bad;
  }
}

TEST(UsageReport, PrintsGetUsageShape) {
  daily_usage usage;
  usage["k1"] = {{137, 999'863}, {123, 999'740}};
  usage["k\"2"] = {{0, 10}};
  const std::string json = get_usage_json("plan1", 19'782, 19'783, usage);
  EXPECT_EQ(json,
            "{\n"
            "    \"usagePlanId\": \"plan1\",\n"
            "    \"startDate\": \"2024-02-29\",\n"
            "    \"endDate\": \"2024-03-01\",\n"
            "    \"items\": {\n"
            "        \"k\\\"2\": [\n"
            "            [\n"
            "                0,\n"
            "                10\n"
            "            ]\n"
            "        ],\n"
            "        \"k1\": [\n"
            "            [\n"
            "                137,\n"
            "                999863\n"
            "            ],\n"
            "            [\n"
            "                123,\n"
            "                999740\n"
            "            ]\n"
            "        ]\n"
            "    }\n"
            "}\n");
  EXPECT_EQ(get_usage_json("p", 0, 0, {}),
            "{\n    \"usagePlanId\": \"p\",\n    \"startDate\": \"1970-01-01\",\n"
            "    \"endDate\": \"1970-01-01\",\n    \"items\": {}\n}\n");
}

}  // namespace
}  // namespace ug::store
