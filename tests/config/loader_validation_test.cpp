// Every validation rule of the loader: one table row each, asserting the JSON
// path of the error and a phrase of its message; plus "every error, not just
// the first" and "never a key value in a message".
#include "config/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "limiter/key_table.hpp"
#include "tests/config/loader_sections.hpp"

namespace ug::config {
namespace {

using loader_fixture::all_errors;
using loader_fixture::gateway_with;
using loader_fixture::sections;
using ::testing::HasSubstr;

TEST(LoaderValidation, BaseConfigurationIsValid) {
  const load_result r = load_string(sections{}.json());
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_TRUE(r.errors.empty());
}

struct error_case {
  std::string name;
  std::function<void(sections&)> edit;
  std::string path;    ///< expected json_path of (one of) the errors
  std::string phrase;  ///< expected in that error's message
};

void PrintTo(const error_case& c, std::ostream* os) {
  *os << c.name;
}

std::string two_plans_sharing_stage() {
  return R"([{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}]},
             {"id": "p2", "apiStages": [{"apiId": "api1", "stage": "v1"}]}])";
}

std::string plan_with_quota(const std::string& quota) {
  return R"([{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}], "quota": )" + quota +
         "}]";
}

std::string upstream_with(const std::string& members) {
  return R"({"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000", )" + members +
         "}}}}";
}

std::string api_with_resources(const std::string& resources) {
  return R"([{"id": "api1", "resources": )" + resources + R"(, "stages": [{"stageName": "v1"}]}])";
}

std::string api_with_method_settings(const std::string& settings) {
  return R"([{"id": "api1", "stages": [{"stageName": "v1", "methodSettings": )" + settings + "}]}]";
}

std::string plan_with_method_throttle(const std::string& key, bool plan_throttle = true) {
  return R"([{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1", "throttle": {")" + key +
         R"(": {"burstLimit": 1, "rateLimit": 1}}}])" +
         (plan_throttle ? R"(, "throttle": {"burstLimit": 5, "rateLimit": 10})" : "") + "}]";
}

/// printf %s test-key-value-000000000002 | sha256sum
constexpr const char* digest_of_value_2 =
    "709d60d674bad40908d0f4b536e6849b514f876fa23214cf9fd4298b0166125c";

