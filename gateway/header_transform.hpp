#pragma once
// Header rewriting at the proxy boundary, both directions: hop-by-hop fields
// removed (RFC 9110 §7.6.1), forwarding fields added on the way up, AWS ids
// and RateLimit fields added on the way down. Body framing (Content-Length,
// Transfer-Encoding: chunked) is left in place: the parser has removed the
// chunk framing and Beast's serializer re-frames from those fields.
#include <string>
#include <string_view>

#include "config/document.hpp"
#include "gateway/net.hpp"
#include "gateway/rate_limit_headers.hpp"

namespace ug::gateway {

/// Pure. Removes Connection, every field it names, Keep-Alive,
/// Proxy-Connection, TE, Trailer and Upgrade.
void remove_hop_by_hop(http::fields& f);

/// Pure. `upstream_base_path + target.substr(forward_path_offset)` into `out`
/// (reusing its capacity), with a leading '/' guaranteed.
void build_upstream_target(std::string_view upstream_base_path, std::string_view target,
                           std::size_t forward_path_offset, std::string& out);

/// Pure. The Host value for an upstream: host_header if configured, else
/// "host:port" (the port is omitted when it is 80).
std::string upstream_host_value(const config::upstream_settings& u);

struct upstream_request_context {
  std::string_view target;       ///< already built by build_upstream_target
  std::string_view host;         ///< upstream_host_value
  std::string_view client_ip;    ///< appended to X-Forwarded-For
  std::string_view trace_id;     ///< X-Amzn-Trace-Id to forward
  bool forward_api_key = false;  ///< keep x-api-key
};

/// Not thread-safe (mutates `req`). Rewrites a client request header for the
/// upstream: target, hop-by-hop removal, Expect removed (the gateway answers
/// 100-continue itself), Host, X-Forwarded-For, X-Forwarded-Proto, Via,
/// X-Amzn-Trace-Id, x-api-key removed unless forwarded; HTTP/1.1 keep-alive.
/// `scratch` is reused to build appended values.
void prepare_upstream_request(http::request_header<>& req, const upstream_request_context& ctx,
                              std::string& scratch);

struct client_response_context {
  std::string_view date;
  std::string_view request_id;
  std::string_view apigw_id;
  std::string_view trace_id;
  const rate_limit_fields* rate_limit = nullptr;
  bool keep_alive = true;
  unsigned client_version = 11;  ///< 10 for an HTTP/1.0 client (no chunked framing)
};

/// Not thread-safe (mutates `res`). Rewrites an upstream response header for
/// the client: hop-by-hop removal, AWS ids, RateLimit fields, Date if the
/// upstream sent none, and the client connection's keep-alive. An upstream
/// status (500 included) is never changed.
void prepare_client_response(http::response<http::buffer_body>& res,
                             const client_response_context& ctx);

}  // namespace ug::gateway
