#pragma once
// Header rewriting at the proxy boundary, both directions, written straight
// into one contiguous buffer per message head: hop-by-hop fields removed
// (RFC 9110 §7.6.1), forwarding fields added on the way up, AWS ids and
// RateLimit fields added on the way down. The parsed header is never mutated
// (no field allocations) and the head goes out in one write together with the
// first body bytes (see wire_framing.hpp), instead of Beast's serializer's one
// buffer per field piece.
#include <string>
#include <string_view>

#include "config/document/document.hpp"
#include "gateway/aws/rate_limit_headers.hpp"
#include "gateway/http/header_arena.hpp"
#include "gateway/http/wire_framing.hpp"
#include "gateway/net/net.hpp"

namespace ug::gateway {

/// Pure. `upstream_base_path + target.substr(forward_path_offset)` into `out`
/// (reusing its capacity), with a leading '/' guaranteed.
void build_upstream_target(std::string_view upstream_base_path, std::string_view target,
                           std::size_t forward_path_offset, std::string& out);

/// Pure. The Host value for an upstream: host_header if configured, else
/// "host:port" (the port is omitted when it is 80).
std::string upstream_host_value(const config::upstream_settings& u);

struct upstream_request_context {
  /// The request line's method ("" or a HEAD request: the client's), as an
  /// integration's httpMethod sets it.
  std::string_view method;
  std::string_view target;       ///< already built by build_upstream_target
  std::string_view host;         ///< upstream_host_value
  std::string_view client_ip;    ///< appended to X-Forwarded-For
  std::string_view trace_id;     ///< X-Amzn-Trace-Id to forward
  bool forward_api_key = false;  ///< keep x-api-key
};

/// Pure. The framing of a parsed message's body as its sender declared it
/// (Transfer-Encoding chunked, Content-Length, up to the close, or none);
/// `parser` has its header done.
template <class Parser>
body_framing declared_framing(const Parser& parser) noexcept {
  if (parser.chunked()) {
    return body_framing::chunked;
  }
  if (parser.content_length()) {
    return body_framing::content_length;
  }
  return parser.need_eof() ? body_framing::until_close : body_framing::none;
}

/// Pure. Writes the upstream request head into `out` (cleared; its capacity
/// is reused): request line with ctx.target and HTTP/1.1, the client's fields
/// minus hop-by-hop ones (Connection, the fields it names, Keep-Alive,
/// Proxy-Connection, TE, Trailer, Upgrade), Expect (the gateway answers
/// 100-continue itself), Host (replaced), X-Forwarded-Proto and X-Amzn-Trace-Id
/// (replaced) and x-api-key unless forwarded; X-Forwarded-For and Via get our
/// entry appended. Body framing fields are kept: the body is relayed in the
/// framing the client declared.
template <class Fields>
void write_upstream_request_head(const http::header<true, Fields>& req,
                                 const upstream_request_context& ctx, std::string& out);

struct client_response_context {
  std::string_view date;
  std::string_view request_id;
  std::string_view apigw_id;
  std::string_view trace_id;
  const rate_limit_fields* rate_limit = nullptr;
  bool keep_alive = true;        ///< the client connection may stay open
  bool head_request = false;     ///< the response to a HEAD request has no body
  unsigned client_version = 11;  ///< 10 for an HTTP/1.0 client (no chunked framing)
};

/// What the client is sent, decided with the head.
struct client_response_plan {
  body_framing framing = body_framing::none;  ///< of the body towards the client
  bool keep_alive = true;                     ///< the client connection stays open
};

/// Pure. Writes the client response head into `out` (cleared; capacity
/// reused): "HTTP/1.1" status line with the upstream's status and reason (an
/// upstream 500 stays 500), the upstream's fields minus hop-by-hop ones, AWS
/// ids, RateLimit fields, Date if the upstream sent none, and the connection's
/// keep-alive. `upstream` is the framing the upstream used; a chunked body
/// goes to an HTTP/1.0 client raw, delimited by closing.
template <class Fields>
client_response_plan write_client_response_head(const http::header<false, Fields>& res,
                                                body_framing upstream,
                                                const client_response_context& ctx,
                                                std::string& out);
// Defined (and instantiated for http::fields and arena_fields) in the .cpp.

}  // namespace ug::gateway