const std::vector<error_case>& error_cases() {
  static const std::vector<error_case> cases = {
      // JSON itself
      {"NumberOutOfRange",
       [](sections& s) {
         s.usage_plans = R"([{"id": "p1", "throttle": {"burstLimit": 1, "rateLimit": 1e999}}])";
       },
       "$", "number"},
      {"WrongTypeBoolean",
       [](sections& s) {
         s.api_keys = R"([{"id": "k1", "enabled": "yes", "value": "test-key-value-000000000001"}])";
       },
       "apiKeys[0].enabled", "must be true or false, not a string"},
      {"WrongTypePort",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"port": "8080"})"); },
       "gateway.listener.port", "must be an integer, not a string"},
      {"RepeatedMember",
       [](sections& s) {
         s.api_keys = R"([{"id": "k1", "id": "k2", "value": "test-key-value-000000000001"}])";
       },
       "apiKeys[0].id", "more than once"},
      // unknown fields
      {"UnknownFieldDidYouMean",
       [](sections& s) {
         s.usage_plans =
             R"([{"id": "p1", "throttle": {"burstlimit": 5, "burstLimit": 5, "rateLimit": 1}}])";
       },
       "usagePlans[0].throttle.burstlimit", "did you mean 'burstLimit'?"},
      {"UnknownTopLevelDidYouMean",
       [](sections& s) { s.usage_plan_keys = R"({}, "usagePlan": [])"; }, "usagePlan",
       "did you mean 'usagePlans'?"},
      {"UnknownFieldWithoutSuggestion",
       [](sections& s) { s.gateway = gateway_with(R"("colour": "blue")"); }, "gateway.colour",
       "unknown field 'colour'"},
      // duplicates
      {"DuplicatePlanId", [](sections& s) { s.usage_plans = R"([{"id": "p1"}, {"id": "p1"}])"; },
       "usagePlans[1].id", "used twice"},
      {"DuplicateKeyId",
       [](sections& s) {
         s.api_keys = R"([{"id": "k1", "value": "test-key-value-000000000001"},
                          {"id": "k1", "value": "test-key-value-000000000002"}])";
       },
       "apiKeys[1].id", "used twice"},
      {"DuplicateApiId",
       [](sections& s) {
         s.rest_apis = R"([{"id": "api1", "stages": [{"stageName": "v1"}]}, {"id": "api1"}])";
       },
       "restApis[1].id", "used twice"},
      {"DuplicateStage",
       [](sections& s) {
         s.rest_apis = R"([{"id": "api1", "stages": [{"stageName": "v1"}, {"stageName": "v1"}]}])";
       },
       "restApis[0].stages[1].stageName", "defined twice"},
      {"DuplicateResourceId",
       [](sections& s) {
         s.rest_apis =
             api_with_resources(R"([{"id": "r1", "path": "/a"}, {"id": "r1", "path": "/b"}])");
       },
       "restApis[0].resources[1].id", "used twice"},
      {"DuplicateResourcePath",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a"}, {"path": "/a"}])"); },
       "restApis[0].resources[1].path", "defined twice"},
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
      {"DuplicateMethodSettingAfterNormalising",
       [](sections& s) {
         s.rest_apis = api_with_method_settings(R"({"test/GET": {}, "~1test/GET": {}})");
       },
       "restApis[0].stages[0].methodSettings[\"~1test/GET\"]", "same method"},
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
      {"GatewayStageNamesUnknownStage",
       [](sections& s) {
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}},
                                    "api1/v9": {"upstream": {"url": "http://127.0.0.1:9000"}}}})";
       },
       "gateway.stages[\"api1/v9\"]", "has no stage 'v9'"},
      {"GatewayStageNamesUnknownApi",
       [](sections& s) {
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}},
                                    "apiX/v1": {"upstream": {"url": "http://127.0.0.1:9000"}}}})";
       },
       "gateway.stages[\"apiX/v1\"]", "not in restApis"},
      {"StageWithoutUpstream", [](sections& s) { s.gateway = "{}"; }, "restApis[0].stages[0]",
       "has no upstream"},
      {"GatewayStageWithoutUpstream",
       [](sections& s) { s.gateway = R"({"stages": {"api1/v1": {"basePath": "/x"}}})"; },
       "gateway.stages[\"api1/v1\"]", "missing required field 'upstream'"},
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
      {"NegativeAccountRate",
       [](sections& s) {
         s.gateway = gateway_with(R"("accountThrottle": {"burstLimit": 5000, "rateLimit": -1})");
       },
       "gateway.accountThrottle.rateLimit", "must not be negative"},
      {"NegativeStageThrottle",
       [](sections& s) {
         s.rest_apis = api_with_method_settings(R"({"*/*": {"throttlingRateLimit": -1}})");
       },
       "restApis[0].stages[0].methodSettings[\"*/*\"].throttlingRateLimit", "must not be negative"},
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
      {"OffsetMeaningUnknown",
       [](sections& s) { s.gateway = gateway_with(R"("quotaOffsetMeaning": "startday")"); },
       "gateway.quotaOffsetMeaning", "did you mean 'startDay'?"},
      // durable state
      {"OnStateFailureUnknown",
       [](sections& s) { s.gateway = gateway_with(R"("onStateFailure": "fail-open")"); },
       "gateway.onStateFailure", "'fail-open' is not one of \"closed\" or \"open\""},
      {"OnStateFailureCase",
       [](sections& s) { s.gateway = gateway_with(R"("onStateFailure": "Open")"); },
       "gateway.onStateFailure", "did you mean 'open'?"},
      {"OnStateFailureNotAString",
       [](sections& s) { s.gateway = gateway_with(R"("onStateFailure": true)"); },
       "gateway.onStateFailure", "must be a string, not"},
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
      {"MethodSettingKeyWithLeadingSlash",
       [](sections& s) { s.rest_apis = api_with_method_settings(R"({"/endpoint/GET": {}})"); },
       "restApis[0].stages[0].methodSettings[\"/endpoint/GET\"]", "no leading slash"},
      {"MethodSettingKeyBadEscape",
       [](sections& s) { s.rest_apis = api_with_method_settings(R"({"~2endpoint/GET": {}})"); },
       "restApis[0].stages[0].methodSettings[\"~2endpoint/GET\"]", "'~'"},
      {"MethodSettingKeyBadMethod",
       [](sections& s) { s.rest_apis = api_with_method_settings(R"({"~1endpoint/GOT": {}})"); },
       "restApis[0].stages[0].methodSettings[\"~1endpoint/GOT\"]", "did you mean 'GET'?"},
      {"ResourcePathWithoutSlash",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "endpoint"}])"); },
       "restApis[0].resources[0].path", "must start with '/'"},
      {"ResourcePathEmptySegment",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a//b"}])"); },
       "restApis[0].resources[0].path", "empty segment"},
      {"ResourcePathDotDotSegment",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a/../b"}])"); },
       "restApis[0].resources[0].path", "may not be '.' or '..'"},
      {"ResourcePathDotSegment",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/."}])"); },
       "restApis[0].resources[0].path", "may not be '.' or '..'"},
      {"ResourcePathTrailingSlash",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a/"}])"); },
       "restApis[0].resources[0].path", "must not end with '/'"},
      {"ResourcePathGreedyNotLast",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/{proxy+}/x"}])"); },
       "restApis[0].resources[0].path", "must be the last segment"},
      {"ResourcePathBadParameter",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a/{x"}])"); },
       "restApis[0].resources[0].path", "{name}"},
      {"ResourcePathBadCharacter",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a b"}])"); },
       "restApis[0].resources[0].path", "only letters, digits"},
      {"ResourceTwoVariableSiblings",
       [](sections& s) {
         s.rest_apis = api_with_resources(R"([{"path": "/a/{id}"}, {"path": "/a/{name}"}])");
       },
       "restApis[0].resources[1].path", "only one variable child"},
      {"ResourceMethodUnknown",
       [](sections& s) {
         s.rest_apis = api_with_resources(R"([{"path": "/a", "resourceMethods": {"FETCH": {}}}])");
       },
       "restApis[0].resources[0].resourceMethods.FETCH", "not an HTTP method"},
      {"ResourceMethodNameMismatch",
       [](sections& s) {
         s.rest_apis = api_with_resources(
             R"([{"path": "/a", "resourceMethods": {"GET": {"httpMethod": "POST"}}}])");
       },
       "restApis[0].resources[0].resourceMethods.GET.httpMethod", "must match"},
      {"AuthorizationTypeUnsupported",
       [](sections& s) {
         s.rest_apis = api_with_resources(
             R"([{"path": "/a", "resourceMethods": {"GET": {"authorizationType": "AWS_IAM"}}}])");
       },
       "restApis[0].resources[0].resourceMethods.GET.authorizationType", "not supported"},
      {"ApiKeySourceAuthorizer",
       [](sections& s) {
         s.rest_apis =
             R"([{"id": "api1", "apiKeySource": "AUTHORIZER", "stages": [{"stageName": "v1"}]}])";
       },
       "restApis[0].apiKeySource", "authorizers are not supported"},
      {"ApiKeySourceOther",
       [](sections& s) {
         s.rest_apis =
             R"([{"id": "api1", "apiKeySource": "COOKIE", "stages": [{"stageName": "v1"}]}])";
       },
       "restApis[0].apiKeySource", "HEADER"},
      {"StageNameInvalid",
       [](sections& s) { s.rest_apis = R"([{"id": "api1", "stages": [{"stageName": "v 1"}]}])"; },
       "restApis[0].stages[0].stageName", "stage name"},
      // gateway settings
      {"PortTooLarge",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"port": 70000})"); },
       "gateway.listener.port", "from 0 to 65535"},
      {"AdminPortNegative",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"port": -1})"); },
       "gateway.admin.port", "from 0 to 65535"},
      {"HeaderTimeoutZero",
       [](sections& s) { s.gateway = gateway_with(R"("headerTimeoutMs": 0)"); },
       "gateway.headerTimeoutMs", "at least 1"},
      {"KeepAliveTimeoutZero",
       [](sections& s) { s.gateway = gateway_with(R"("keepAliveTimeoutMs": 0)"); },
       "gateway.keepAliveTimeoutMs", "at least 1"},
      {"DrainTimeoutNegative",
       [](sections& s) { s.gateway = gateway_with(R"("drainTimeoutMs": -5)"); },
       "gateway.drainTimeoutMs", "at least 1"},
      {"ConnectTimeoutZero",
       [](sections& s) { s.gateway = upstream_with(R"("connectTimeoutMs": 0)"); },
       "gateway.stages[\"api1/v1\"].upstream.connectTimeoutMs", "at least 1"},
      {"ResponseTimeoutZero",
       [](sections& s) { s.gateway = upstream_with(R"("responseTimeoutMs": 0)"); },
       "gateway.stages[\"api1/v1\"].upstream.responseTimeoutMs", "at least 1"},
      {"IdleTimeoutZero", [](sections& s) { s.gateway = upstream_with(R"("idleTimeoutMs": 0)"); },
       "gateway.stages[\"api1/v1\"].upstream.idleTimeoutMs", "at least 1"},
      {"MaxHeaderBytesTooSmall",
       [](sections& s) { s.gateway = gateway_with(R"("maxHeaderBytes": 1023)"); },
       "gateway.maxHeaderBytes", "from 1024"},
      {"MaxConnectionsZero",
       [](sections& s) { s.gateway = gateway_with(R"("maxConnections": 0)"); },
       "gateway.maxConnections", "at least 1"},
      {"AccessLogEmpty", [](sections& s) { s.gateway = gateway_with(R"("accessLog": "")"); },
       "gateway.accessLog", R"(must be "off", "stdout" or a file path)"},
      {"AccessLogNotAString",
       [](sections& s) { s.gateway = gateway_with(R"("accessLog": false)"); }, "gateway.accessLog",
       "must be a string"},
      {"MetricsKeySeriesNegative",
       [](sections& s) { s.gateway = gateway_with(R"("metricsKeySeries": -1)"); },
       "gateway.metricsKeySeries", "from 0 to 100000"},
      {"MetricsKeySeriesTooLarge",
       [](sections& s) { s.gateway = gateway_with(R"("metricsKeySeries": 100001)"); },
       "gateway.metricsKeySeries", "from 0 to 100000"},
      {"ReloadOnFileChangeNotBoolean",
       [](sections& s) { s.gateway = gateway_with(R"("reloadOnFileChange": "yes")"); },
       "gateway.reloadOnFileChange", "must be true or false"},
      {"AdminSameAsListener",
       [](sections& s) {
         s.gateway = gateway_with(R"("listener": {"port": 8081}, "admin": {"port": 8081})");
       },
       "gateway.admin", "must differ from the data listener (127.0.0.1:8081)"},
      {"AdminWildcardOverlapsListener",
       [](sections& s) {
         s.gateway = gateway_with(
             R"("listener": {"address": "127.0.0.1", "port": 8081},
                "admin": {"address": "0.0.0.0", "port": 8081})");
       },
       "gateway.admin", "must differ from the data listener"},
      {"ListenerOnTheDefaultAdminPort",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"port": 9080})"); },
       "gateway.listener", "the admin listener (127.0.0.1:9080) must differ"},
      // listener addresses: start-up binds numeric addresses and resolves no names
      {"ListenerAddressIsAHostName",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"address": "localhost"})"); },
       "gateway.listener.address", R"("localhost" is a host name)"},
      {"AdminAddressIsAHostName",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"address": "localhost"})"); },
       "gateway.admin.address", R"(use "127.0.0.1")"},
      {"ListenerAddressIsADnsName",
       [](sections& s) {
         s.gateway = gateway_with(R"("listener": {"address": "gateway.example.com"})");
       },
       "gateway.listener.address", "is not a numeric IP address"},
      {"ListenerAddressWithBrackets",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"address": "[::1]"})"); },
       "gateway.listener.address", R"(without them ("::1"))"},
      {"ListenerAddressWithPort",
       [](sections& s) {
         s.gateway = gateway_with(R"("listener": {"address": "127.0.0.1:8080"})");
       },
       "gateway.listener.address", "is not a numeric IP address"},
      {"ListenerAddressWithZone",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"address": "fe80::1%eth0"})"); },
       "gateway.listener.address", "zone"},
      {"ListenerAddressEmpty",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"address": ""})"); },
       "gateway.listener.address", "must be a numeric IP address"},
      // the admin listener beyond loopback needs a bearer token
      {"AdminOnEveryInterfaceWithoutAToken",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"address": "0.0.0.0"})"); },
       "gateway.admin.address", R"("0.0.0.0" is not a loopback address)"},
      {"AdminOnAnInterfaceAddressWithoutAToken",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"address": "10.1.2.3"})"); },
       "gateway.admin.address", "set gateway.admin.authToken or gateway.admin.authTokenFile"},
      {"AdminOnIpv6EveryInterfaceWithoutAToken",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"address": "::"})"); },
       "gateway.admin.address", "is not a loopback address"},
      {"AdminTokenTooShort",
       [](sections& s) {
         s.gateway = gateway_with(R"("admin": {"address": "0.0.0.0", "authToken": "short"})");
       },
       "gateway.admin.authToken", "at least 32 characters (it has 5)"},
      {"AdminTokenWithASpace",
       [](sections& s) {
         s.gateway = gateway_with(R"("admin": {"authToken": "0123456789abcdef 0123456789abcdef"})");
       },
       "gateway.admin.authToken", "character 17 is not one of them"},
      {"AdminTokenNotAString",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"authToken": 12345})"); },
       "gateway.admin.authToken", "must be a string"},
      {"AdminTokenAndTokenFile",
       [](sections& s) {
         s.gateway = gateway_with(R"("admin": {"authToken": ")" + std::string(40, 'a') +
                                  R"(", "authTokenFile": "token.txt"})");
       },
       "gateway.admin", "either 'authToken' or 'authTokenFile', not both"},
      {"AdminTokenFileMissing",
       [](sections& s) {
         s.gateway = gateway_with(R"("admin": {"authTokenFile": "no-such-token-file"})");
       },
       "gateway.admin.authTokenFile", "cannot read file 'no-such-token-file'"},
      {"AdminTokenFileEmptyName",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"authTokenFile": ""})"); },
       "gateway.admin.authTokenFile", "must not be empty"},
      {"HttpsUpstream",
       [](sections& s) {
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "https://llm:443"}}}})";
       },
       "gateway.stages[\"api1/v1\"].upstream.url", "HTTPS upstreams are not supported yet"},
      {"UpstreamNotHttp",
       [](sections& s) {
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "ftp://llm"}}}})";
       },
       "gateway.stages[\"api1/v1\"].upstream.url", "http://host:port"},
      {"UpstreamPortZero",
       [](sections& s) {
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://llm:0"}}}})";
       },
       "gateway.stages[\"api1/v1\"].upstream.url", "from 1 to 65535"},
      {"UpstreamWithoutUrl",
       [](sections& s) { s.gateway = R"({"stages": {"api1/v1": {"upstream": {"poolSize": 4}}}})"; },
       "gateway.stages[\"api1/v1\"].upstream", "missing required field 'url'"},
      {"BasePathConflictExplicit",
       [](sections& s) {
         s.rest_apis = R"([{"id": "api1", "stages": [{"stageName": "v1"}, {"stageName": "v2"}]}])";
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://a:1"}},
             "api1/v2": {"basePath": "/v1", "upstream": {"url": "http://a:1"}}}})";
       },
       "gateway.stages[\"api1/v2\"].basePath", "already used by stage \"api1/v1\""},
      {"BasePathConflictDefault",
       [](sections& s) {
         s.rest_apis = R"([{"id": "api1", "stages": [{"stageName": "v1"}]},
                           {"id": "api2", "stages": [{"stageName": "v1"}]}])";
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://a:1"}},
             "api2/v1": {"upstream": {"url": "http://a:1"}}}})";
       },
       "gateway.stages[\"api2/v1\"]", "the default"},
      {"BasePathMalformed",
       [](sections& s) {
         s.gateway =
             R"({"stages": {"api1/v1": {"basePath": "v1/", "upstream": {"url": "http://a:1"}}}})";
       },
       "gateway.stages[\"api1/v1\"].basePath", "basePath must be"},
      // wrappers
      {"WrapperWithBothItemsAndItem",
       [](sections& s) { s.api_keys = R"({"items": [], "item": []})"; }, "apiKeys.item",
       "either 'items' or 'item'"},
      {"WrapperWithoutItems", [](sections& s) { s.api_keys = R"({"position": "abc"})"; }, "apiKeys",
       "'items'"},
      {"ListOfWrongType", [](sections& s) { s.usage_plans = "42"; }, "usagePlans",
       "an array, an {\"items\": [...]} object or a file name"},
  };
  return cases;
}

