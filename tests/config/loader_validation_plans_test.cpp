// The loader rules for usagePlans, apiKeys and usagePlanKeys: ids, key values
// and digests, references, throttles, quotas and their offsets
// (config/document_parse_usage_plans, document_parse_api_keys, validate_plans).
#include "config/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "limiter/quota_period.hpp"
#include "tests/config/loader_error_cases.hpp"

namespace ug::config {
namespace {

using namespace loader_fixture;
using ::testing::HasSubstr;

std::string two_plans_sharing_stage() {
  return R"([{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}]},
             {"id": "p2", "apiStages": [{"apiId": "api1", "stage": "v1"}]}])";
}

std::string plan_with_method_throttle(const std::string& key, bool plan_throttle = true) {
  return R"([{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1", "throttle": {")" + key +
         R"(": {"burstLimit": 1, "rateLimit": 1}}}])" +
         (plan_throttle ? R"(, "throttle": {"burstLimit": 5, "rateLimit": 10})" : "") + "}]";
}

/// printf %s test-key-value-000000000002 | sha256sum
constexpr const char* digest_of_value_2 =
    "709d60d674bad40908d0f4b536e6849b514f876fa23214cf9fd4298b0166125c";

}  // namespace

std::vector<error_case> loader_fixture::plan_and_key_error_cases() {
  return {
      // duplicates
      {"DuplicatePlanId", [](sections& s) { s.usage_plans = R"([{"id": "p1"}, {"id": "p1"}])"; },
       "usagePlans[1].id", "used twice"},
      {"DuplicateKeyId",
       [](sections& s) {
         s.api_keys = R"([{"id": "k1", "value": "test-key-value-000000000001"},
                          {"id": "k1", "value": "test-key-value-000000000002"}])";
       },
       "apiKeys[1].id", "used twice"},
      {"DuplicateKeyValueNamesBothIds",
       [](sections& s) {
         s.api_keys = R"([{"id": "k1", "value": "test-key-value-000000000001"},
                          {"id": "k2", "value": "test-key-value-000000000001"}])";
       },
       "apiKeys[1].value", "API key 'k2' has the same value as API key 'k1'"},
      {"DuplicateDigest",
       [](sections& s) {
         s.api_keys = R"([{"id": "k1", "value": "test-key-value-000000000001"},
           {"id": "k2", "valueSha256": "0000000000000000000000000000000000000000000000000000000000000000"},
           {"id": "k3", "valueSha256": "0000000000000000000000000000000000000000000000000000000000000000"}])";
       },
       "apiKeys[2].valueSha256", "same valueSha256 as API key 'k2'"},
      // key values
      {"KeyValueTooShort",
       [](sections& s) { s.api_keys = R"([{"id": "k1", "value": "short-value"}])"; },
       "apiKeys[0].value", "API Key value should be at least 20 characters"},
      {"KeyValueTooLong",
       [](sections& s) {
         s.api_keys = R"([{"id": "k1", "value": ")" + std::string(129, 'x') + R"("}])";
       },
       "apiKeys[0].value", "API Key value exceeds maximum size of 128 characters"},
      {"KeyValueNotPrintable",
       [](sections& s) {
         s.api_keys = R"([{"id": "k1", "value": "test-key-value-00000000001 "}])";
       },
       "apiKeys[0].value", "printable ASCII"},
      {"DigestNotHex",
       [](sections& s) {
         s.api_keys = R"([{"id": "k1", "valueSha256": ")" + std::string(64, 'g') + R"("}])";
       },
       "apiKeys[0].valueSha256", "64 hexadecimal digits"},
      {"DigestWrongLength",
       [](sections& s) { s.api_keys = R"([{"id": "k1", "valueSha256": "abcdef"}])"; },
       "apiKeys[0].valueSha256", "64 hexadecimal digits"},
      {"BothValueAndDigest",
       [](sections& s) {
         s.api_keys = R"([{"id": "k1", "value": "test-key-value-000000000001",
             "valueSha256": ")" +
                      std::string(64, 'a') + R"("}])";
       },
       "apiKeys[0]", "not both"},
      {"NeitherValueNorDigest", [](sections& s) { s.api_keys = R"([{"id": "k1"}])"; }, "apiKeys[0]",
       "give 'value'"},
      {"MissingRequiredId",
       [](sections& s) { s.api_keys = R"([{"value": "test-key-value-000000000001"}])"; },
       "apiKeys[0]", "missing required field 'id'"},
      // references
      {"UnknownPlanInPlanKeys",
       [](sections& s) { s.usage_plan_keys = R"({"p1": [], "p9": [{"id": "k1"}]})"; },
       "usagePlanKeys.p9", "usage plan 'p9' is not in usagePlans"},
      {"UnknownKeyInPlanKeys", [](sections& s) { s.usage_plan_keys = R"({"p1": [{"id": "k9"}]})"; },
       "usagePlanKeys.p1[0].id", "API key 'k9' is not in apiKeys"},
      {"UnknownKeyOfKeyValueLength",
       [](sections& s) { s.usage_plan_keys = R"({"p1": [{"id": "not-a-key-id-but-26-chars!"}]})"; },
       "usagePlanKeys.p1[0].id",
       "an API key id of 26 characters (not shown: it looks like a key value) is not in apiKeys"},
      {"KeyValueWrittenWhereItsIdBelongs",
       [](sections& s) {
         s.usage_plan_keys = R"({"p1": [{"id": "test-key-value-000000000001"}]})";
       },
       "usagePlanKeys.p1[0].id", "this is the value of API key 'k1' (not shown), not a key id"},
      {"DigestKeyValueWrittenWhereItsIdBelongs",
       [](sections& s) {
         // printf %s test-key-value-000000000002 | sha256sum
         s.api_keys = R"([{"id": "k1", "value": "test-key-value-000000000001"},
           {"id": "k2", "valueSha256": ")" +
                      std::string(digest_of_value_2) + R"("}])";
         s.usage_plan_keys = R"({"p1": [{"id": "test-key-value-000000000002"}]})";
       },
       "usagePlanKeys.p1[0].id", "this is the value of API key 'k2' (not shown)"},
      {"UnknownApiInPlan",
       [](sections& s) {
         s.usage_plans = R"([{"id": "p1", "apiStages": [{"apiId": "api2", "stage": "v1"}]}])";
       },
       "usagePlans[0].apiStages[0]", "Invalid API Stage {api: api2, stage: v1}"},
      {"UnknownStageInPlan",
       [](sections& s) {
         s.usage_plans = R"([{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v2"}]}])";
       },
       "usagePlans[0].apiStages[0]", "has no stage 'v2'"},
      {"KeyInTwoPlansSharingStage",
       [](sections& s) {
         s.usage_plans = two_plans_sharing_stage();
         s.usage_plan_keys = R"({"p1": [{"id": "k1"}], "p2": [{"id": "k1"}]})";
       },
       "usagePlanKeys.p2[0].id", "only one usage plan per API stage"},
      {"KeyListedTwiceInPlan",
       [](sections& s) { s.usage_plan_keys = R"({"p1": [{"id": "k1"}, {"id": "k1"}]})"; },
       "usagePlanKeys.p1[1].id", "listed twice"},
      {"PlanKeyTypeNotApiKey",
       [](sections& s) { s.usage_plan_keys = R"({"p1": [{"id": "k1", "type": "COGNITO"}]})"; },
       "usagePlanKeys.p1[0].type", "API_KEY"},
      {"PlanKeyValueMismatch",
       [](sections& s) {
         s.usage_plan_keys = R"({"p1": [{"id": "k1", "value": "test-key-value-999999999999"}]})";
       },
       "usagePlanKeys.p1[0].value", "does not match the value of API key 'k1'"},
      {"ApiStageListedTwice",
       [](sections& s) {
         s.usage_plans =
             R"([{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}, {"apiId": "api1", "stage": "v1"}]}])";
       },
       "usagePlans[0].apiStages[1]", "listed twice"},
      // limits
      {"NegativeRateLimit",
       [](sections& s) {
         s.usage_plans = R"([{"id": "p1", "throttle": {"burstLimit": 1, "rateLimit": -0.5}}])";
       },
       "usagePlans[0].throttle.rateLimit", "must not be negative"},
      {"NegativeBurstLimit",
       [](sections& s) {
         s.usage_plans = R"([{"id": "p1", "throttle": {"burstLimit": -1, "rateLimit": 1}}])";
       },
       "usagePlans[0].throttle.burstLimit", "must not be negative"},
      {"NegativeQuotaLimit",
       [](sections& s) { s.usage_plans = plan_with_quota(R"({"limit": -5, "period": "DAY"})"); },
       "usagePlans[0].quota.limit", "must not be negative"},
      {"BurstNotInteger",
       [](sections& s) {
         s.usage_plans = R"([{"id": "p1", "throttle": {"burstLimit": 2.5, "rateLimit": 1}}])";
       },
       "usagePlans[0].throttle.burstLimit", "whole number"},
      {"BurstTooLarge",
       [](sections& s) {
         s.usage_plans =
             R"([{"id": "p1", "throttle": {"burstLimit": 18446744073709551615, "rateLimit": 1}}])";
       },
       "usagePlans[0].throttle.burstLimit", "too large"},
      {"ThrottleNeedsBoth",
       [](sections& s) { s.usage_plans = R"([{"id": "p1", "throttle": {"rateLimit": 1}}])"; },
       "usagePlans[0].throttle", "missing required field 'burstLimit'"},
      // quotas
      {"QuotaPeriodUnknown",
       [](sections& s) { s.usage_plans = plan_with_quota(R"({"limit": 5, "period": "YEAR"})"); },
       "usagePlans[0].quota.period", "is not one of \"DAY\", \"WEEK\" or \"MONTH\""},
      {"QuotaPeriodLowerCase",
       [](sections& s) { s.usage_plans = plan_with_quota(R"({"limit": 5, "period": "week"})"); },
       "usagePlans[0].quota.period", "did you mean 'WEEK'?"},
      {"StartDayDayOffsetExplainsBothMeanings",
       [](sections& s) {
         s.usage_plans = plan_with_quota(R"({"limit": 1000, "offset": 1, "period": "DAY"})");
       },
       "usagePlans[0].quota.offset", "gateway.quotaOffsetMeaning to \"initialRequests\""},
      {"StartDayWeekOffsetOutOfRange",
       [](sections& s) {
         s.usage_plans = plan_with_quota(R"({"limit": 1000, "offset": 9, "period": "WEEK"})");
       },
       "usagePlans[0].quota.offset", "9 is out of range for WEEK (0-6, 0 = Sunday)"},
      {"StartDayMonthOffsetOutOfRange",
       [](sections& s) {
         s.usage_plans = plan_with_quota(R"({"limit": 1000, "offset": 28, "period": "MONTH"})");
       },
       "usagePlans[0].quota.offset", "28 is out of range for MONTH (0-27"},
      {"InitialRequestsOffsetNotBelowLimit",
       [](sections& s) {
         s.gateway = gateway_with(R"("quotaOffsetMeaning": "initialRequests")");
         s.usage_plans = plan_with_quota(R"({"limit": 1000, "offset": 1000, "period": "DAY"})");
       },
       "usagePlans[0].quota.offset", "must be less than the quota limit 1000"},
      {"NegativeOffset",
       [](sections& s) {
         s.usage_plans = plan_with_quota(R"({"limit": 1000, "offset": -1, "period": "WEEK"})");
       },
       "usagePlans[0].quota.offset", "must not be negative"},
      // throttle keys and names
      {"FineGrainWithoutPlanThrottle",
       [](sections& s) { s.usage_plans = plan_with_method_throttle("/endpoint/GET", false); },
       "usagePlans[0].apiStages[0].throttle",
       "Can not define fine grain throttling if usage plan throttle is not defined."},
      {"MethodThrottleKeyWithoutLeadingSlash",
       [](sections& s) { s.usage_plans = plan_with_method_throttle("endpoint/GET"); },
       "usagePlans[0].apiStages[0].throttle[\"endpoint/GET\"]", "\"/path/METHOD\""},
      {"MethodThrottleKeyBadMethod",
       [](sections& s) { s.usage_plans = plan_with_method_throttle("/endpoint/FETCH"); },
       "usagePlans[0].apiStages[0].throttle[\"/endpoint/FETCH\"]", "not an HTTP method"},
      {"MethodThrottleValueNegative",
       [](sections& s) {
         s.usage_plans = R"([{"id": "p1", "throttle": {"burstLimit": 5, "rateLimit": 10},
             "apiStages": [{"apiId": "api1", "stage": "v1",
                            "throttle": {"/endpoint/GET": {"burstLimit": 1, "rateLimit": -2}}}]}])";
       },
       "usagePlans[0].apiStages[0].throttle[\"/endpoint/GET\"].rateLimit", "must not be negative"},
  };
}

