// The AWS data-plane contract (docs/semantics.md, the row-by-row table), one
// test per row, against the real usagegate binary in front of the real
// mock-llm. Bodies are compared byte for byte and the AWS headers checked on
// every gateway-generated error.
#include "tests/support/gateway_config.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <optional>
#include <string>
#include <vector>

namespace ug::test {
namespace {

using namespace std::chrono_literals;

// Key values (never printed by the gateway; fine in a test).
constexpr const char* key_enabled = "contract-key-enabled-0000000001";   // plan 1
constexpr const char* key_second = "contract-key-second-00000000002";    // plans 1 and 2
constexpr const char* key_disabled = "contract-key-disabled-000000003";  // plan 1, disabled
constexpr const char* key_no_plan = "contract-key-no-plan-0000000004";   // in no plan
constexpr const char* key_unknown = "contract-key-unknown-0000000005";   // not configured

constexpr std::string_view body_mat = R"({"message":"Missing Authentication Token"})";
constexpr std::string_view body_forbidden = R"({"message":"Forbidden"})";
constexpr std::string_view body_throttled = R"({"message":"Too Many Requests"})";
constexpr std::string_view body_quota = R"({"message":"Limit Exceeded"})";

// The knobs the tests turn; everything else is one fixed layout:
//   API ctrapi0001, stage "test", base path /test -> mock-llm:
//     /echo GET + POST (key required), /models GET (no key), /chat/completions POST (key)
//   API ctrapi0002, stage "other", base path /other -> mock-llm: /echo GET (key required)
//   plan ctrplan001 on ctrapi0001/test: keys 1, 2, 3(disabled); ctrplan002 on ctrapi0002/other:
//   key 2.
struct contract_config {
  bool aws_strict = false;
  std::optional<throttle_limits> plan_throttle;
  std::optional<quota_limits> plan_quota;
  std::vector<method_throttle> plan_method_throttles;  // apiStages[0].throttle
  std::vector<method_throttle> method_settings;        // stage "test" methodSettings
  std::optional<throttle_limits> account_throttle;