class LoaderErrorCase : public ::testing::TestWithParam<error_case> {};

TEST_P(LoaderErrorCase, ReportsPathAndPhrase) {
  const error_case& c = GetParam();
  sections s;
  c.edit(s);
  const load_result r = load_string(s.json());
  EXPECT_FALSE(r.doc.has_value());
  ASSERT_FALSE(r.errors.empty());
  bool found = false;
  for (const config_error& e : r.errors)
    if (e.json_path == c.path && e.message.find(c.phrase) != std::string::npos)
      found = true;
  EXPECT_TRUE(found) << "expected at " << c.path << ": " << c.phrase << "\ngot:\n" << all_errors(r);
}

INSTANTIATE_TEST_SUITE_P(Rules, LoaderErrorCase, ::testing::ValuesIn(error_cases()),
                         [](const ::testing::TestParamInfo<error_case>& param) {
                           return param.param.name;
                         });

TEST(LoaderValidation, RootMustBeAnObject) {
  const load_result r = load_string("[1, 2]");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].json_path, "$");
  EXPECT_THAT(r.errors[0].message, HasSubstr("must be an object"));
}

TEST(LoaderValidation, SyntaxErrorNamesLineAndColumn) {
  const load_result r = load_string("{\n  \"apiKeys\": [\n    {\"id\": \"k1\",}\n  ]\n}");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].json_path, "$");
  EXPECT_THAT(r.errors[0].message, HasSubstr("line 3, column 17"));
  EXPECT_THAT(r.errors[0].message, HasSubstr("trailing comma"));
}

