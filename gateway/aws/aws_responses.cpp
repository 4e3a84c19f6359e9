#include "gateway/aws/aws_responses.hpp"

#include <array>

#include "gateway/aws/byte_writer.hpp"

namespace ug::gateway {
namespace {

// Integration failures: AWS's INTEGRATION_FAILURE and INTEGRATION_TIMEOUT
// gateway responses both default to 504. The timeout text is AWS's own,
// including the space after the colon (integration errors are not rendered by
// the compact default template); the unreachable-backend text is AWS's generic
// 5XX message in the same form, with the 5XX error type.
constexpr std::array<gateway_response_spec, 10> specs = {{
    {403, "Forbidden", R"({"message":"Missing Authentication Token"})",
     "MissingAuthenticationTokenException"},
    {403, "Forbidden", R"({"message":"Forbidden"})", "ForbiddenException"},
    {429, "Too Many Requests", R"({"message":"Too Many Requests"})", "TooManyRequestsException"},
    {429, "Too Many Requests", R"({"message":"Limit Exceeded"})", "LimitExceededException"},
    {413, "Payload Too Large", R"({"message":"Request Too Long"})", ""},
    {431, "Request Header Fields Too Large", R"({"message":"Request Header Fields Too Large"})",
     ""},
    {400, "Bad Request", R"({"message":"Bad Request"})", ""},
    {504, "Gateway Timeout", R"({"message": "Internal server error"})",
     "InternalServerErrorException"},
    {504, "Gateway Timeout", R"({"message": "Endpoint request timed out"})",
     "InternalServerErrorException"},
    {501, "Not Implemented", R"({"message":"Not Implemented"})", ""},
}};

}  // namespace

const gateway_response_spec& spec_of(gateway_response r) noexcept {
  return specs[static_cast<std::size_t>(r)];
}

std::size_t write_gateway_response(gateway_response r, const gateway_response_context& ctx,
                                   char* out, std::size_t capacity_bytes) noexcept {
  const gateway_response_spec& s = spec_of(r);
  byte_writer w(out, capacity_bytes);
  w.str("HTTP/1.1 ").num(s.status).str(" ").str(s.reason).str("\r\n");
  w.str("Date: ").str(ctx.date).str("\r\n");
  w.str("Content-Type: application/json\r\n");
  w.str("Content-Length: ").num(static_cast<std::int64_t>(s.body.size())).str("\r\n");
  w.str(ctx.keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
  w.str("x-amzn-RequestId: ").str(ctx.request_id).str("\r\n");
  if (!s.error_type.empty()) {
    w.str("x-amzn-ErrorType: ").str(s.error_type).str("\r\n");
  }
  w.str("x-amz-apigw-id: ").str(ctx.apigw_id).str("\r\n");
  if (!ctx.trace_id.empty()) {
    w.str("X-Amzn-Trace-Id: ").str(ctx.trace_id).str("\r\n");
  }
  if (ctx.retry_after_s > 0) {
    w.str("Retry-After: ").num(ctx.retry_after_s).str("\r\n");
  }
  if (ctx.rate_limit != nullptr) {
    w.str("RateLimit-Policy: ").str(ctx.rate_limit->policy_value()).str("\r\n");
    w.str("RateLimit: ").str(ctx.rate_limit->limit_value()).str("\r\n");
  }
  w.str("\r\n").str(s.body);
  return w.overflow() ? 0 : w.size();
}

}  // namespace ug::gateway
