#pragma once
// Responses the gateway makes itself, byte for byte as AWS API Gateway's
// default gateway responses (docs/semantics.md, the data-plane contract): compact JSON body
// {"message":"..."}, Content-Type: application/json, Content-Length, Date,
// Connection, x-amzn-RequestId, x-amzn-ErrorType, x-amz-apigw-id. Written
// straight into a caller buffer: the refusal path (429 under load) allocates
// nothing and does not go through a Beast message. The head is shared with
// the responses an API customised (gateway/http/gateway_response_writer).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/aws/byte_writer.hpp"
#include "gateway/aws/rate_limit_headers.hpp"

namespace ug::gateway {

enum class gateway_response : std::uint8_t {
  missing_authentication_token,  ///< 403, no resource/method matched (MISSING_AUTHENTICATION_TOKEN)
  forbidden,                     ///< 403, API key check failed (INVALID_API_KEY)
  throttled,                     ///< 429 Too Many Requests (THROTTLED)
  quota_exceeded,                ///< 429 Limit Exceeded (QUOTA_EXCEEDED)
  request_too_large,             ///< 413 Request Too Long (REQUEST_TOO_LARGE)
  header_too_large,              ///< 431, header above gateway.max_header_bytes
  bad_request,                   ///< 400, unparsable request
  integration_failure,           ///< 504, upstream refused/reset/closed before answering
  integration_timeout,           ///< 504, no upstream response header in time
  not_implemented,               ///< 501, a transfer coding the gateway does not apply
};

struct gateway_response_spec {
  unsigned status = 0;
  std::string_view reason;
  std::string_view body;
  std::string_view error_type;  ///< x-amzn-ErrorType; empty: header omitted
  std::string_view message;     ///< $context.error.message of a customised response
};

/// Pure, thread-safe.
const gateway_response_spec& spec_of(gateway_response r) noexcept;

/// Per-request values of a gateway response.
struct gateway_response_context {
  std::string_view date;        ///< IMF-fixdate
  std::string_view request_id;  ///< x-amzn-RequestId
  std::string_view apigw_id;    ///< x-amz-apigw-id
  std::string_view trace_id;    ///< X-Amzn-Trace-Id; empty: omitted (AWS omits it on 4xx)
  bool keep_alive = true;
  std::int64_t retry_after_s = 0;                 ///< > 0: Retry-After header
  const rate_limit_fields* rate_limit = nullptr;  ///< non-null: RateLimit-Policy / RateLimit
};

/// Upper bound of a serialized gateway response (headers are short and bounded).
inline constexpr std::size_t max_gateway_response_bytes = 1536;

/// Thread-safe (pure). Writes status line, headers and body into `out`;
/// returns the byte count, 0 if `capacity_bytes` is too small.
std::size_t write_gateway_response(gateway_response r, const gateway_response_context& ctx,
                                   char* out, std::size_t capacity_bytes) noexcept;

/// The parts of a gateway response's head that a customisation may change.
struct gateway_response_head {
  unsigned status = 0;
  std::string_view reason;
  std::string_view content_type;  ///< "": no Content-Type here (the caller writes its own)
  std::size_t content_length = 0;
};

/// Thread-safe (pure). The status line and the headers every gateway
/// response carries (x-amzn-ErrorType that of `r`), ending after the last
/// header line: the caller adds its own headers, the blank line and the body
/// of `head.content_length` bytes. `Sink` is byte_writer or byte_counter.
template <class Sink>
void write_gateway_response_head(gateway_response r, const gateway_response_head& head,
                                 const gateway_response_context& ctx, Sink& w) noexcept;
// Defined (and instantiated for byte_writer and byte_counter) in the .cpp.

/// Pure. The reason phrase of a registered status code ("Not Found"); "" for
/// an unregistered one (the status line then ends in "456 ", as RFC 9112
/// allows).
std::string_view reason_phrase(unsigned status) noexcept;

}  // namespace ug::gateway