  [[nodiscard]] std::string to_json(std::uint16_t upstream_port) const {
    const resource_spec root{.id = "ctrres0001", .path = "/"};
    const resource_spec chat = child_resource(root, "ctrres0004", "chat");
    const resource_spec other_root{.id = "ctrres0101", .path = "/"};
    usagegate_config c;
    c.gateway.workers = 2;
    c.gateway.account_throttle = account_throttle;
    c.gateway.aws_strict = aws_strict;
    c.gateway.stages = {{.api_id = "ctrapi0001",
                         .stage_name = "test",
                         .base_path = "/test",
                         .upstream = upstream_at(upstream_port)},
                        {.api_id = "ctrapi0002",
                         .stage_name = "other",
                         .base_path = "/other",
                         .upstream = upstream_at(upstream_port)}};
    c.rest_apis = {
        {.id = "ctrapi0001",
         .name = "contract-api",
         .resources = {root,
                       child_resource(root, "ctrres0002", "echo", {{"GET", true}, {"POST", true}}),
                       child_resource(root, "ctrres0003", "models", {{"GET", false}}), chat,
                       child_resource(chat, "ctrres0005", "completions", {{"POST", true}})},
         .stages = {{.stage_name = "test", .method_settings = method_settings}}},
        {.id = "ctrapi0002",
         .name = "other-api",
         .resources = {other_root,
                       child_resource(other_root, "ctrres0102", "echo", {{"GET", true}})},
         .stages = {{.stage_name = "other"}}}};
    c.usage_plans = {{.id = "ctrplan001",
                      .name = "contract-plan",
                      .api_stages = {{.api_id = "ctrapi0001",
                                      .stage = "test",
                                      .throttle = plan_method_throttles}},
                      .throttle = plan_throttle,
                      .quota = plan_quota,
                      .key_ids = {"ctrkey0001", "ctrkey0002", "ctrkey0003"}},
                     {.id = "ctrplan002",
                      .name = "other-plan",
                      .api_stages = {{.api_id = "ctrapi0002", .stage = "other"}},
                      .key_ids = {"ctrkey0002"}}};
    c.api_keys = {{.id = "ctrkey0001", .value = key_enabled, .name = "enabled"},
                  {.id = "ctrkey0002", .value = key_second, .name = "second"},
                  {.id = "ctrkey0003", .value = key_disabled, .name = "disabled", .enabled = false},
                  {.id = "ctrkey0004", .value = key_no_plan, .name = "no-plan"}};
    return test::to_json(c);
  }
};

bool is_uuid(const std::string& s) {
  static const std::regex uuid(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  return std::regex_match(s, uuid);
}

std::optional<long long> header_int(const http_response& r, std::string_view name) {
  if (!r.has_header(name))
    return std::nullopt;
  const std::string v = r.header(name);
  long long n = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size())
    return std::nullopt;
  return n;
}

// Every test runs twice: by default and with gateway.awsStrict, which must be
// AWS byte for byte on every row. Set by the fixture for the test running (one
// at a time in this process).
bool strict_mode = false;

// The headers AWS's own gateway responses carry; in strict mode nothing else.
bool aws_error_header(std::string_view name) {
  for (const std::string_view aws :
       {"date", "content-type", "content-length", "connection", "x-amzn-requestid",
        "x-amzn-errortype", "x-amz-apigw-id", "x-amzn-trace-id"}) {
    if (common::ascii_iequals(name, aws))
      return true;
  }
  return false;
}

// Every gateway-generated error: exact status and bytes plus AWS's headers.
void expect_aws_error(const std::optional<http_response>& r, int status, std::string_view body,
                      std::string_view error_type) {
  ASSERT_TRUE(r) << "no response";
  if (strict_mode) {
    for (const auto& [name, value] : r->headers) {
      EXPECT_TRUE(aws_error_header(name)) << "not an AWS header in strict mode: " << name;
    }
  }
  EXPECT_EQ(r->status, status);
  EXPECT_EQ(r->body, body);
  EXPECT_EQ(r->header("content-length"), std::to_string(body.size()));
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->header("x-amzn-ErrorType"), error_type);
  EXPECT_TRUE(is_uuid(r->header("x-amzn-RequestId"))) << r->header("x-amzn-RequestId");
  EXPECT_FALSE(r->header("x-amz-apigw-id").empty());
}

void expect_forbidden(const std::optional<http_response>& r) {
  expect_aws_error(r, 403, body_forbidden, "ForbiddenException");
  if (r) {
    EXPECT_EQ(r->body.size(), 23u);
  }
}

// 429s: Retry-After >= 1 unless awsStrict, where it and the RateLimit fields are absent.
void expect_429(const std::optional<http_response>& r, bool quota, bool aws_strict = strict_mode) {
  if (quota) {
    expect_aws_error(r, 429, body_quota, "LimitExceededException");
    if (r) {
      EXPECT_EQ(r->body.size(), 28u);
    }
  } else {
    expect_aws_error(r, 429, body_throttled, "TooManyRequestsException");
  }
  if (!r)
    return;
  if (aws_strict) {
    EXPECT_FALSE(r->has_header("retry-after"));
    EXPECT_FALSE(r->has_header("ratelimit"));
    EXPECT_FALSE(r->has_header("ratelimit-policy"));
  } else {
    const auto retry = header_int(*r, "retry-after");
    ASSERT_TRUE(retry) << "Retry-After missing or not an integer: '" << r->header("retry-after")
                       << "'";
    EXPECT_GE(*retry, 1);
  }
}

void expect_forwarded(const std::optional<http_response>& r) {
  ASSERT_TRUE(r) << "no response";
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_FALSE(r->has_header("x-amzn-ErrorType"));
  if (strict_mode) {
    EXPECT_FALSE(r->has_header("ratelimit"));
    EXPECT_FALSE(r->has_header("ratelimit-policy"));
  }
}

class AwsContract : public ::testing::TestWithParam<bool> {
 protected:
  static void SetUpTestSuite() { mock_.emplace(start_mock_llm({"--chunk-interval-ms", "0"})); }
  static void TearDownTestSuite() { mock_.reset(); }
  void SetUp() override { strict_mode = GetParam(); }
  void TearDown() override { strict_mode = false; }