namespace {

TEST(LoaderValidation, ValueMatchingAnotherKeysDigestIsADuplicate) {
  // printf %s test-key-value-000000000001 | sha256sum
  sections s;
  s.api_keys = R"([{"id": "k1", "value": "test-key-value-000000000001"},
    {"id": "k2", "valueSha256": "A09A8DBC1EF8D66D93CD7EF70D2023432CCED8C76DF7A310EC186D5A0BF9D2B9"}])";
  const load_result r = load_string(s.json());
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].json_path, "apiKeys[0].value");
  EXPECT_THAT(r.errors[0].message, HasSubstr("same value as API key 'k2' (given as valueSha256)"));

  // A different digest is a different key.
  s.api_keys = R"([{"id": "k1", "value": "test-key-value-000000000001"},
    {"id": "k2", "valueSha256": "b09a8dbc1ef8d66d93cd7ef70d2023432cced8c76df7a310ec186d5a0bf9d2b9"}])";
  const load_result ok = load_string(s.json());
  ASSERT_TRUE(ok.doc.has_value()) << all_errors(ok);
  EXPECT_FALSE(ok.doc->api_keys[1].value.has_value());
  EXPECT_EQ(ok.doc->api_keys[1].value_sha256->at(0), 0xb0);
}

TEST(LoaderValidation, OffsetsInsideTheirRangesAreAccepted) {
  for (const char* quota :
       {R"({"limit": 10, "offset": 6, "period": "WEEK"})",
        R"({"limit": 10, "offset": 27, "period": "MONTH"})", R"({"limit": 10, "period": "DAY"})"}) {
    sections s;
    s.usage_plans = plan_with_quota(quota);
    const load_result r = load_string(s.json());
    EXPECT_TRUE(r.doc.has_value()) << quota << "\n" << all_errors(r);
  }
  sections s;
  s.gateway = gateway_with(R"("quotaOffsetMeaning": "initialRequests")");
  s.usage_plans = plan_with_quota(R"({"limit": 1000, "offset": 999, "period": "DAY"})");
  const load_result r = load_string(s.json());
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(r.doc->gateway.quota_offset_meaning, limiter::offset_meaning::initial_requests);
  EXPECT_EQ(r.doc->usage_plans[0].quota->offset, 999);
}

}  // namespace
}  // namespace ug::config
