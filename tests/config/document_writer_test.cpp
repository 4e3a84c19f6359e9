// api_key_json and usage_plan_json: what they write, and that the loader
// reads it back as the same object (the control plane's store depends on it).
#include "config/document/document_writer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "common/sha256.hpp"
#include "config/loader.hpp"
#include "tests/config/loader_sections.hpp"

namespace ug::config {
namespace {

using loader_fixture::all_errors;
using ::testing::HasSubstr;
using ::testing::Not;

// Quotes, backslashes, every kind of control character, DEL, and UTF-8 of
// two, three and four bytes.
const std::string awkward = std::string("a \"quoted\" \\back\\slash\\ /slash/ \n\r\t\b\f") +
                            std::string(1, '\x01') + std::string(1, '\x1f') +
                            std::string(1, '\x7f') + " caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac " +
                            "\xf0\x9f\x98\x80 \xe2\x80\xa8";

api_key read_back_key(const std::string& json) {
  const load_result r = load_string(R"({"apiKeys": [)" + json + "]}");
  EXPECT_TRUE(r.doc.has_value()) << json << "\n" << all_errors(r);
  if (!r.doc || r.doc->api_keys.size() != 1)
    return {};
  return r.doc->api_keys[0];
}

void expect_same_key(const api_key& got, const api_key& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.value, want.value);
  EXPECT_EQ(got.value_sha256, want.value_sha256);
  EXPECT_EQ(got.enabled, want.enabled);
  EXPECT_EQ(got.customer_id, want.customer_id);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.created_date_s, want.created_date_s);
  EXPECT_EQ(got.last_updated_date_s, want.last_updated_date_s);
  EXPECT_EQ(got.tags, want.tags);
}

void expect_key_round_trip(const api_key& key) {
  const std::string json = api_key_json(key);
  SCOPED_TRACE(json);
  expect_same_key(read_back_key(json), key);
}

/// A configuration with API "api1" and its stages v1 and v2, whose
/// usagePlans are `plans` (a JSON array), under `offset_meaning`.
std::string with_plans(const std::string& plans, const std::string& offset_meaning = "startDay") {
  return R"({"gateway": {"quotaOffsetMeaning": ")" + offset_meaning + R"(", "stages": {
      "api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}},
      "api1/v2": {"upstream": {"url": "http://127.0.0.1:9001"}}}},
    "restApis": [{"id": "api1", "stages": [{"stageName": "v1"}, {"stageName": "v2"}]}],
    "usagePlans": )" +
         plans + "}";
}

usage_plan read_back_plan(const std::string& json, const std::string& offset_meaning) {
  const load_result r = load_string(with_plans("[" + json + "]", offset_meaning));
  EXPECT_TRUE(r.doc.has_value()) << json << "\n" << all_errors(r);
  if (!r.doc || r.doc->usage_plans.size() != 1)
    return {};
  return r.doc->usage_plans[0];
}

void expect_same_throttle(const throttle_settings& got, const throttle_settings& want) {
  EXPECT_EQ(got.burst_limit, want.burst_limit);
  // Exact: the text must read back as the very same double.
  EXPECT_EQ(got.rate_limit, want.rate_limit);
}

void expect_same_plan(const usage_plan& got, const usage_plan& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.description, want.description);
  ASSERT_EQ(got.api_stages.size(), want.api_stages.size());
  for (std::size_t i = 0; i < got.api_stages.size(); ++i) {
    EXPECT_EQ(got.api_stages[i].api_id, want.api_stages[i].api_id);
    EXPECT_EQ(got.api_stages[i].stage, want.api_stages[i].stage);
    ASSERT_EQ(got.api_stages[i].throttle.size(), want.api_stages[i].throttle.size());
    for (const auto& [key, settings] : want.api_stages[i].throttle) {
      ASSERT_EQ(got.api_stages[i].throttle.count(key), 1u) << key;
      expect_same_throttle(got.api_stages[i].throttle.at(key), settings);
    }
  }
  ASSERT_EQ(got.throttle.has_value(), want.throttle.has_value());
  if (want.throttle)
    expect_same_throttle(*got.throttle, *want.throttle);
  ASSERT_EQ(got.quota.has_value(), want.quota.has_value());
  if (want.quota) {
    EXPECT_EQ(got.quota->limit, want.quota->limit);
    EXPECT_EQ(got.quota->offset, want.quota->offset);
    EXPECT_EQ(got.quota->period, want.quota->period);
  }
  EXPECT_EQ(got.product_code, want.product_code);
  EXPECT_EQ(got.tags, want.tags);
}