  /// Starts a usagegate for `c` (strict when the test runs in strict mode);
  /// the returned port is its data plane.
  std::uint16_t start(contract_config c) {
    c.aws_strict = c.aws_strict || strict_mode;
    const auto path = dir_.write("usagegate.json", c.to_json(mock_->port));
    gate_.emplace(start_usagegate(path));
    return gate_->port;
  }

  std::optional<http_response> get(std::string_view target, header_list headers = {}) {
    return http_request(gate_->port, "GET", target, std::move(headers));
  }
  std::optional<http_response> get_with_key(std::string_view target, const char* key) {
    return get(target, {{"x-api-key", key}});
  }

  static inline std::optional<mock_llm_process> mock_;
  temp_dir dir_;
  std::optional<usagegate_process> gate_;
};

// Row: no resource/method matches path+verb -> 403 Missing Authentication Token, before any key
// check.
TEST_P(AwsContract, NoRouteIs403MissingAuthenticationToken) {
  start({});
  for (const auto* target : {"/test/nothing", "/nobase/echo", "/", "/test/echo/extra"}) {
    SCOPED_TRACE(target);
    expect_aws_error(get(target), 403, body_mat, "MissingAuthenticationTokenException");
  }
  SCOPED_TRACE("wrong verb, valid key");
  auto r = http_request(gate_->port, "DELETE", "/test/echo", {{"x-api-key", key_enabled}});
  expect_aws_error(r, 403, body_mat, "MissingAuthenticationTokenException");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.size(), 42u);
}

// Row: apiKeyRequired=false -> backend result with or without a key; plan throttle and quota
// skipped.
TEST_P(AwsContract, KeylessMethodForwardsWithOrWithoutKeyAndSkipsPlanLimits) {
  contract_config c;
  c.plan_throttle = throttle_limits{1, 0.01};
  c.plan_quota = quota_limits{1, 0, "DAY"};
  start(c);
  for (int i = 0; i < 5; ++i) {
    for (const auto* key : {key_enabled, key_unknown, key_disabled}) {
      auto r = get_with_key("/test/models", key);
      expect_forwarded(r);
      if (r) {
        EXPECT_NE(r->body.find("\"object\":\"list\""), std::string::npos);  // mock-llm's body
      }
    }
    expect_forwarded(get("/test/models"));
  }
  // Neither the plan bucket (burst 1) nor the quota (1) was touched above.
  expect_forwarded(get_with_key("/test/echo", key_enabled));
  auto second = get_with_key("/test/echo", key_enabled);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429);
}

// Row: apiKeyRequired=true, no x-api-key -> 403 Forbidden.
TEST_P(AwsContract, MissingKeyIs403Forbidden) {
  start({});
  expect_forbidden(get("/test/echo"));
  expect_forbidden(http_request(gate_->port, "POST", "/test/chat/completions", {}, "{}"));
  expect_forbidden(get("/test/echo", {{"x-api-key", ""}}));
}

// Row: key value unknown -> 403 Forbidden.
TEST_P(AwsContract, UnknownKeyIs403Forbidden) {
  start({});
  expect_forbidden(get_with_key("/test/echo", key_unknown));
  // A prefix or a case variant of a real key is just another unknown key.
  expect_forbidden(get_with_key("/test/echo", "contract-key-enabled-000000000"));
  expect_forbidden(get_with_key("/test/echo", "CONTRACT-KEY-ENABLED-0000000001"));
}

// Row: key disabled -> 403 Forbidden.
TEST_P(AwsContract, DisabledKeyIs403Forbidden) {
  start({});
  expect_forbidden(get_with_key("/test/echo", key_disabled));
}

// Row: key valid but no plan containing it lists this api+stage -> 403 Forbidden.
TEST_P(AwsContract, KeyNotInAPlanForThisStageIs403Forbidden) {
  start({});
  expect_forbidden(get_with_key("/test/echo", key_no_plan));   // in no plan at all
  expect_forbidden(get_with_key("/other/echo", key_enabled));  // its plan lists only /test
  expect_forwarded(get_with_key("/other/echo", key_second));   // plan 2 lists /other
  expect_forwarded(get_with_key("/test/echo", key_enabled));
}

