// Every validation rule of the loader: one table row each, asserting the JSON
// path of the error and a phrase of its message; plus "every error, not just
// the first" and "never a key value in a message". The rows of each part of
// the document are in loader_validation_<part>_test.cpp; this file holds the
// document-wide ones and runs them all.
#include "config/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iterator>
#include <string>
#include <vector>

#include "tests/config/loader_error_cases.hpp"

namespace ug::config {
namespace {

using namespace loader_fixture;
using ::testing::HasSubstr;

TEST(LoaderValidation, BaseConfigurationIsValid) {
  const load_result r = load_string(sections{}.json());
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_TRUE(r.errors.empty());
}

void append(std::vector<error_case>& to, std::vector<error_case> more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

std::vector<error_case> error_cases() {
  std::vector<error_case> cases = {
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
      // wrappers
      {"WrapperWithBothItemsAndItem",
       [](sections& s) { s.api_keys = R"({"items": [], "item": []})"; }, "apiKeys.item",
       "either 'items' or 'item'"},
      {"WrapperWithoutItems", [](sections& s) { s.api_keys = R"({"position": "abc"})"; }, "apiKeys",
       "'items'"},
      {"ListOfWrongType", [](sections& s) { s.usage_plans = "42"; }, "usagePlans",
       "an array, an {\"items\": [...]} object or a file name"},
  };
  append(cases, loader_fixture::rest_api_error_cases());
  append(cases, loader_fixture::plan_and_key_error_cases());
  append(cases, loader_fixture::gateway_error_cases());
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

}  // namespace
}  // namespace ug::config
