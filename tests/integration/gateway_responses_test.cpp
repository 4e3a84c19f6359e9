// Customised gateway responses end to end: a real usagegate in front of the
// real mock-llm (and of a closed port), one REST API customising every
// gateway response type usagegate produces, each one provoked and checked
// (status, the configured headers beside AWS's, the body rendered from the
// template); a second API without gatewayResponses answers byte for byte as
// before, and so does a request that reaches no API.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/gateway_config.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* key_throttled = "gw-responses-key-throttle-0001";  // plan 1
constexpr const char* key_quota = "gw-responses-key-quota-00000002";     // plan 2 (quota 1)
constexpr const char* key_unknown = "gw-responses-key-unknown-000003";   // not configured

// Every customised type renders this template and sends these headers.
constexpr const char* body_template =
    R"({"type":"$context.error.responseType","message":$context.error.messageString,)"
    R"("stage":"$context.stage","resource":"$context.resourcePath",)"
    R"("method":"$context.httpMethod","ip":"$context.identity.sourceIp",)"
    R"("api":"$context.apiId","id":"$context.requestId"})";

gateway_response_spec customised(std::string type, unsigned status,
                                 std::vector<response_header> extra_headers = {}) {
  gateway_response_spec r{.response_type = std::move(type),
                          .status_code = status,
                          .headers = {{"Access-Control-Allow-Origin", "'*'"},
                                      {"X-Origin", "method.request.header.Origin"},
                                      {"X-Tag", "method.request.querystring.tag"},
                                      {"X-Request", "context.requestId"}},
                          .json_template = body_template,
                          .default_response = false};
  r.headers.insert(r.headers.end(), extra_headers.begin(), extra_headers.end());
  return r;
}

// The status each type is customised to (all differ from AWS's defaults).
constexpr unsigned status_missing_token = 404;
constexpr unsigned status_invalid_key = 401;
constexpr unsigned status_throttled = 503;
constexpr unsigned status_quota = 402;
constexpr unsigned status_too_large = 422;
constexpr unsigned status_integration_failure = 502;
constexpr unsigned status_integration_timeout = 599;  // unregistered: empty reason phrase
constexpr unsigned status_default_4xx = 418;
constexpr unsigned status_default_5xx = 507;

std::string config_json(std::uint16_t mock_port, std::uint16_t dead_port) {
  usagegate_config c;
  c.gateway.max_body_bytes = 1024;
  upstream_settings up = upstream_at(mock_port);
  up.response_timeout_ms = 1000;
  upstream_settings down = upstream_at(dead_port);
  down.connect_timeout_ms = 2000;
  c.gateway.stages = {
      {.api_id = "grapi00001", .stage_name = "v1", .base_path = "/v1", .upstream = up},
      {.api_id = "grapi00001", .stage_name = "down", .base_path = "/down", .upstream = down},
      {.api_id = "plainapi01",
       .stage_name = "plain",
       .base_path = "/plain",
       .upstream = upstream_at(mock_port)}};
  const method_spec get{"GET", true};
  c.rest_apis = {
      {.id = "grapi00001",
       .name = "customised",
       .resources = {{.id = "g0", .path = "/"},
                     {.id = "g1", .path = "/echo", .methods = {get, {"POST", true}}},
                     {.id = "g2", .path = "/models", .methods = {get}},
                     {.id = "g3", .path = "/pets/{petId}", .methods = {get}}},
       .stages = {{.stage_name = "v1"}, {.stage_name = "down"}},
       .gateway_responses = {customised("MISSING_AUTHENTICATION_TOKEN", status_missing_token),
                             customised("INVALID_API_KEY", status_invalid_key,
                                        {{"X-Pet", "method.request.path.petId"}}),
                             customised("THROTTLED", status_throttled),
                             customised("QUOTA_EXCEEDED", status_quota),
                             customised("REQUEST_TOO_LARGE", status_too_large),
                             customised("INTEGRATION_FAILURE", status_integration_failure),
                             customised("INTEGRATION_TIMEOUT", status_integration_timeout),
                             customised("DEFAULT_4XX", status_default_4xx),
                             customised("DEFAULT_5XX", status_default_5xx),
                             // Types usagegate never produces are accepted all the same.
                             customised("ACCESS_DENIED", 403),
                             customised("API_CONFIGURATION_ERROR", 500),
                             {.response_type = "UNAUTHORIZED",
                              .status_code = 401,
                              .json_template = R"({"message":$context.error.messageString})",
                              .default_response = true}}},
      {.id = "plainapi01",
       .name = "not customised",
       .resources = {{.id = "p0", .path = "/"}, {.id = "p1", .path = "/echo", .methods = {get}}},
       .stages = {{.stage_name = "plain"}}}};
  c.usage_plans = {{.id = "grplan0001",
                    .name = "throttled",
                    .api_stages = {{.api_id = "grapi00001",
                                    .stage = "v1",
                                    .throttle = {{.key = "/models/GET", .limits = {1, 0.01}}}},
                                   {.api_id = "grapi00001", .stage = "down"},
                                   {.api_id = "plainapi01", .stage = "plain"}},
                    .throttle = throttle_limits{1000, 1000},
                    .key_ids = {"grkey00001"}},
                   {.id = "grplan0002",
                    .name = "quota",
                    .api_stages = {{.api_id = "grapi00001", .stage = "v1"}},
                    .quota = quota_limits{1, 0, "DAY"},
                    .key_ids = {"grkey00002"}}};
  c.api_keys = {{.id = "grkey00001", .value = key_throttled, .name = "throttled"},
                {.id = "grkey00002", .value = key_quota, .name = "quota"}};
  return to_json(c);
}

