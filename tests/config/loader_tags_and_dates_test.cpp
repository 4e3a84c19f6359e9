// The members AWS keeps besides settings: apiKeys[] createdDate and
// lastUpdatedDate (numbers or ISO-8601, as the AWS CLI v1 and v2 print them),
// tags on keys and plans, a plan's productCode.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "config/loader.hpp"
#include "tests/config/loader_sections.hpp"

namespace ug::config {
namespace {

using loader_fixture::all_errors;
using ::testing::HasSubstr;

/// A configuration whose only API key has `members` besides id and value.
std::string key_with(const std::string& members) {
  return R"({"apiKeys": [{"id": "k1", "value": "tags-and-dates-key-000000001", )" + members + "}]}";
}

std::string plan_with(const std::string& members) {
  return R"({"usagePlans": [{"id": "p1", )" + members + "}]}";
}

std::optional<std::int64_t> created(const std::string& date_json) {
  const load_result r = load_string(key_with(R"("createdDate": )" + date_json));
  EXPECT_TRUE(r.doc.has_value()) << date_json << "\n" << all_errors(r);
  return r.doc ? r.doc->api_keys.at(0).created_date_s : std::nullopt;
}

const config_error& only_error(const load_result& r) {
  static const config_error none;
  EXPECT_EQ(r.errors.size(), 1u) << all_errors(r);
  return r.errors.empty() ? none : r.errors[0];
}

TEST(LoaderDates, AbsentDatesStayUnset) {
  const load_result r = load_string(key_with(R"("enabled": true)"));
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_FALSE(r.doc->api_keys[0].created_date_s.has_value());
  EXPECT_FALSE(r.doc->api_keys[0].last_updated_date_s.has_value());
}

TEST(LoaderDates, EpochSecondsAsNumbers) {
  EXPECT_EQ(created("1796404000"), 1796404000);
  EXPECT_EQ(created("1796404000.0"), 1796404000);
  EXPECT_EQ(created("1796404000.999"), 1796404000);  // floored
  EXPECT_EQ(created("0"), 0);
  EXPECT_EQ(created("0.5"), 0);
  EXPECT_EQ(created("1.7964e9"), 1796400000);
}

TEST(LoaderDates, Iso8601AsTheAwsCliPrintsIt) {
  const std::int64_t at = 1796404000;  // 2026-12-04T17:06:40Z
  EXPECT_EQ(created(R"("2026-12-04T17:06:40Z")"), at);
  EXPECT_EQ(created(R"("2026-12-04T17:06:40+00:00")"), at);
  EXPECT_EQ(created(R"("2026-12-04T17:06:40.123456+00:00")"), at);
  EXPECT_EQ(created(R"("2026-12-04T17:06:40.9Z")"), at);
  EXPECT_EQ(created(R"("2026-12-04T09:06:40-08:00")"), at);
  EXPECT_EQ(created(R"("2026-12-04T22:36:40+0530")"), at);
  EXPECT_EQ(created(R"("2026-12-04t17:06:40z")"), at);
  EXPECT_EQ(created(R"("2026-12-04 17:06:40Z")"), at);
  EXPECT_EQ(created(R"("1970-01-01T00:00:00Z")"), 0);
  EXPECT_EQ(created(R"("2024-02-29T00:00:00Z")"), 1709164800);
  EXPECT_EQ(created(R"("2000-02-29T23:59:59Z")"), 951868799);
  EXPECT_EQ(created(R"("9999-12-31T23:59:59Z")"), 253402300799);
}

TEST(LoaderDates, BothDatesAreRead) {
  const load_result r = load_string(
      key_with(R"("createdDate": "2026-12-04T17:06:40Z", "lastUpdatedDate": 1796404999.25)"));
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(r.doc->api_keys[0].created_date_s, 1796404000);
  EXPECT_EQ(r.doc->api_keys[0].last_updated_date_s, 1796404999);
}

TEST(LoaderDates, WhatIsNotADateIsAnErrorAtItsPath) {
  struct bad {
    const char* json;
    const char* phrase;
  };
  for (const bad& b : {
           bad{R"("2026-13-04T17:06:40Z")", "no such date"},
           bad{R"("2026-02-29T17:06:40Z")", "no such date"},
           bad{R"("1900-02-29T00:00:00Z")", "no such date"},
           bad{R"("2026-04-31T00:00:00Z")", "no such date"},
           bad{R"("2026-12-04T24:00:00Z")", "no such time of day"},
           bad{R"("2026-12-04T17:60:00Z")", "no such time of day"},
           bad{R"("2026-12-04T17:06:60Z")", "no such time of day"},
           bad{R"("2026-12-04T17:06:40")", "no time zone"},
           bad{R"("2026-12-04T17:06:40.Z")", "digits after the decimal point"},
           bad{R"("2026-12-04T17:06:40+25:00")", "+hh:mm"},
           bad{R"("2026-12-04T17:06:40+01")", "+hh:mm"},
           bad{R"("2026-12-04T17:06:40Z ")", "after the time zone"},
           bad{R"("2026-12-04")", "expected T"},
           bad{R"("2026-12-4T17:06:40Z")", "YYYY-MM-DD"},
           bad{R"("26-12-04T17:06:40Z")", "YYYY-MM-DD"},
           bad{R"("2026-12-04T17:06Z")", "hh:mm:ss"},
           bad{R"("")", "YYYY-MM-DD"},
           bad{R"("yesterday")", "YYYY-MM-DD"},
           bad{R"("1969-12-31T23:59:59Z")", "from 1970-01-01T00:00:00Z"},
           bad{R"("1970-01-01T00:00:00+00:01")", "from 1970-01-01T00:00:00Z"},
           bad{R"("9999-12-31T23:59:59-00:01")", "to 9999-12-31T23:59:59Z"},
           bad{"-1", "from 1970-01-01T00:00:00Z"},
           bad{"253402300800", "to 9999-12-31T23:59:59Z"},
           bad{"1e300", "to 9999-12-31T23:59:59Z"},
           bad{"18446744073709551615", "to 9999-12-31T23:59:59Z"},
           bad{"true", "seconds since the epoch (a number) or an ISO-8601"},
           bad{"null", "seconds since the epoch (a number) or an ISO-8601"},
           bad{"{}", "seconds since the epoch (a number) or an ISO-8601"},
       }) {
    SCOPED_TRACE(b.json);
    const load_result r = load_string(key_with(R"("lastUpdatedDate": )" + std::string(b.json)));
    EXPECT_FALSE(r.doc.has_value());
    const config_error& e = only_error(r);
    EXPECT_EQ(e.json_path, "apiKeys[0].lastUpdatedDate");
    EXPECT_THAT(e.message, HasSubstr(b.phrase));
  }
}

TEST(LoaderTags, KeysAndPlansKeepTheirTags) {
  const load_result key =
      load_string(key_with(R"("tags": {"team": "ml", "env": "", "caf\u00e9": "\u65e5\u672c"})"));
  ASSERT_TRUE(key.doc.has_value()) << all_errors(key);
  const std::map<std::string, std::string> want = {
      {"team", "ml"}, {"env", ""}, {"caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac"}};
  EXPECT_EQ(key.doc->api_keys[0].tags, want);

  const load_result plan = load_string(plan_with(R"("tags": {"tier": "gold"})"));
  ASSERT_TRUE(plan.doc.has_value()) << all_errors(plan);
  EXPECT_EQ(plan.doc->usage_plans[0].tags, (std::map<std::string, std::string>{{"tier", "gold"}}));
  EXPECT_TRUE(plan.doc->usage_plans[0].product_code.empty());
}

TEST(LoaderTags, AwsLimitsAreCheckedInCharacters) {
  std::string wide;  // 128 characters of three bytes each
  for (int i = 0; i < 128; ++i)
    wide += "\xe6\x97\xa5";
  std::string members = R"("tags": {")" + wide + R"(": ")" + std::string(256, 'v') + R"(")";
  for (int i = 1; i < 50; ++i)
    members += R"(, "t)" + std::to_string(i) + R"(": "x")";
  members += "}";
  const load_result r = load_string(key_with(members));
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(r.doc->api_keys[0].tags.size(), 50u);
  EXPECT_EQ(r.doc->api_keys[0].tags.at(wide), std::string(256, 'v'));
}

TEST(LoaderTags, BadTagsAreErrorsAtTheirPaths) {
  struct bad {
    std::string tags;
    std::string path;
    std::string phrase;
  };
  std::string many = "{";
  for (int i = 0; i < 51; ++i)
    many += (i == 0 ? "\"t" : ", \"t") + std::to_string(i) + "\": \"x\"";
  many += "}";
  const std::string long_key(129, 'k');
  for (const bad& b : {
           bad{R"({"": "x"})", R"(tags[""])", "must not be empty"},
           bad{R"({")" + long_key + R"(": "x"})", "tags." + long_key,
               "129 characters; AWS allows at most 128"},
           bad{R"({"team": ")" + std::string(257, 'v') + R"("})", "tags.team",
               "257 characters; AWS allows at most 256"},
           bad{R"({"team": 5})", "tags.team", "must be a string"},
           bad{R"({"team": null})", "tags.team", "must be a string"},
           bad{R"({"team": "a", "team": "b"})", "tags.team", "appears more than once"},
           bad{many, "tags", "has 51 tags; AWS allows at most 50"},
           bad{R"([{"key": "team", "value": "ml"}])", "tags", "must be an object"},
       }) {
    SCOPED_TRACE(b.path + " " + b.phrase);
    for (const bool on_key : {true, false}) {
      const load_result r = load_string(on_key ? key_with(R"("tags": )" + b.tags)
                                               : plan_with(R"("tags": )" + b.tags));
      EXPECT_FALSE(r.doc.has_value());
      const config_error& e = only_error(r);
      EXPECT_EQ(e.json_path, (on_key ? "apiKeys[0]." : "usagePlans[0].") + b.path);
      EXPECT_THAT(e.message, HasSubstr(b.phrase));
    }
  }
}

TEST(LoaderUsagePlans, ProductCodeIsKept) {
  const load_result r = load_string(plan_with(R"("productCode": "prod-abc")"));
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(r.doc->usage_plans[0].product_code, "prod-abc");
  const load_result bad = load_string(plan_with(R"("productCode": 7)"));
  const config_error& e = only_error(bad);
  EXPECT_EQ(e.json_path, "usagePlans[0].productCode");
  EXPECT_THAT(e.message, HasSubstr("must be a string"));
}

TEST(LoaderApiKeys, StageKeysAreStillAcceptedAndIgnored) {
  const load_result r = load_string(key_with(R"("stageKeys": ["x7k2p9q4r1/prod", 5])"));
  EXPECT_TRUE(r.doc.has_value()) << all_errors(r);
}

TEST(LoaderApiKeys, GetApiKeysOutputOfTheAwsCliV2DropsIn) {
  const load_result r = load_string(R"({"apiKeys": {"items": [{
      "id": "x5k3eopvub", "value": "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd",
      "name": "alice", "customerId": "alice@example.com", "description": "Alice",
      "enabled": true, "createdDate": "2026-12-04T17:06:40+01:00",
      "lastUpdatedDate": "2026-12-05T08:00:00.512000+01:00", "stageKeys": [],
      "tags": {"team": "ml"}}]}})");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const api_key& key = r.doc->api_keys[0];
  EXPECT_EQ(key.created_date_s, 1796404000 - 3600);
  EXPECT_EQ(key.last_updated_date_s, 1796457600 - 3600);
  EXPECT_EQ(key.tags.at("team"), "ml");
}

}  // namespace
}  // namespace ug::config