// Row: plan quota for the current period used up -> 429 Limit Exceeded.
TEST_P(AwsContract, QuotaUsedUpIs429LimitExceeded) {
  contract_config c;
  c.plan_quota = quota_limits{3, 0, "DAY"};
  start(c);
  for (int i = 0; i < 3; ++i)
    expect_forwarded(get_with_key("/test/echo", key_enabled));
  for (int i = 0; i < 3; ++i)
    expect_429(get_with_key("/test/echo", key_enabled), true);
  // The quota is per key: the second key of the plan still has its own.
  expect_forwarded(get_with_key("/test/echo", key_second));
}

// Row: plan bucket empty -> 429 Too Many Requests.
TEST_P(AwsContract, PlanBucketEmptyIs429TooManyRequests) {
  contract_config c;
  c.plan_throttle = throttle_limits{3, 0.01};  // refills 1 per 100 s
  start(c);
  for (int i = 0; i < 3; ++i)
    expect_forwarded(get_with_key("/test/echo", key_enabled));
  expect_429(get_with_key("/test/echo", key_enabled), false);
  // The plan bucket is per key and spans all methods of the plan.
  auto post = http_request(gate_->port, "POST", "/test/echo", {{"x-api-key", key_enabled}}, "x");
  expect_429(post, false);
  expect_forwarded(get_with_key("/test/echo", key_second));
}

// Row: plan per-method bucket empty -> 429 Too Many Requests; other methods use the plan bucket.
TEST_P(AwsContract, PlanPerMethodBucketEmptyIs429TooManyRequests) {
  contract_config c;
  c.plan_throttle = throttle_limits{100, 100};
  c.plan_method_throttles = {{"/echo/GET", {2, 0.01}}};
  start(c);
  for (int i = 0; i < 2; ++i)
    expect_forwarded(get_with_key("/test/echo", key_enabled));
  expect_429(get_with_key("/test/echo", key_enabled), false);
  for (int i = 0; i < 3; ++i) {
    expect_forwarded(
        http_request(gate_->port, "POST", "/test/echo", {{"x-api-key", key_enabled}}, "x"));
  }
  // Per key: another key has its own per-method bucket.
  expect_forwarded(get_with_key("/test/echo", key_second));
}

// Row: stage "*/*" bucket empty (any caller) -> 429 Too Many Requests.
TEST_P(AwsContract, StageDefaultBucketEmptyIs429ForAnyCaller) {
  contract_config c;
  c.method_settings = {{"*/*", {2, 0.01}}};
  start(c);
  // Keyless callers are throttled by the stage too.
  expect_forwarded(get("/test/models"));
  expect_forwarded(get_with_key("/test/models", key_unknown));
  expect_429(get("/test/models"), false);
  // Shared by all callers of a method: two keys drain the GET /echo bucket together.
  expect_forwarded(get_with_key("/test/echo", key_enabled));
  expect_forwarded(get_with_key("/test/echo", key_second));
  expect_429(get_with_key("/test/echo", key_enabled), false);
}

// Row: stage "res/METHOD" bucket empty -> 429; it replaces "*/*" for that method only.
TEST_P(AwsContract, StageMethodBucketEmptyIs429ForAnyCaller) {
  contract_config c;
  c.method_settings = {{"*/*", {100, 100}}, {"~1echo/GET", {2, 0.01}}};
  start(c);
  expect_forwarded(get_with_key("/test/echo", key_enabled));
  expect_forwarded(get_with_key("/test/echo", key_second));
  expect_429(get_with_key("/test/echo", key_enabled), false);
  expect_429(get_with_key("/test/echo", key_second), false);
  for (int i = 0; i < 3; ++i) {
    expect_forwarded(
        http_request(gate_->port, "POST", "/test/echo", {{"x-api-key", key_enabled}}, "x"));
    expect_forwarded(get("/test/models"));
  }
}

// Row: account bucket empty -> 429 Too Many Requests, across stages, methods and callers.
TEST_P(AwsContract, AccountBucketEmptyIs429TooManyRequests) {
  contract_config c;
  c.account_throttle = throttle_limits{3, 0.01};
  start(c);
  expect_forwarded(get("/test/models"));
  expect_forwarded(get_with_key("/test/echo", key_enabled));
  expect_forwarded(get_with_key("/other/echo", key_second));
  expect_429(get("/test/models"), false);
  expect_429(get_with_key("/other/echo", key_second), false);
}