/// What the template renders for one response.
struct expected {
  expected(unsigned status_, std::string type_, std::string message_, std::string error_type_,
           std::string stage_ = "v1", std::string resource_ = "", std::string method_ = "GET",
           std::string origin_ = "", std::string tag_ = "")
      : status(status_),
        type(std::move(type_)),
        message(std::move(message_)),
        error_type(std::move(error_type_)),
        stage(std::move(stage_)),
        resource(std::move(resource_)),
        method(std::move(method_)),
        origin(std::move(origin_)),
        tag(std::move(tag_)) {}

  unsigned status;
  std::string type;
  std::string message;
  std::string error_type;  ///< x-amzn-ErrorType ("" : absent)
  std::string stage;
  std::string resource;
  std::string method;
  std::string origin;  ///< the request's Origin ("" : none sent, X-Origin absent)
  std::string tag;     ///< the request's ?tag= ("" : none sent, X-Tag absent)
};

void expect_customised(const std::optional<http_response>& r, const expected& e) {
  ASSERT_TRUE(r) << "no response";
  EXPECT_EQ(r->status, static_cast<int>(e.status)) << r->body;
  const std::string id = r->header("x-amzn-RequestId");
  EXPECT_EQ(id.size(), 36u) << id;
  EXPECT_EQ(r->body, R"({"type":")" + e.type + R"(","message":")" + e.message + R"(","stage":")" +
                         e.stage + R"(","resource":")" + e.resource + R"(","method":")" + e.method +
                         R"(","ip":"127.0.0.1","api":"grapi00001",)" + R"("id":")" + id + R"("})");
  EXPECT_EQ(r->header("content-length"), std::to_string(r->body.size()));
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->header("x-amzn-ErrorType"), e.error_type);
  EXPECT_EQ(r->has_header("x-amzn-ErrorType"), !e.error_type.empty());
  EXPECT_FALSE(r->header("x-amz-apigw-id").empty());
  EXPECT_EQ(r->header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(r->header("X-Request"), id);
  EXPECT_EQ(r->has_header("X-Origin"), !e.origin.empty());
  EXPECT_EQ(r->header("X-Origin"), e.origin);
  EXPECT_EQ(r->has_header("X-Tag"), !e.tag.empty());
  EXPECT_EQ(r->header("X-Tag"), e.tag);
}

