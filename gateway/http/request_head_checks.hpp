#pragma once
// What a request head must satisfy before it is routed, charged or forwarded,
// beyond what Beast's parser already refuses (bare CR, NUL, bad field names,
// "Transfer-Encoding: chunked" together with Content-Length, differing
// Content-Length values). Each rule closes a way for two readers of the same
// bytes (usagegate and the upstream) to disagree on where a message ends or
// whose key it carries (RFC 9112 §3.2, §6.1, §6.3; docs/semantics.md, "Request
// heads").
#include <cstdint>
#include <string_view>

#include "gateway/net/net.hpp"

namespace ug::gateway {

enum class head_problem : std::uint8_t {
  none,
  missing_host,                   ///< HTTP/1.1 without Host -> 400
  duplicate_host,                 ///< more than one Host -> 400
  duplicate_content_length,       ///< two Content-Length fields, or a list ("5, 5") -> 400
  bad_content_length,             ///< not 1*DIGIT -> 400
  transfer_encoding_http10,       ///< Transfer-Encoding in an HTTP/1.0 request -> 400
  transfer_encoding_with_length,  ///< Transfer-Encoding and Content-Length -> 400
  duplicate_transfer_encoding,    ///< more than one Transfer-Encoding field -> 400
  unsupported_transfer_coding,    ///< anything but exactly "chunked" -> 501
  duplicate_api_key,              ///< more than one x-api-key -> 403 Forbidden
  underscore_alias,  ///< "x_api_key", "Content_Length", ...: WSGI/CGI read '_' as '-' -> 400
  connect_method,    ///< CONNECT would open a tunnel through the upstream -> 400
};

/// Pure; a short text for logs and tests.
[[nodiscard]] std::string_view describe(head_problem p) noexcept;

/// What the checks found, with the facts read on the way (one pass over the
/// fields).
struct head_facts {
  head_problem problem = head_problem::none;
  /// Every Connection field read (Beast's keep_alive() reads only the first).
  bool keep_alive = false;
  bool has_api_key = false;
  std::string_view api_key;      ///< a view into the header; valid while it lives
  std::string_view request_id;   ///< x-amzn-RequestId as sent ("" if none)
  std::string_view trace_id;     ///< X-Amzn-Trace-Id as sent ("" if none)
  bool expect_continue = false;  ///< "Expect: 100-continue" in any Expect field, HTTP/1.1 only
};

/// Pure, allocates nothing, never throws. `req` is a parsed request head.
template <class Fields>
head_facts check_request_head(const http::header<true, Fields>& req) noexcept;
// Defined (and instantiated for http::fields and arena_fields) in the .cpp.

}  // namespace ug::gateway
