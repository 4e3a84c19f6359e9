#include "gateway/aws/aws_responses.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "gateway/aws/http_date.hpp"
#include "tests/support/gateway_response_sample.hpp"

namespace ug::gateway {
namespace {

using test::base_context;
using test::builtin_response;

TEST(AwsResponses, ForbiddenIsByteExact) {
  EXPECT_EQ(builtin_response(gateway_response::forbidden, base_context()),
            "HTTP/1.1 403 Forbidden\r\n"
            "Date: Tue, 05 Mar 2024 12:00:00 GMT\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 23\r\n"
            "Connection: keep-alive\r\n"
            "x-amzn-RequestId: 11111111-2222-4333-8444-555555555555\r\n"
            "x-amzn-ErrorType: ForbiddenException\r\n"
            "x-amz-apigw-id: LLCm7FonFiAFXFg=\r\n"
            "\r\n"
            R"({"message":"Forbidden"})");
}

TEST(AwsResponses, BodiesAndErrorTypesMatchAws) {
  struct row {
    gateway_response r;
    unsigned status;
    const char* body;
    const char* type;
  };
  const row rows[] = {
      {gateway_response::missing_authentication_token, 403,
       R"({"message":"Missing Authentication Token"})", "MissingAuthenticationTokenException"},
      {gateway_response::forbidden, 403, R"({"message":"Forbidden"})", "ForbiddenException"},
      {gateway_response::throttled, 429, R"({"message":"Too Many Requests"})",
       "TooManyRequestsException"},
      {gateway_response::quota_exceeded, 429, R"({"message":"Limit Exceeded"})",
       "LimitExceededException"},
      {gateway_response::integration_timeout, 504, R"({"message": "Endpoint request timed out"})",
       "InternalServerErrorException"},
      {gateway_response::integration_failure, 504, R"({"message": "Internal server error"})",
       "InternalServerErrorException"},
      {gateway_response::request_too_large, 413, R"({"message":"Request Too Long"})", ""},
      {gateway_response::header_too_large, 431, R"({"message":"Request Header Fields Too Large"})",
       ""},
  };
  for (const row& r : rows) {
    const gateway_response_spec& s = spec_of(r.r);
    EXPECT_EQ(s.status, r.status);
    EXPECT_EQ(s.body, r.body);
    EXPECT_EQ(s.error_type, r.type);
  }
  // Lengths seen on the wire from AWS [CAP-403][CAP-MAT][CAP-429Q].
  EXPECT_EQ(spec_of(gateway_response::forbidden).body.size(), 23u);
  EXPECT_EQ(spec_of(gateway_response::missing_authentication_token).body.size(), 42u);
  EXPECT_EQ(spec_of(gateway_response::quota_exceeded).body.size(), 28u);
}

TEST(AwsResponses, ExtrasBeyondAws) {
  gateway_response_context ctx = base_context();
  ctx.keep_alive = false;
  ctx.retry_after_s = 3;
  rate_limit_fields f;
  limiter::admission_result a;
  a.has_throttle = true;
  a.throttle_burst = 5;
  a.throttle_remaining = 0;
  a.throttle_reset_ns = 500'000'000;
  ASSERT_TRUE(format_rate_limit_fields(a, 0, f));
  ctx.rate_limit = &f;
  ctx.trace_id = "Root=1-65e709c0-000000000000000000000001";
  const std::string out = builtin_response(gateway_response::throttled, ctx);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(out.find("Retry-After: 3\r\n"), std::string::npos);
  EXPECT_NE(out.find("RateLimit-Policy: \"throttle\";q=5\r\n"), std::string::npos);
  EXPECT_NE(out.find("RateLimit: \"throttle\";r=0;t=1\r\n"), std::string::npos);
  EXPECT_NE(out.find("X-Amzn-Trace-Id: Root=1-65e709c0-000000000000000000000001\r\n"),
            std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 31), R"({"message":"Too Many Requests"})");
}

TEST(AwsResponses, TooSmallBufferWritesNothing) {
  std::array<char, 64> small{};
  EXPECT_EQ(write_gateway_response(gateway_response::forbidden, base_context(), small.data(),
                                   small.size()),
            0u);
}

TEST(HttpDate, FormatsImfFixdate) {
  const http_date_text t = format_http_date(784'111'777);  // RFC 9110's example
  EXPECT_EQ(std::string(t.data(), t.size()), "Sun, 06 Nov 1994 08:49:37 GMT");
  const http_date_text leap = format_http_date(1'709'164'800);  // 2024-02-29T00:00:00Z
  EXPECT_EQ(std::string(leap.data(), leap.size()), "Thu, 29 Feb 2024 00:00:00 GMT");
  const http_date_text epoch = format_http_date(0);
  EXPECT_EQ(std::string(epoch.data(), epoch.size()), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(HttpDate, CacheFollowsTheSecond) {
  EXPECT_EQ(cached_http_date(784'111'777'000'000'000), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(cached_http_date(784'111'777'900'000'000), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(cached_http_date(784'111'778'000'000'000), "Sun, 06 Nov 1994 08:49:38 GMT");
}

}  // namespace
}  // namespace ug::gateway
