#include "gateway/http/header_transform.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ug::gateway {
namespace {

std::string value(const http::fields& f, std::string_view name) {
  const auto it = f.find(name);
  return it == f.end() ? std::string("<absent>") : std::string(it->value());
}

std::size_t count(const http::fields& f, std::string_view name) {
  return static_cast<std::size_t>(
      std::distance(f.equal_range(name).first, f.equal_range(name).second));
}

/// Parses a written head back: what the peer will see.
template <bool IsRequest>
http::header<IsRequest> parse_head(const std::string& wire) {
  http::parser<IsRequest, http::empty_body> p;
  p.skip(!IsRequest);  // a response head alone: do not wait for its body
  error_code ec;
  const std::size_t used = p.put(net::buffer(wire), ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << wire;
  EXPECT_TRUE(p.is_header_done()) << wire;
  EXPECT_EQ(used, wire.size()) << "bytes after the head:\n" << wire;
  return p.release().base();
}

TEST(UpstreamTarget, JoinsBasePathAndRest) {
  std::string out;
  build_upstream_target("", "/v1/chat/completions?x=1", 3, out);
  EXPECT_EQ(out, "/chat/completions?x=1");
  build_upstream_target("/api", "/v1/models", 3, out);
  EXPECT_EQ(out, "/api/models");
  build_upstream_target("/api/", "/v1/models", 3, out);
  EXPECT_EQ(out, "/api/models");
  build_upstream_target("", "/v1", 3, out);
  EXPECT_EQ(out, "/");
  build_upstream_target("", "/v1?q=2", 3, out);
  EXPECT_EQ(out, "/?q=2");
  build_upstream_target("/base", "/v1", 3, out);
  EXPECT_EQ(out, "/base");
  build_upstream_target("", "/models", 0, out);
  EXPECT_EQ(out, "/models");
}

TEST(UpstreamHost, DefaultsToHostAndPort) {
  config::upstream_settings u;
  u.host = "127.0.0.1";
  u.port = 8000;
  EXPECT_EQ(upstream_host_value(u), "127.0.0.1:8000");
  u.port = 80;
  EXPECT_EQ(upstream_host_value(u), "127.0.0.1");
  u.host = "::1";
  u.port = 9000;
  EXPECT_EQ(upstream_host_value(u), "[::1]:9000");
  u.host_header = "llm.internal";
  EXPECT_EQ(upstream_host_value(u), "llm.internal");
}

TEST(UpstreamRequest, RemovesHopByHopAndAddsForwardingFields) {
  http::request_header<> req;
  req.method(http::verb::post);
  req.target("/v1/chat/completions");
  req.version(10);
  req.set(http::field::host, "gateway.example");
  req.set(http::field::connection, "keep-alive, X-Secret-Hop");
  req.set("X-Secret-Hop", "1");
  req.set(http::field::keep_alive, "timeout=5");
  req.set(http::field::proxy_connection, "keep-alive");
  req.set(http::field::te, "trailers");
  req.set(http::field::trailer, "X-Checksum");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::expect, "100-continue");
  req.insert("X-Forwarded-For", "10.0.0.1");
  req.insert("X-Forwarded-For", "10.0.0.2");
  req.set("X-Forwarded-Proto", "https");
  req.set("Via", "1.0 edge");
  req.set("X-Amzn-Trace-Id", "Root=1-00000000-000000000000000000000000");
  req.set("x-api-key", "secret-key-value-000000001");
  req.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  req.set("tracestate", "congo=t61rcWkgMzE");
  req.set(http::field::content_length, "12");

  upstream_request_context ctx;
  ctx.target = "/chat/completions";
  ctx.host = "127.0.0.1:8000";
  ctx.client_ip = "192.0.2.7";
  ctx.trace_id = "Root=1-65e709c0-000000000000000000000001";
  std::string wire = "stale bytes";
  write_upstream_request_head(req, ctx, wire);
  EXPECT_EQ(wire.rfind("POST /chat/completions HTTP/1.1\r\n", 0), 0u) << wire;
  const auto up = parse_head<true>(wire);

  EXPECT_EQ(up.target(), "/chat/completions");
  EXPECT_EQ(up.version(), 11u);
  EXPECT_EQ(value(up, "Host"), "127.0.0.1:8000");
  EXPECT_EQ(count(up, "Host"), 1u);
  for (const char* gone : {"Connection", "X-Secret-Hop", "Keep-Alive", "Proxy-Connection", "TE",
                           "Trailer", "Upgrade", "Expect", "x-api-key"}) {
    EXPECT_EQ(value(up, gone), "<absent>") << gone;
  }
  EXPECT_EQ(value(up, "X-Forwarded-For"), "10.0.0.1, 10.0.0.2, 192.0.2.7");
  EXPECT_EQ(count(up, "X-Forwarded-For"), 1u);
  EXPECT_EQ(value(up, "X-Forwarded-Proto"), "http");
  EXPECT_EQ(count(up, "X-Forwarded-Proto"), 1u);
  EXPECT_EQ(value(up, "Via"), "1.0 edge, 1.1 usagegate");
  EXPECT_EQ(value(up, "X-Amzn-Trace-Id"), "Root=1-65e709c0-000000000000000000000001");
  EXPECT_EQ(count(up, "X-Amzn-Trace-Id"), 1u);
  EXPECT_EQ(value(up, "traceparent"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(value(up, "tracestate"), "congo=t61rcWkgMzE");
  EXPECT_EQ(value(up, "Content-Length"), "12");  // the body goes in the client's framing
  // The client's parsed header is read, never modified.
  EXPECT_EQ(req.target(), "/v1/chat/completions");
  EXPECT_EQ(value(req, "x-api-key"), "secret-key-value-000000001");
}

TEST(UpstreamRequest, FirstForwardingEntriesAndKeptApiKey) {
  http::request_header<> req;
  req.method(http::verb::get);
  req.target("/x");
  req.set("x-api-key", "secret-key-value-000000001");
  upstream_request_context ctx;
  ctx.target = "/x";
  ctx.host = "llm";
  ctx.client_ip = "127.0.0.1";
  ctx.forward_api_key = true;
  std::string wire;
  write_upstream_request_head(req, ctx, wire);
  const auto up = parse_head<true>(wire);
  EXPECT_EQ(value(up, "x-api-key"), "secret-key-value-000000001");
  EXPECT_EQ(value(up, "X-Forwarded-For"), "127.0.0.1");
  EXPECT_EQ(value(up, "Via"), "1.1 usagegate");
  EXPECT_EQ(value(up, "Content-Length"), "<absent>");
}

client_response_context response_context() {
  client_response_context ctx;
  ctx.date = "Tue, 05 Mar 2024 12:00:00 GMT";
  ctx.request_id = "rid";
  ctx.apigw_id = "LLCm7FonFiAFXFg=";
  ctx.trace_id = "Root=1-65e709c0-000000000000000000000001";
  return ctx;
}

TEST(UpstreamRequest, ConnectionCannotDropFramingOrHost) {
  // "Connection: Content-Length" would otherwise strip the framing while the
  // body still goes upstream: the upstream would read it as a second request.
  http::request_header<> req;
  req.method(http::verb::post);
  req.target("/x");
  req.set(http::field::connection, "Content-Length, Transfer-Encoding, Host, X-Hop");
  req.set(http::field::content_length, "5");
  req.set("X-Hop", "1");
  upstream_request_context ctx;
  ctx.target = "/x";
  ctx.host = "llm:8000";
  std::string wire;
  write_upstream_request_head(req, ctx, wire);
  const auto up = parse_head<true>(wire);
  EXPECT_EQ(value(up, "Content-Length"), "5");
  EXPECT_EQ(value(up, "Host"), "llm:8000");
  EXPECT_EQ(value(up, "X-Hop"), "<absent>");
  EXPECT_EQ(value(up, "Connection"), "<absent>");
}

TEST(ClientResponse, ConnectionCannotDropFraming) {
  http::response_header<> res;
  res.set(http::field::connection, "transfer-encoding");
  res.set(http::field::transfer_encoding, "chunked");
  std::string wire;
  const auto plan =
      write_client_response_head(res, body_framing::chunked, response_context(), wire);
  EXPECT_EQ(plan.framing, body_framing::chunked);
  EXPECT_EQ(value(parse_head<false>(wire), "Transfer-Encoding"), "chunked");
}

TEST(ClientResponse, AddsAwsIdsAndKeepsStatusAndFraming) {
  http::response_header<> res;
  res.result(500);
  res.version(11);
  res.set(http::field::connection, "close, X-Upstream-Hop");
  res.set("X-Upstream-Hop", "1");
  res.set(http::field::transfer_encoding, "chunked");
  res.set(http::field::date, "Mon, 04 Mar 2024 00:00:00 GMT");
  res.set("x-amzn-RequestId", "upstream-own-id");

  rate_limit_fields f;
  limiter::admission_result a;
  a.has_quota = true;
  a.quota_limit = 10;
  a.quota_remaining = 9;
  a.quota_reset_ns = 1'000'000'000;
  ASSERT_TRUE(format_rate_limit_fields(a, 0, f));

  client_response_context ctx = response_context();
  ctx.rate_limit = &f;
  ctx.keep_alive = true;
  std::string wire;
  const client_response_plan plan =
      write_client_response_head(res, body_framing::chunked, ctx, wire);
  EXPECT_EQ(plan.framing, body_framing::chunked);
  EXPECT_TRUE(plan.keep_alive);
  EXPECT_EQ(wire.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u) << wire;
  const auto down = parse_head<false>(wire);

  EXPECT_EQ(down.result_int(), 500u);
  EXPECT_EQ(value(down, "X-Upstream-Hop"), "<absent>");
  EXPECT_EQ(value(down, "Connection"), "<absent>");  // HTTP/1.1 default: keep-alive
  EXPECT_EQ(value(down, "Transfer-Encoding"), "chunked");
  EXPECT_EQ(value(down, "Date"), "Mon, 04 Mar 2024 00:00:00 GMT");  // the upstream's own
  EXPECT_EQ(count(down, "Date"), 1u);
  EXPECT_EQ(value(down, "x-amzn-RequestId"), "rid");
  EXPECT_EQ(count(down, "x-amzn-RequestId"), 1u);
  EXPECT_EQ(value(down, "x-amz-apigw-id"), "LLCm7FonFiAFXFg=");
  EXPECT_EQ(value(down, "X-Amzn-Trace-Id"), "Root=1-65e709c0-000000000000000000000001");
  EXPECT_EQ(value(down, "RateLimit-Policy"), R"("quota";q=10;w=86400)");
  EXPECT_EQ(value(down, "RateLimit"), R"("quota";r=9;t=1)");
}

TEST(ClientResponse, KeepsTheUpstreamReason) {
  http::response_header<> res;
  res.result(404);
  res.reason("Nope");
  res.set(http::field::content_length, "0");
  std::string wire;
  const auto plan =
      write_client_response_head(res, body_framing::content_length, response_context(), wire);
  EXPECT_EQ(plan.framing, body_framing::content_length);
  EXPECT_EQ(wire.rfind("HTTP/1.1 404 Nope\r\n", 0), 0u) << wire;
  EXPECT_EQ(value(parse_head<false>(wire), "Date"), "Tue, 05 Mar 2024 12:00:00 GMT");
}

TEST(ClientResponse, ClosesForHttp10ClientsOfChunkedBodies) {
  http::response_header<> res;
  res.version(11);
  res.set(http::field::transfer_encoding, "chunked");
  client_response_context ctx = response_context();
  ctx.client_version = 10;
  std::string wire;
  const auto plan = write_client_response_head(res, body_framing::chunked, ctx, wire);
  EXPECT_EQ(plan.framing, body_framing::until_close);
  EXPECT_FALSE(plan.keep_alive);
  const auto down = parse_head<false>(wire);
  EXPECT_EQ(value(down, "Transfer-Encoding"), "<absent>");
  EXPECT_EQ(value(down, "Connection"), "close");
  EXPECT_EQ(value(down, "Date"), "Tue, 05 Mar 2024 12:00:00 GMT");
}

TEST(ClientResponse, TellsHttp10ClientsTheConnectionStaysOpen) {
  http::response_header<> res;
  res.set(http::field::content_length, "2");
  client_response_context ctx = response_context();
  ctx.client_version = 10;
  std::string wire;
  const auto plan = write_client_response_head(res, body_framing::content_length, ctx, wire);
  EXPECT_TRUE(plan.keep_alive);
  EXPECT_EQ(value(parse_head<false>(wire), "Connection"), "keep-alive");
}

TEST(ClientResponse, BodyUntilCloseClosesTheClientConnection) {
  http::response_header<> res;
  std::string wire;
  const auto plan =
      write_client_response_head(res, body_framing::until_close, response_context(), wire);
  EXPECT_EQ(plan.framing, body_framing::until_close);
  EXPECT_FALSE(plan.keep_alive);
  EXPECT_EQ(value(parse_head<false>(wire), "Connection"), "close");
}

TEST(ClientResponse, NoBodyForHeadRequestsAnd204And304) {
  for (const unsigned status : {200u, 204u, 304u}) {
    http::response_header<> res;
    res.result(status);
    res.set(http::field::transfer_encoding, "chunked");
    client_response_context ctx = response_context();
    ctx.head_request = status == 200;
    std::string wire;
    const auto plan = write_client_response_head(res, body_framing::chunked, ctx, wire);
    EXPECT_EQ(plan.framing, body_framing::none) << status;
    EXPECT_TRUE(plan.keep_alive) << status;
  }
}

}  // namespace
}  // namespace ug::gateway