class GatewayResponses : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mock_.emplace(start_mock_llm({"--chunk-interval-ms", "0"}));
    dir_.emplace();
    const auto path = dir_->write("usagegate.json", config_json(mock_->port, closed_port()));
    gate_.emplace(start_usagegate(path));
  }
  static void TearDownTestSuite() {
    if (gate_) {
      EXPECT_EQ(stop_usagegate(*gate_), 0) << gate_->proc.output();
    }
    gate_.reset();
    mock_.reset();
    dir_.reset();
  }

  static std::uint16_t port() { return gate_->port; }

  static inline std::optional<mock_llm_process> mock_;
  static inline std::optional<temp_dir> dir_;
  static inline std::optional<usagegate_process> gate_;
};

TEST_F(GatewayResponses, MissingAuthenticationToken) {
  const auto r =
      http_request(port(), "GET", "/v1/nothing?tag=a%20b", {{"Origin", "https://app.example"}});
  expect_customised(
      r, {status_missing_token, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token",
          "MissingAuthenticationTokenException", "v1", "", "GET", "https://app.example", "a b"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "keep-alive");
}

TEST_F(GatewayResponses, InvalidApiKeyCopiesThePathParameter) {
  for (const header_list& headers :
       {header_list{{"x-api-key", key_unknown}}, header_list{}, header_list{{"x-api-key", ""}}}) {
    const auto r = http_request(port(), "GET", "/v1/pets/42", headers);
    expect_customised(r, {status_invalid_key, "INVALID_API_KEY", "Forbidden", "ForbiddenException",
                          "v1", "/pets/{petId}"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("X-Pet"), "42");
  }
  // Two x-api-key fields: refused before routing, on the API of the target.
  http_connection c(port());
  ASSERT_TRUE(
      c.send_raw("GET /v1/echo HTTP/1.1\r\nHost: x\r\nx-api-key: " + std::string(key_throttled) +
                 "\r\nx-api-key: " + key_throttled + "\r\n\r\n"));
  const auto r = c.read_response();
  expect_customised(r, {status_invalid_key, "INVALID_API_KEY", "Forbidden", "ForbiddenException"});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_header("X-Pet"));  // /echo has no {petId}
  EXPECT_EQ(r->header("Connection"), "close");
}

TEST_F(GatewayResponses, ThrottledKeepsRetryAfterAndRateLimit) {
  const header_list keyed = {{"x-api-key", key_throttled}};
  const auto first = http_request(port(), "GET", "/v1/models", keyed);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200) << first->body;
  const auto r = http_request(port(), "GET", "/v1/models?tag=t1", keyed);
  expect_customised(r, {status_throttled, "THROTTLED", "Too Many Requests",
                        "TooManyRequestsException", "v1", "/models", "GET", "", "t1"});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->header("Retry-After").empty());
  EXPECT_TRUE(r->has_header("RateLimit"));
  EXPECT_TRUE(r->has_header("RateLimit-Policy"));
}

TEST_F(GatewayResponses, QuotaExceeded) {
  const header_list keyed = {{"x-api-key", key_quota}};
  const auto first = http_request(port(), "GET", "/v1/echo", keyed);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200) << first->body;
  const auto r = http_request(port(), "GET", "/v1/echo", keyed);
  expect_customised(r, {status_quota, "QUOTA_EXCEEDED", "Limit Exceeded", "LimitExceededException",
                        "v1", "/echo"});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->header("Retry-After").empty());
}