void expect_plan_round_trip(const usage_plan& plan,
                            const std::string& offset_meaning = "startDay") {
  const std::string json = usage_plan_json(plan);
  SCOPED_TRACE(json);
  expect_same_plan(read_back_plan(json, offset_meaning), plan);
}

api_key full_key() {
  api_key key;
  key.id = "k1abcdefgh";
  key.name = "alice";
  key.value = "writer-test-key-value-000000000001";
  key.enabled = true;
  key.customer_id = "alice@example.com";
  key.description = "Alice's key";
  key.created_date_s = 1796404000;
  key.last_updated_date_s = 1796404999;
  key.tags = {{"team", "ml"}, {"env", ""}};
  return key;
}

usage_plan full_plan() {
  usage_plan plan;
  plan.id = "gold";
  plan.name = "Gold";
  plan.description = "the gold tier";
  api_stage v1;
  v1.api_id = "api1";
  v1.stage = "v1";
  v1.throttle = {{"/pets/GET", {2, 0.5}}, {"//GET", {1, 0.1}}};
  api_stage v2;
  v2.api_id = "api1";
  v2.stage = "v2";
  plan.api_stages = {v1, v2};
  plan.throttle = throttle_settings{5, 10};
  plan.quota = quota_settings{1000, 1, limiter::quota_period::week};
  plan.product_code = "prod-abc";
  plan.tags = {{"tier", "gold"}};
  return plan;
}

// ---- what is written ----

TEST(DocumentWriter, ApiKeyIsCompactWithTheParsersMemberNames) {
  EXPECT_EQ(api_key_json(full_key()),
            R"({"id":"k1abcdefgh","name":"alice","value":"writer-test-key-value-000000000001",)"
            R"("enabled":true,"customerId":"alice@example.com","description":"Alice's key",)"
            R"("createdDate":1796404000,"lastUpdatedDate":1796404999,)"
            R"("tags":{"env":"","team":"ml"}})");
}

TEST(DocumentWriter, ApiKeyLeavesOutWhatIsEmptyOrUnset) {
  api_key key;
  key.id = "k2";
  key.value = "writer-test-key-value-000000000002";
  EXPECT_EQ(api_key_json(key),
            R"({"id":"k2","name":"","value":"writer-test-key-value-000000000002",)"
            R"("enabled":false})");
}

TEST(DocumentWriter, ApiKeyDigestIsLowerCaseHex) {
  api_key key;
  key.id = "k3";
  key.value_sha256 = common::sha256("writer-test-key-value-000000000003");
  const std::string json = api_key_json(key);
  EXPECT_THAT(
      json, HasSubstr("\"valueSha256\":\"" +
                      common::to_hex(common::sha256("writer-test-key-value-000000000003")) + "\""));
  EXPECT_THAT(json, Not(HasSubstr("\"value\":")));
  for (const char c : common::to_hex(*key.value_sha256))
    EXPECT_FALSE(c >= 'A' && c <= 'F');
}

TEST(DocumentWriter, UsagePlanIsCompactWithTheParsersMemberNames) {
  EXPECT_EQ(usage_plan_json(full_plan()),
            R"({"id":"gold","name":"Gold","description":"the gold tier","apiStages":[)"
            R"({"apiId":"api1","stage":"v1","throttle":{"//GET":{"burstLimit":1,"rateLimit":0.1},)"
            R"("/pets/GET":{"burstLimit":2,"rateLimit":0.5}}},{"apiId":"api1","stage":"v2"}],)"
            R"("throttle":{"burstLimit":5,"rateLimit":10},)"
            R"("quota":{"limit":1000,"offset":1,"period":"WEEK"},)"
            R"("productCode":"prod-abc","tags":{"tier":"gold"}})");
}

TEST(DocumentWriter, UsagePlanLeavesOutWhatIsEmptyOrUnset) {
  usage_plan plan;
  plan.id = "bare";
  EXPECT_EQ(usage_plan_json(plan), R"({"id":"bare","name":"","apiStages":[]})");
}

