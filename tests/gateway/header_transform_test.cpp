#include "gateway/header_transform.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ug::gateway {
namespace {

std::string value(const http::fields& f, std::string_view name) {
  const auto it = f.find(name);
  return it == f.end() ? std::string("<absent>") : std::string(it->value());
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
  req.set("X-Forwarded-For", "10.0.0.1");
  req.set("Via", "1.0 edge");
  req.set("x-api-key", "secret-key-value-000000001");
  req.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  req.set("tracestate", "congo=t61rcWkgMzE");
  req.set(http::field::content_length, "12");

  upstream_request_context ctx;
  ctx.target = "/chat/completions";
  ctx.host = "127.0.0.1:8000";
  ctx.client_ip = "192.0.2.7";
  ctx.trace_id = "Root=1-65e709c0-000000000000000000000001";
  std::string scratch;
  prepare_upstream_request(req, ctx, scratch);

  EXPECT_EQ(req.target(), "/chat/completions");
  EXPECT_EQ(req.version(), 11u);
  EXPECT_EQ(value(req, "Host"), "127.0.0.1:8000");
  for (const char* gone : {"Connection", "X-Secret-Hop", "Keep-Alive", "Proxy-Connection", "TE",
                           "Trailer", "Upgrade", "Expect", "x-api-key"}) {
    EXPECT_EQ(value(req, gone), "<absent>") << gone;
  }
  EXPECT_EQ(value(req, "X-Forwarded-For"), "10.0.0.1, 192.0.2.7");
  EXPECT_EQ(value(req, "X-Forwarded-Proto"), "http");
  EXPECT_EQ(value(req, "Via"), "1.0 edge, 1.1 usagegate");
  EXPECT_EQ(value(req, "X-Amzn-Trace-Id"), "Root=1-65e709c0-000000000000000000000001");
  EXPECT_EQ(value(req, "traceparent"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(value(req, "tracestate"), "congo=t61rcWkgMzE");
  EXPECT_EQ(value(req, "Content-Length"), "12");  // framing stays for the serializer
}

TEST(UpstreamRequest, KeepsApiKeyWhenConfigured) {
  http::request_header<> req;
  req.set("x-api-key", "secret-key-value-000000001");
  upstream_request_context ctx;
  ctx.forward_api_key = true;
  std::string scratch;
  prepare_upstream_request(req, ctx, scratch);
  EXPECT_EQ(value(req, "x-api-key"), "secret-key-value-000000001");
}

TEST(ClientResponse, AddsAwsIdsAndKeepsStatusAndFraming) {
  http::response<http::buffer_body> res;
  res.result(500);
  res.version(11);
  res.set(http::field::connection, "close, X-Upstream-Hop");
  res.set("X-Upstream-Hop", "1");
  res.set(http::field::transfer_encoding, "chunked");
  res.set(http::field::date, "Mon, 04 Mar 2024 00:00:00 GMT");

  rate_limit_fields f;
  limiter::admission_result a;
  a.has_quota = true;
  a.quota_limit = 10;
  a.quota_remaining = 9;
  a.quota_reset_ns = 1'000'000'000;
  ASSERT_TRUE(format_rate_limit_fields(a, 0, f));

  client_response_context ctx;
  ctx.date = "Tue, 05 Mar 2024 12:00:00 GMT";
  ctx.request_id = "rid";
  ctx.apigw_id = "LLCm7FonFiAFXFg=";
  ctx.trace_id = "Root=1-65e709c0-000000000000000000000001";
  ctx.rate_limit = &f;
  ctx.keep_alive = true;
  prepare_client_response(res, ctx);

  EXPECT_EQ(res.result_int(), 500u);
  EXPECT_EQ(value(res, "X-Upstream-Hop"), "<absent>");
  EXPECT_EQ(value(res, "Connection"), "<absent>");  // HTTP/1.1 default: keep-alive
  EXPECT_TRUE(res.chunked());
  EXPECT_EQ(value(res, "Date"), "Mon, 04 Mar 2024 00:00:00 GMT");  // the upstream's own
  EXPECT_EQ(value(res, "x-amzn-RequestId"), "rid");
  EXPECT_EQ(value(res, "x-amz-apigw-id"), "LLCm7FonFiAFXFg=");
  EXPECT_EQ(value(res, "X-Amzn-Trace-Id"), "Root=1-65e709c0-000000000000000000000001");
  EXPECT_EQ(value(res, "RateLimit-Policy"), R"("quota";q=10;w=86400)");
  EXPECT_EQ(value(res, "RateLimit"), R"("quota";r=9;t=1)");
}

TEST(ClientResponse, ClosesForHttp10ClientsOfChunkedBodies) {
  http::response<http::buffer_body> res;
  res.version(11);
  res.set(http::field::transfer_encoding, "chunked");
  client_response_context ctx;
  ctx.date = "Tue, 05 Mar 2024 12:00:00 GMT";
  ctx.client_version = 10;
  prepare_client_response(res, ctx);
  EXPECT_FALSE(res.chunked());
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(value(res, "Date"), "Tue, 05 Mar 2024 12:00:00 GMT");
}

}  // namespace
}  // namespace ug::gateway
