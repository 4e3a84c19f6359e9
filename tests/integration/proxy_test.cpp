// The streaming reverse proxy end to end: real usagegate and mock-llm
// processes on 127.0.0.1, a blocking test client. Covers header rewriting,
// body streaming both ways, the upstream keep-alive pool, upstream failures
// (504s) and pass-through of upstream errors.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>

#include "limiter/key_table.hpp"
#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "proxy-test-key-0000000000001";

/// Stage "/v1" in front of the mock; stage "/down" in front of a closed port.
std::string config_json(std::uint16_t mock_port, std::uint16_t dead_port) {
  usagegate_config c = single_stage("proxyapi01", api_key, mock_port, "proxy");
  c.gateway.workers = 2;
  c.gateway.stages[0].upstream.response_timeout_ms = 1500;
  upstream_settings down = upstream_at(dead_port);
  down.connect_timeout_ms = 2000;
  c.gateway.stages.push_back(
      {.api_id = "downapi001", .stage_name = "down", .base_path = "/down", .upstream = down});
  c.rest_apis.push_back({.id = "downapi001",
                         .name = "down",
                         .resources = catch_all_resources("dres000001", "dres000002", true),
                         .stages = {{.stage_name = "down"}}});
  usage_plan_spec& plan = c.usage_plans[0];
  plan.api_stages.push_back({.api_id = "downapi001", .stage = "down"});
  plan.throttle = throttle_limits{10000, 10000};
  plan.quota = quota_limits{1000000, 0, "DAY"};
  return to_json(c);
}

/// Value of "name":"..." (or "name":number) in a flat JSON text; "" if absent.
std::string json_field(const std::string& json, std::string_view name) {
  const std::string key = "\"" + std::string(name) + "\":";
  const auto at = json.find(key);
  if (at == std::string::npos)
    return {};
  std::size_t i = at + key.size();
  if (i < json.size() && json[i] == '"') {
    std::string out;
    for (++i; i < json.size() && json[i] != '"'; ++i) {
      if (json[i] == '\\' && i + 1 < json.size())
        ++i;
      out.push_back(json[i]);
    }
    return out;
  }
  const auto end = json.find_first_of(",}", i);
  return json.substr(i, end - i);
}

long stat(std::uint16_t mock_port, std::string_view name) {
  const auto r = http_request(mock_port, "GET", "/mock/stats");
  if (!r || r->status != 200)
    return -1;
  const std::string v = json_field(r->body, name);
  return v.empty() ? -1 : std::stol(v);
}

std::string hex(const common::sha256_digest& d) {
  std::string out;
  char buf[3];
  for (auto b : d) {
    std::snprintf(buf, sizeof buf, "%02x", unsigned{b});
    out += buf;
  }
  return out;
}

class Proxy : public gateway_test {
 protected:
  void SetUp() override {
    start_mock();
    start_gateway(config_json(mock_port(), closed_port()));
  }
  static header_list keyed(header_list more = {}) { return with_api_key(api_key, std::move(more)); }
};