TEST(DocumentWriter, StringsAreEscaped) {
  api_key key;
  key.id = "k4";
  key.name = "\"\\\n\x01";
  key.value = "writer-test-key-value-000000000004";
  EXPECT_THAT(api_key_json(key), HasSubstr(R"("name":"\"\\\n\u0001")"));
}

TEST(DocumentWriter, BytesThatAreNotUtf8StillMakeValidJson) {
  // The parser never produces them (simdjson validates UTF-8); the writer
  // still must not write what no reader accepts.
  api_key key;
  key.id = "k5";
  key.name = "bad \xff\xfe byte";
  key.value = "writer-test-key-value-000000000005";
  const api_key back = read_back_key(api_key_json(key));
  EXPECT_EQ(back.name, "bad \xef\xbf\xbd\xef\xbf\xbd byte");  // U+FFFD each
}

// ---- parse(write(x)) == x ----

TEST(DocumentWriterRoundTrip, FullApiKey) {
  expect_key_round_trip(full_key());
}

TEST(DocumentWriterRoundTrip, MinimalApiKey) {
  api_key key;
  key.id = "k";
  key.value = "writer-test-key-value-000000000006";
  expect_key_round_trip(key);
}

TEST(DocumentWriterRoundTrip, ApiKeyGivenAsDigest) {
  api_key key = full_key();
  key.value.reset();
  key.value_sha256 = common::sha256("writer-test-key-value-000000000007");
  expect_key_round_trip(key);
}

TEST(DocumentWriterRoundTrip, AwkwardTextInEveryStringOfAKey) {
  api_key key = full_key();
  key.id = "id " + awkward;
  key.name = awkward;
  key.customer_id = awkward + "@example.com";
  key.description = awkward;
  key.tags = {{awkward, awkward}, {"\xe2\x9c\x93", "\xf0\x9f\x98\x80"}};
  expect_key_round_trip(key);
}

TEST(DocumentWriterRoundTrip, KeyValueOfEveryPrintableAsciiCharacter) {
  api_key key;
  key.id = "k8";
  std::string value;
  for (char c = '!'; c <= '~'; ++c)
    value.push_back(c);
  key.value = value.substr(0, 128);
  expect_key_round_trip(key);
  key.value = "\"\\\"\\ with spaces \\\"\\\"";
  expect_key_round_trip(key);
}

TEST(DocumentWriterRoundTrip, DatesAtTheEndsOfTheirRange) {
  api_key key = full_key();
  key.created_date_s = 0;
  key.last_updated_date_s = 253'402'300'799;  // 9999-12-31T23:59:59Z
  expect_key_round_trip(key);
  key.created_date_s.reset();
  expect_key_round_trip(key);
}

TEST(DocumentWriterRoundTrip, TagLimits) {
  api_key key = full_key();
  key.tags.clear();
  for (int i = 0; i < 50; ++i)
    key.tags.emplace("key-" + std::to_string(i), std::string(static_cast<std::size_t>(i), 'v'));
  key.tags.emplace("k" + std::string(127, 'x'), std::string(256, 'y'));
  key.tags.erase("key-0");
  // Limits count characters: 128 three-byte characters are a valid key.
  key.tags.erase("key-1");
  std::string wide;
  for (int i = 0; i < 128; ++i)
    wide += "\xe6\x97\xa5";
  key.tags.emplace(wide, wide);
  ASSERT_EQ(key.tags.size(), 50u);
  expect_key_round_trip(key);
}

TEST(DocumentWriterRoundTrip, FullUsagePlan) {
  expect_plan_round_trip(full_plan());
}

TEST(DocumentWriterRoundTrip, BareUsagePlan) {
  usage_plan plan;
  plan.id = "bare";
  expect_plan_round_trip(plan);
}

TEST(DocumentWriterRoundTrip, AwkwardTextInEveryStringOfAPlan) {
  usage_plan plan = full_plan();
  plan.id = "id " + awkward;
  plan.name = awkward;
  plan.description = awkward;
  plan.product_code = awkward;
  plan.tags = {{awkward, awkward}};
  expect_plan_round_trip(plan);
}

TEST(DocumentWriterRoundTrip, RatesReadBackAsTheSameDouble) {
  const std::vector<double> rates = {0.1,
                                     1e-3,
                                     0.3,
                                     1.0 / 3.0,
                                     2.0 / 3.0,
                                     0.5,
                                     0,
                                     1,
                                     10,
                                     12345.678,
                                     999999999999999.9,
                                     1e15,
                                     1e20,
                                     18446744073709551616.0,  // 2^64
                                     9223372036854775808.0,   // 2^63
                                     1e-300,
                                     std::numeric_limits<double>::denorm_min(),
                                     std::numeric_limits<double>::min(),
                                     std::numeric_limits<double>::max(),
                                     std::nextafter(0.1, 1.0)};
  for (const double rate : rates) {
    SCOPED_TRACE(rate);
    usage_plan plan = full_plan();
    plan.throttle = throttle_settings{std::numeric_limits<std::int64_t>::max(), rate};
    plan.api_stages[0].throttle = {{"/pets/{id}/ANY", {0, rate}}};
    expect_plan_round_trip(plan);
  }
}

TEST(DocumentWriterRoundTrip, ShortestTextForARate) {
  usage_plan plan;
  plan.id = "p";
  plan.throttle = throttle_settings{1, 0.1};
  EXPECT_THAT(usage_plan_json(plan), HasSubstr(R"("rateLimit":0.1})"));
  plan.throttle = throttle_settings{1, 1e-3};
  EXPECT_THAT(usage_plan_json(plan), HasSubstr(R"("rateLimit":0.001})"));
}

TEST(DocumentWriterRoundTrip, EveryPeriodWithItsOffsets) {
  struct quota_case {
    limiter::quota_period period;
    std::int64_t offset;
    const char* meaning;
  };
  const std::vector<quota_case> cases = {
      {limiter::quota_period::day, 0, "startDay"},
      {limiter::quota_period::week, 0, "startDay"},
      {limiter::quota_period::week, 6, "startDay"},
      {limiter::quota_period::month, 0, "startDay"},
      {limiter::quota_period::month, 27, "startDay"},
      {limiter::quota_period::day, 999, "initialRequests"},
      {limiter::quota_period::week, 3, "initialRequests"},
      {limiter::quota_period::month, 500, "initialRequests"},
  };
  for (const quota_case& c : cases) {
    SCOPED_TRACE(std::string(limiter::to_aws_name(c.period)) + " " + std::to_string(c.offset));
    usage_plan plan = full_plan();
    plan.quota = quota_settings{1000, c.offset, c.period};
    expect_plan_round_trip(plan, c.meaning);
  }
  usage_plan plan = full_plan();
  plan.quota = quota_settings{0, 0, limiter::quota_period::day};
  expect_plan_round_trip(plan);
  plan.quota =
      quota_settings{std::numeric_limits<std::int64_t>::max(), 0, limiter::quota_period::month};
  expect_plan_round_trip(plan);
}

TEST(DocumentWriterRoundTrip, KeysAndPlansAsOneOverlayLoad) {
  // How the control plane's store uses the writer: rows joined into an overlay.
  api_key key = full_key();
  usage_plan plan = full_plan();
  const std::string state = R"({"apiKeys": [)" + api_key_json(key) + R"(], "usagePlans": [)" +
                            usage_plan_json(plan) + R"(], "usagePlanKeys": {"gold": [{"id": ")" +
                            key.id + R"("}]}})";
  const load_result r = load_string(with_plans("[]"), overlay{"control-plane state", state});
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  ASSERT_EQ(r.doc->api_keys.size(), 1u);
  expect_same_key(r.doc->api_keys[0], key);
  ASSERT_EQ(r.doc->usage_plans.size(), 1u);
  expect_same_plan(r.doc->usage_plans[0], plan);
}

}  // namespace
}  // namespace ug::config