// Row: throttle rate 0 / burst 0 -> always 429 Too Many Requests (plan and stage levels).
TEST_P(AwsContract, RateZeroBurstZeroIsAlways429) {
  contract_config c;
  c.plan_throttle = throttle_limits{0, 0};
  c.method_settings = {{"~1models/GET", {0, 0}}};
  start(c);
  for (int i = 0; i < 3; ++i) {
    expect_429(get_with_key("/test/echo", key_enabled), false);
    expect_429(get("/test/models"), false);
  }
  // Key checks still come first.
  expect_forbidden(get("/test/echo"));
}

// x-api-key is matched in any case (HTTP header names are case-insensitive).
TEST_P(AwsContract, ApiKeyHeaderNameInAnyCase) {
  start({});
  for (const auto* name : {"x-api-key", "X-API-Key", "X-Api-Key", "X-API-KEY", "x-aPi-KeY"}) {
    SCOPED_TRACE(name);
    expect_forwarded(get("/test/echo", {{name, key_enabled}}));
  }
  expect_forbidden(get("/test/echo", {{"x-api-key-2", key_enabled}}));
}

// awsStrict: 429s carry exactly AWS's headers: no Retry-After, no RateLimit fields.
TEST_P(AwsContract, AwsStrictOmitsRetryAfterAndRateLimitHeaders) {
  contract_config c;
  c.aws_strict = true;
  c.plan_throttle = throttle_limits{1, 0.01};
  c.plan_quota = quota_limits{1, 0, "WEEK"};
  start(c);
  expect_forwarded(get_with_key("/test/echo", key_enabled));
  auto throttled = get_with_key("/test/echo", key_enabled);
  ASSERT_TRUE(throttled);
  expect_429(throttled, throttled->body == body_quota, true);
  // key 2: a fresh bucket but its quota of 1 is used by its first request.
  expect_forwarded(get_with_key("/test/echo", key_second));
  auto second = get_with_key("/test/echo", key_second);
  ASSERT_TRUE(second);
  expect_429(second, second->body == body_quota, true);
}

// Without awsStrict, throttled and quota 429s both carry Retry-After >= 1 (and
// with it, neither does: expect_429 checks both ways).
TEST_P(AwsContract, RetryAfterOnThrottledAndQuota429sUnlessStrict) {
  contract_config c;
  c.plan_quota = quota_limits{1, 0, "MONTH"};
  c.method_settings = {{"~1models/GET", {1, 0.01}}};
  start(c);
  expect_forwarded(get_with_key("/test/echo", key_enabled));
  expect_429(get_with_key("/test/echo", key_enabled), true);
  expect_forwarded(get("/test/models"));
  auto r = get("/test/models");
  expect_429(r, false);
  ASSERT_TRUE(r);
  if (!strict_mode) {
    // 1 token per 100 s: the wait cannot be shorter than a few tens of seconds.
    EXPECT_GE(header_int(*r, "retry-after").value_or(0), 50);
  }
}

// Gateway errors keep the connection usable (keep-alive) and ids are unique per request.
TEST_P(AwsContract, ErrorsKeepAliveAndCarryFreshRequestIds) {
  start({});
  http_connection conn(gate_->port);
  auto a = conn.request("GET", "/test/echo");
  auto b = conn.request("GET", "/test/echo", {{"x-api-key", key_enabled}});
  auto c = conn.request("GET", "/nothing");
  expect_forbidden(a);
  expect_forwarded(b);
  expect_aws_error(c, 403, body_mat, "MissingAuthenticationTokenException");
  ASSERT_TRUE(a && c);
  EXPECT_NE(a->header("x-amzn-RequestId"), c->header("x-amzn-RequestId"));
  EXPECT_NE(a->header("x-amz-apigw-id"), c->header("x-amz-apigw-id"));
}

INSTANTIATE_TEST_SUITE_P(Modes, AwsContract, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& mode) {
                           return mode.param ? "AwsStrict" : "Default";
                         });

}  // namespace
}  // namespace ug::test