TEST_F(GatewayResponses, RequestTooLargeDeclaredAndStreamed) {
  // Declared: refused as the header arrives, before any route is chosen.
  http_connection declared(port());
  ASSERT_TRUE(declared.send_raw("POST /v1/echo HTTP/1.1\r\nHost: x\r\nx-api-key: " +
                                std::string(key_throttled) + "\r\nContent-Length: 4096\r\n\r\n"));
  expect_customised(declared.read_response(), {status_too_large, "REQUEST_TOO_LARGE",
                                               "Request Too Long", "", "v1", "", "POST"});
  // Streamed: found while the body is relayed, after routing.
  std::string body;
  for (int i = 0; i < 8; ++i) {
    body += "200\r\n" + std::string(512, 'b') + "\r\n";
  }
  body += "0\r\n\r\n";
  http_connection streamed(port());
  const auto r = streamed.request(
      "POST", "/v1/echo", {{"x-api-key", key_throttled}, {"Transfer-Encoding", "chunked"}}, body);
  expect_customised(
      r, {status_too_large, "REQUEST_TOO_LARGE", "Request Too Long", "", "v1", "/echo", "POST"});
}

TEST_F(GatewayResponses, IntegrationFailureWhenTheUpstreamIsDown) {
  const auto r = http_request(port(), "GET", "/down/echo", {{"x-api-key", key_throttled}});
  expect_customised(r, {status_integration_failure, "INTEGRATION_FAILURE", "Internal server error",
                        "InternalServerErrorException", "down", "/echo"});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->header("X-Amzn-Trace-Id").empty());
}

TEST_F(GatewayResponses, IntegrationTimeoutWhenTheUpstreamIsSlow) {
  http_connection c(port(), 10s);
  const auto r =
      c.request("GET", "/v1/echo", {{"x-api-key", key_throttled}, {"x-mock-latency-ms", "3000"}});
  expect_customised(
      r, {status_integration_timeout, "INTEGRATION_TIMEOUT", "Endpoint request timed out",
          "InternalServerErrorException", "v1", "/echo"});
}

TEST_F(GatewayResponses, Default4xxAndDefault5xxForErrorsWithoutAType) {
  // A ".." that leaves the stage's base path: 400, no AWS type of its own.
  expect_customised(http_request(port(), "GET", "/v1/x/../../v1/echo"),
                    {status_default_4xx, "DEFAULT_4XX", "Bad Request", "", "v1", ""});
  // Two Host fields, and a transfer coding usagegate does not apply.
  http_connection hosts(port());
  ASSERT_TRUE(hosts.send_raw("GET /v1/echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
  expect_customised(hosts.read_response(),
                    {status_default_4xx, "DEFAULT_4XX", "Bad Request", "", "v1", ""});
  http_connection coding(port());
  ASSERT_TRUE(
      coding.send_raw("POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"));
  expect_customised(coding.read_response(),
                    {status_default_5xx, "DEFAULT_5XX", "Not Implemented", "", "v1", "", "POST"});
}

// Built-in responses, byte for byte: an API without gatewayResponses, and
// requests that reach no API (no stage, or a head that cannot be read).
TEST_F(GatewayResponses, UncustomisedResponsesAreUnchanged) {
  const auto forbidden = http_request(port(), "GET", "/plain/echo");
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_EQ(forbidden->body, R"({"message":"Forbidden"})");
  EXPECT_EQ(forbidden->header("x-amzn-ErrorType"), "ForbiddenException");
  EXPECT_FALSE(forbidden->has_header("Access-Control-Allow-Origin"));
  EXPECT_EQ(forbidden->headers.size(), 7u);  // Date ... x-amz-apigw-id, nothing more

  const auto no_stage = http_request(port(), "GET", "/nowhere");
  ASSERT_TRUE(no_stage);
  EXPECT_EQ(no_stage->status, 403);
  EXPECT_EQ(no_stage->body, R"({"message":"Missing Authentication Token"})");
  EXPECT_FALSE(no_stage->has_header("Access-Control-Allow-Origin"));

  http_connection garbage(port());
  ASSERT_TRUE(garbage.send_raw("GET /v1/echo HTTP/1.1\r\nHost x\r\n\r\n"));
  const auto bad = garbage.read_response();
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->body, R"({"message":"Bad Request"})");
  EXPECT_FALSE(bad->has_header("Access-Control-Allow-Origin"));
}

}  // namespace
}  // namespace ug::test
