#include "gateway/aws/aws_responses.hpp"

#include <array>

namespace ug::gateway {
namespace {

// Integration failures: AWS's INTEGRATION_FAILURE and INTEGRATION_TIMEOUT
// gateway responses both default to 504. The timeout text is AWS's own,
// including the space after the colon (integration errors are not rendered by
// the compact default template); the unreachable-backend text is AWS's generic
// 5XX message in the same form, with the 5XX error type.
constexpr std::array<gateway_response_spec, 10> specs = {{
    {403, "Forbidden", R"({"message":"Missing Authentication Token"})",
     "MissingAuthenticationTokenException", "Missing Authentication Token"},
    {403, "Forbidden", R"({"message":"Forbidden"})", "ForbiddenException", "Forbidden"},
    {429, "Too Many Requests", R"({"message":"Too Many Requests"})", "TooManyRequestsException",
     "Too Many Requests"},
    {429, "Too Many Requests", R"({"message":"Limit Exceeded"})", "LimitExceededException",
     "Limit Exceeded"},
    {413, "Payload Too Large", R"({"message":"Request Too Long"})", "", "Request Too Long"},
    {431, "Request Header Fields Too Large", R"({"message":"Request Header Fields Too Large"})", "",
     "Request Header Fields Too Large"},
    {400, "Bad Request", R"({"message":"Bad Request"})", "", "Bad Request"},
    {504, "Gateway Timeout", R"({"message": "Internal server error"})",
     "InternalServerErrorException", "Internal server error"},
    {504, "Gateway Timeout", R"({"message": "Endpoint request timed out"})",
     "InternalServerErrorException", "Endpoint request timed out"},
    {501, "Not Implemented", R"({"message":"Not Implemented"})", "", "Not Implemented"},
}};

struct reason {
  unsigned status;
  std::string_view phrase;
};

// The registered status codes a gateway response can have (RFC 9110 and the
// IANA registry), 413 with the name AWS's own 413 carries.
constexpr reason reasons[] = {
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {206, "Partial Content"},
    {207, "Multi-Status"},
    {208, "Already Reported"},
    {226, "IM Used"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {305, "Use Proxy"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Payload Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {421, "Misdirected Request"},
    {422, "Unprocessable Content"},
    {423, "Locked"},
    {424, "Failed Dependency"},
    {425, "Too Early"},
    {426, "Upgrade Required"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {451, "Unavailable For Legal Reasons"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
    {506, "Variant Also Negotiates"},
    {507, "Insufficient Storage"},
    {508, "Loop Detected"},
    {510, "Not Extended"},
    {511, "Network Authentication Required"},
};

}  // namespace

const gateway_response_spec& spec_of(gateway_response r) noexcept {
  return specs[static_cast<std::size_t>(r)];
}

template <class Sink>
void write_gateway_response_head(gateway_response r, const gateway_response_head& head,
                                 const gateway_response_context& ctx, Sink& w) noexcept {
  const gateway_response_spec& s = spec_of(r);
  w.str("HTTP/1.1 ").num(head.status).str(" ").str(head.reason).str("\r\n");
  w.str("Date: ").str(ctx.date).str("\r\n");
  if (!head.content_type.empty()) {
    w.str("Content-Type: ").str(head.content_type).str("\r\n");
  }
  w.str("Content-Length: ").num(static_cast<std::int64_t>(head.content_length)).str("\r\n");
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
}

template void write_gateway_response_head(gateway_response, const gateway_response_head&,
                                          const gateway_response_context&, byte_writer&) noexcept;
template void write_gateway_response_head(gateway_response, const gateway_response_head&,
                                          const gateway_response_context&, byte_counter&) noexcept;

std::size_t write_gateway_response(gateway_response r, const gateway_response_context& ctx,
                                   char* out, std::size_t capacity_bytes) noexcept {
  const gateway_response_spec& s = spec_of(r);
  byte_writer w(out, capacity_bytes);
  write_gateway_response_head(r, {s.status, s.reason, "application/json", s.body.size()}, ctx, w);
  w.str("\r\n").str(s.body);
  return w.overflow() ? 0 : w.size();
}

std::string_view reason_phrase(unsigned status) noexcept {
  for (const reason& r : reasons) {
    if (r.status == status) {
      return r.phrase;
    }
  }
  return {};
}

}  // namespace ug::gateway