TEST(LoaderValidation, EmptyInputIsAnError) {
  const load_result r = load_string("");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_FALSE(r.doc.has_value());
}

TEST(LoaderValidation, MalformedGatewayStageName) {
  sections s;
  s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://a:1"}},
                             "v1": {"upstream": {"url": "http://a:1"}}}})";
  const load_result r = load_string(s.json());
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].json_path, "gateway.stages.v1");
  EXPECT_THAT(r.errors[0].message, HasSubstr("<restApiId>/<stageName>"));
}

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

TEST(LoaderValidation, CollectsEveryErrorNotJustTheFirst) {
  sections s;
  s.gateway = gateway_with(R"("listener": {"port": 70000}, "headerTimeoutMs": 0)");
  s.usage_plans = plan_with_quota(R"({"limit": 1000, "offset": 9, "period": "WEEK"})");
  s.api_keys = R"([{"id": "k1", "value": "short"}, {"id": "k2"}])";
  s.usage_plan_keys = R"({"p1": [{"id": "k1"}, {"id": "k7"}]})";
  const load_result r = load_string(s.json());
  EXPECT_FALSE(r.doc.has_value());
  std::vector<std::string> paths;
  for (const config_error& e : r.errors)
    paths.push_back(e.json_path);
  EXPECT_THAT(paths, ::testing::IsSupersetOf({"gateway.listener.port", "gateway.headerTimeoutMs",
                                              "usagePlans[0].quota.offset", "apiKeys[0].value",
                                              "apiKeys[1]", "usagePlanKeys.p1[1].id"}));
}