namespace ug::config {
namespace {

rest_api full_rest_api() {
  rest_api api;
  api.id = "restapi001";
  api.name = "ai_api";
  api.description = "the AI API";
  api.created_date_s = 1796404000;
  api.tags = {{"team", "ml"}};
  api.resources = {
      {"root000001", "/", {}},
      {"endp01",
       "/endpoint",
       {{"GET", true, integration{"HTTP_PROXY", "GET", "http://127.0.0.1:1/v1/models"}},
        {"POST", false, std::nullopt}}},
      {"prox01", "/endpoint/{proxy+}", {{"ANY", true, std::nullopt}}}};
  deployment d;
  d.id = "dep001";
  d.description = "first";
  d.created_date_s = 1796404001;
  d.resources = api.resources;
  api.deployments = {d};
  return api;
}

rest_api read_back_rest_api(const std::string& json) {
  const load_result r = load_string(R"({"restApis": [)" + json + "]}");
  EXPECT_TRUE(r.doc.has_value()) << json << "\n" << all_errors(r);
  if (!r.doc || r.doc->rest_apis.size() != 1)
    return {};
  return r.doc->rest_apis[0];
}

void expect_rest_api_round_trip(const rest_api& api) {
  const std::string json = rest_api_json(api);
  SCOPED_TRACE(json);
  const rest_api got = read_back_rest_api(json);
  EXPECT_EQ(got.id, api.id);
  EXPECT_EQ(got.name, api.name);
  EXPECT_EQ(got.description, api.description);
  EXPECT_EQ(got.created_date_s, api.created_date_s);
  EXPECT_EQ(got.api_key_source, api.api_key_source);
  EXPECT_EQ(got.tags, api.tags);
  ASSERT_EQ(got.resources.size(), api.resources.size());
  for (std::size_t i = 0; i < api.resources.size(); ++i) {
    EXPECT_EQ(got.resources[i].id, api.resources[i].id);
    EXPECT_EQ(got.resources[i].path, api.resources[i].path);
    ASSERT_EQ(got.resources[i].methods.size(), api.resources[i].methods.size());
    for (std::size_t m = 0; m < api.resources[i].methods.size(); ++m) {
      EXPECT_EQ(got.resources[i].methods[m].http_method, api.resources[i].methods[m].http_method);
      EXPECT_EQ(got.resources[i].methods[m].api_key_required,
                api.resources[i].methods[m].api_key_required);
      const auto& got_in = got.resources[i].methods[m].method_integration;
      const auto& want_in = api.resources[i].methods[m].method_integration;
      ASSERT_EQ(got_in.has_value(), want_in.has_value());
      if (want_in) {
        EXPECT_EQ(got_in->type, want_in->type);
        EXPECT_EQ(got_in->http_method, want_in->http_method);
        EXPECT_EQ(got_in->uri, want_in->uri);
      }
    }
  }
  ASSERT_EQ(got.deployments.size(), api.deployments.size());
  for (std::size_t i = 0; i < api.deployments.size(); ++i) {
    EXPECT_EQ(got.deployments[i].id, api.deployments[i].id);
    EXPECT_EQ(got.deployments[i].description, api.deployments[i].description);
    EXPECT_EQ(got.deployments[i].created_date_s, api.deployments[i].created_date_s);
    EXPECT_EQ(got.deployments[i].resources.size(), api.deployments[i].resources.size());
  }
}

TEST(DocumentWriter, RestApiIsCompactWithTheParsersMemberNames) {
  rest_api api;
  api.id = "r1";
  api.name = "n";
  api.resources = {{"root", "/", {}}, {"e1", "/e", {{"GET", true, std::nullopt}}}};
  EXPECT_EQ(
      rest_api_json(api),
      R"({"id":"r1","name":"n","apiKeySource":"HEADER","resources":[{"id":"root","path":"/"},)"
      R"({"id":"e1","path":"/e","resourceMethods":{"GET":{"httpMethod":"GET",)"
      R"("authorizationType":"NONE","apiKeyRequired":true}}}]})");
}

TEST(DocumentWriterRoundTrip, FullRestApi) {
  expect_rest_api_round_trip(full_rest_api());
}

TEST(DocumentWriterRoundTrip, RestApiWithItsStages) {
  const rest_api api = full_rest_api();
  stage s;
  s.api_id = api.id;
  s.stage_name = "v1";
  s.description = "the stage";
  s.deployment_id = "dep001";
  s.tracing_enabled = true;
  s.created_date_s = 1796404002;
  s.last_updated_date_s = 1796404003;
  s.method_settings["*/*"] = method_setting{5, 10.0};
  s.method_settings["~1endpoint/GET"] = method_setting{std::nullopt, 0.1};
  const std::string json = rest_api_json(api, std::span<const stage>(&s, 1));
  SCOPED_TRACE(json);
  // A stage without gateway.stages is served from its deployment's
  // integrations, and from the default upstream for methods without one.
  const load_result r = load_string(
      R"({"gateway": {"defaultUpstream": {"url": "http://127.0.0.1:1"}}, "restApis": [)" + json +
      "]}");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  ASSERT_EQ(r.doc->stages.size(), 1u);
  const stage& got = r.doc->stages[0];
  EXPECT_EQ(got.api_id, api.id);
  EXPECT_EQ(got.description, s.description);
  EXPECT_EQ(got.deployment_id, s.deployment_id);
  EXPECT_TRUE(got.tracing_enabled);
  EXPECT_EQ(got.created_date_s, s.created_date_s);
  EXPECT_EQ(got.last_updated_date_s, s.last_updated_date_s);
  EXPECT_EQ(got.method_settings.at("*/*").throttling_burst_limit, 5);
  EXPECT_EQ(got.method_settings.at("~1endpoint/GET").throttling_rate_limit, 0.1);
  EXPECT_FALSE(got.method_settings.at("~1endpoint/GET").throttling_burst_limit);
  EXPECT_TRUE(got.upstream_from_integrations);
  EXPECT_EQ(got.upstream.port, 1);
}

TEST(DocumentWriterRoundTrip, AwkwardTextInEveryStringOfARestApi) {
  rest_api api = full_rest_api();
  api.name = awkward;
  api.description = awkward;
  api.tags = {{awkward, awkward}};
  expect_rest_api_round_trip(api);
}

}  // namespace
}  // namespace ug::config