TEST_F(Proxy, RewritesRequestHeadersAndAddsAwsResponseHeaders) {
  http_connection c(port());
  const auto r =
      c.request("POST", "/v1/echo?x=1",
                keyed({{"Connection", "X-Hop-Field"},
                       {"X-Hop-Field", "must-not-pass"},
                       {"Keep-Alive", "timeout=5"},
                       {"X-Forwarded-For", "198.51.100.7"},
                       {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
                       {"tracestate", "congo=t61rcWkgMzE"},
                       {"x-amzn-RequestId", "client-chosen-request-id"}}),
                "hello");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string& echo = r->body;
  EXPECT_EQ(json_field(echo, "target"), "/echo?x=1");
  EXPECT_EQ(json_field(echo, "host"), "127.0.0.1:" + std::to_string(mock_port()));
  EXPECT_EQ(json_field(echo, "x-forwarded-for"), "198.51.100.7, 127.0.0.1");
  EXPECT_EQ(json_field(echo, "x-forwarded-proto"), "http");
  EXPECT_EQ(json_field(echo, "via"), "1.1 usagegate");
  EXPECT_EQ(json_field(echo, "traceparent"),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(json_field(echo, "tracestate"), "congo=t61rcWkgMzE");
  EXPECT_EQ(json_field(echo, "x-api-key"), "");  // never forwarded by default
  EXPECT_EQ(json_field(echo, "x-hop-field"), "");
  EXPECT_EQ(json_field(echo, "keep-alive"), "");
  EXPECT_EQ(json_field(echo, "connection"), "");
  EXPECT_EQ(json_field(echo, "body_bytes"), "5");

  // The generated trace id went upstream and comes back to the client.
  const std::string trace = json_field(echo, "x-amzn-trace-id");
  ASSERT_EQ(trace.size(), 40u) << trace;
  EXPECT_EQ(trace.substr(0, 7), "Root=1-");
  EXPECT_EQ(r->header("X-Amzn-Trace-Id"), trace);
  EXPECT_EQ(r->header("x-amzn-RequestId"), "client-chosen-request-id");  // AWS echoes it
  const std::string apigw = r->header("x-amz-apigw-id");
  EXPECT_EQ(apigw.size(), 16u);
  EXPECT_EQ(apigw.back(), '=');
  EXPECT_TRUE(r->has_header("RateLimit-Policy"));
  EXPECT_TRUE(r->has_header("RateLimit"));

  // A client trace id is forwarded unchanged; a new request id is a UUID.
  const auto r2 = c.request(
      "GET", "/v1/echo", keyed({{"X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"}}));
  ASSERT_TRUE(r2);
  EXPECT_EQ(json_field(r2->body, "x-amzn-trace-id"), "Root=1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(r2->header("X-Amzn-Trace-Id"), "Root=1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(r2->header("x-amzn-RequestId").size(), 36u);
}

TEST_F(Proxy, StreamsRequestBodiesSizedAndChunked) {
  std::string body(3 * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < body.size(); ++i)
    body[i] = static_cast<char>('a' + i * 7 % 26);
  const std::string want = hex(common::sha256(body));

  http_connection c(port(), 20s);
  const auto sized = c.request("POST", "/v1/echo", keyed(), body);
  ASSERT_TRUE(sized);
  ASSERT_EQ(sized->status, 200);
  EXPECT_EQ(json_field(sized->body, "body_bytes"), std::to_string(body.size()));
  EXPECT_EQ(json_field(sized->body, "body_sha256"), want);

  // Chunked from the client: the gateway re-frames it upstream.
  std::string chunked;
  for (std::size_t off = 0; off < body.size(); off += 100'000) {
    const std::size_t n = std::min<std::size_t>(100'000, body.size() - off);
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
    chunked += size_line;
    chunked.append(body, off, n);
    chunked += "\r\n";
  }
  chunked += "0\r\n\r\n";
  const auto streamed =
      c.request("POST", "/v1/echo", keyed({{"Transfer-Encoding", "chunked"}}), chunked);
  ASSERT_TRUE(streamed);
  ASSERT_EQ(streamed->status, 200);
  EXPECT_EQ(json_field(streamed->body, "body_bytes"), std::to_string(body.size()));
  EXPECT_EQ(json_field(streamed->body, "body_sha256"), want);
}

TEST_F(Proxy, ReusesUpstreamConnections) {
  const long before = stat(mock_port(), "connections_accepted");
  ASSERT_GE(before, 1);
  constexpr int requests = 20;
  for (int i = 0; i < requests; ++i) {
    // A fresh client connection each time: requests land on both workers.
    const auto r = http_request(port(), "GET", "/v1/models", keyed());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }
  const long after = stat(mock_port(), "connections_accepted");
  // One pooled connection per worker (2), plus the stats request itself.
  EXPECT_LE(after - before, 3) << "upstream connections were not reused";
  EXPECT_GE(stat(mock_port(), "requests"), requests);
}

TEST_F(Proxy, PassesUpstreamErrorStatusThrough) {
  const auto r = http_request(port(), "POST", "/v1/chat/completions",
                              keyed({{"x-mock-status", "500"}}), R"({"model":"m","messages":[]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("mock_status_500"), std::string::npos) << r->body;
  EXPECT_FALSE(r->has_header("x-amzn-ErrorType"));  // not a gateway response
  EXPECT_TRUE(r->has_header("x-amzn-RequestId"));
}

TEST_F(Proxy, UpstreamTimeoutIs504WithAwsBody) {
  http_connection c(port(), 10s);
  const auto r = c.request("GET", "/v1/models", keyed({{"x-mock-latency-ms", "4000"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_EQ(r->body, R"({"message": "Endpoint request timed out"})");
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(r->header("x-amzn-ErrorType"), "InternalServerErrorException");
  // The client connection survives an upstream timeout.
  const auto next = c.request("GET", "/v1/models", keyed());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(Proxy, UpstreamClosingBeforeAnswerIs504) {
  const auto r =
      http_request(port(), "GET", "/v1/models", keyed({{"x-mock-close-before-response", "1"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_EQ(r->body, R"({"message": "Internal server error"})");
  EXPECT_EQ(r->header("x-amzn-ErrorType"), "InternalServerErrorException");
}

TEST_F(Proxy, UpstreamDownIs504) {
  const auto r = http_request(port(), "GET", "/down/models", keyed());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_EQ(r->body, R"({"message": "Internal server error"})");
  EXPECT_TRUE(r->has_header("x-amzn-RequestId"));
  EXPECT_TRUE(r->has_header("x-amz-apigw-id"));
}

TEST_F(Proxy, RelaysServerSentEventsAsTheyArrive) {
  http_connection c(port(), 10s);
  // 20 chunks 150 ms apart: the whole stream takes 3 s.
  ASSERT_TRUE(c.send_request("POST", "/v1/chat/completions",
                             keyed({{"x-mock-tokens", "20"}, {"x-mock-chunk-interval-ms", "150"}}),
                             R"({"model":"m","stream":true,"messages":[]})"));
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (seen.find("data: {") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    seen += c.read_some(500ms);
  }
  ASSERT_NE(seen.find("data: {"), std::string::npos) << seen;
  EXPECT_NE(seen.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(seen.find("text/event-stream"), std::string::npos);
  // The first event got here while the upstream was still generating.
  EXPECT_EQ(seen.find("[DONE]"), std::string::npos);
  EXPECT_EQ(stat(mock_port(), "streams_completed"), 0);

  const std::string rest = c.read_until("data: [DONE]", 10s);
  EXPECT_NE(rest.find("data: [DONE]"), std::string::npos);
  EXPECT_NE(rest.find("\"usage\""), std::string::npos);
}

TEST_F(Proxy, ClientDisconnectAbortsTheUpstreamStream) {
  ASSERT_EQ(stat(mock_port(), "streams_aborted"), 0);
  {
    http_connection c(port(), 10s);
    ASSERT_TRUE(
        c.send_request("POST", "/v1/chat/completions",
                       keyed({{"x-mock-tokens", "200"}, {"x-mock-chunk-interval-ms", "50"}}),
                       R"({"model":"m","stream":true,"messages":[]})"));
    const std::string first = c.read_until("data: {", 5s);
    ASSERT_NE(first.find("data: {"), std::string::npos);
    c.abort();
  }
  long aborted = 0;
  for (int i = 0; i < 100 && aborted < 1; ++i) {
    std::this_thread::sleep_for(50ms);
    aborted = stat(mock_port(), "streams_aborted");
  }
  EXPECT_EQ(aborted, 1);
  EXPECT_EQ(stat(mock_port(), "streams_completed"), 0);
  // The gateway is unaffected.
  const auto r = http_request(port(), "GET", "/v1/models", keyed());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(Proxy, Http10ClientGetsAStreamRawAndThenTheClose) {
  http_connection c(port(), 10s);
  const std::string body = R"({"model":"m","stream":true,"messages":[]})";
  ASSERT_TRUE(c.send_raw(
      "POST /v1/chat/completions HTTP/1.0\r\nHost: gw\r\nx-api-key: " + std::string(api_key) +
      "\r\nx-mock-tokens: 3\r\nx-mock-chunk-interval-ms: 0\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body));
  // An HTTP/1.0 client cannot read chunked framing: the upstream's chunked
  // stream arrives raw, and the close marks its end.
  EXPECT_TRUE(c.closed_by_peer(10s));
  const std::string all = c.read_some(100ms);
  const std::size_t head_end = all.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << all;
  const std::string head = all.substr(0, head_end);
  const std::string rest = all.substr(head_end + 4);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 ", 0), 0u) << head;
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos) << head;
  EXPECT_NE(head.find("Connection: close"), std::string::npos) << head;
  EXPECT_EQ(rest.rfind("data: {", 0), 0u) << rest;  // no chunk-size line in front
  EXPECT_NE(rest.find("data: [DONE]"), std::string::npos) << rest;
  EXPECT_EQ(rest.find("\r\n0\r\n"), std::string::npos) << rest;
}

TEST_F(Proxy, HeadResponseHasNoBodyAndTheConnectionGoesOn) {
  http_connection c(port(), 10s);
  // mock-llm's echo answers HEAD with a body anyway; the gateway must not
  // pass those bytes on, nor reuse that upstream connection.
  const auto head = c.request("HEAD", "/v1/echo", keyed());
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_NE(head->header("content-length"), "");
  const auto next = c.request("GET", "/v1/models", keyed());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_NE(next->body.find("\"object\""), std::string::npos) << next->body;
}

TEST_F(Proxy, ExpectContinueIsAnsweredThenTheBodyRelayed) {
  http_connection c(port(), 10s);
  const std::string body = "relayed after the interim answer";
  ASSERT_TRUE(c.send_raw(
      "POST /v1/echo HTTP/1.1\r\nHost: gw\r\nx-api-key: " + std::string(api_key) +
      "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n"));
  const std::string interim = c.read_until("\r\n\r\n", 5s);
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.send_raw(body));
  c.request_method_was("POST");
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json_field(r->body, "body_bytes"), std::to_string(body.size()));
  EXPECT_EQ(r->body.find("100-continue"), std::string::npos) << r->body;  // not forwarded
}

TEST_F(Proxy, RequestPipelinedDuringASlowExchangeIsAnsweredAfterIt) {
  constexpr std::string_view watches = "usagegate_client_watches_total";
  const std::optional<double> watches_before = scrape_metric(admin_port(), watches);
  ASSERT_TRUE(watches_before) << "no " << watches << " on /metrics";
  http_connection c(port(), 10s);
  // The first exchange takes 400 ms upstream: long enough for the gateway to
  // start watching the client, whose next request then arrives on the socket.
  const std::string key = api_key;
  ASSERT_TRUE(c.send_raw("GET /v1/models HTTP/1.1\r\nHost: gw\r\nx-api-key: " + key +
                         "\r\nx-mock-latency-ms: 400\r\n\r\n"));
  std::this_thread::sleep_for(250ms);
  ASSERT_TRUE(
      c.send_raw("GET /v1/echo?second=1 HTTP/1.1\r\nHost: gw\r\nx-api-key: " + key + "\r\n\r\n"));
  c.request_method_was("GET");
  const auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_NE(first->body.find("\"object\""), std::string::npos) << first->body;
  const auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_NE(second->body.find("second=1"), std::string::npos) << second->body;
  // The first exchange is recorded before the second response goes out: it
  // must have started watching its client, the case this test is about.
  const std::optional<double> watches_after = scrape_metric(admin_port(), watches);
  ASSERT_TRUE(watches_after);
  EXPECT_GE(*watches_after, *watches_before + 1) << "the slow exchange never watched its client";
}

}  // namespace
}  // namespace ug::test