TEST(LoaderValidation, AwsFieldsWeDoNotUseAreAccepted) {
  sections s;
  s.rest_apis = R"([{"id": "api1", "name": "one", "createdDate": 1456184452, "version": "1",
      "endpointConfiguration": {"types": ["REGIONAL"]}, "tags": {"a": "b"},
      "disableExecuteApiEndpoint": false, "rootResourceId": "r0",
      "resources": [{"id": "r0", "path": "/"},
                    {"id": "r1", "parentId": "r0", "pathPart": "endpoint", "path": "/endpoint",
                     "resourceMethods": {"GET": {"httpMethod": "GET", "authorizationType": "NONE",
                       "apiKeyRequired": true, "methodResponses": {"200": {"statusCode": "200"}},
                       "methodIntegration": {"type": "HTTP_PROXY"}}}}],
      "stages": [{"stageName": "v1", "deploymentId": "d1", "cacheClusterEnabled": false,
                  "cacheClusterStatus": "NOT_AVAILABLE", "tracingEnabled": false,
                  "createdDate": "2024-01-01T00:00:00+00:00", "variables": {"x": "y"},
                  "methodSettings": {"*/*": {"metricsEnabled": false, "dataTraceEnabled": false,
                     "throttlingBurstLimit": 5000, "throttlingRateLimit": 10000.0,
                     "cachingEnabled": false, "cacheTtlInSeconds": 300}}}]}])";
  s.usage_plans = R"({"items": [{"id": "p1", "name": "n", "productCode": "x", "tags": {},
      "apiStages": [{"apiId": "api1", "stage": "v1"}]}], "position": "next"})";
  s.api_keys = R"({"items": [{"id": "k1", "value": "test-key-value-000000000001", "enabled": true,
      "createdDate": 1456184452, "lastUpdatedDate": 1456184452, "stageKeys": [], "tags": {}}]})";
  const load_result r = load_string(s.json());
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(r.doc->stages.at(0).method_settings.at("*/*").throttling_burst_limit, 5000);
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
