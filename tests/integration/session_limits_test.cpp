// Client-side limits of a connection, end to end against the real usagegate:
// header size (431), declared and streamed body size (413), the header-read
// timeout that cuts slow clients (and only them), the keep-alive idle timeout
// and the connection cap.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "limits-test-key-000000000001";

struct limits {
  int header_timeout_ms = 600;
  int keep_alive_timeout_ms = 800;
  int max_connections = 10000;
};

std::string config_json(std::uint16_t mock_port, const limits& l) {
  usagegate_config c = single_stage("limitapi01", api_key, mock_port);
  c.gateway.workers = 2;
  c.gateway.max_header_bytes = 4096;
  c.gateway.max_body_bytes = 65536;
  c.gateway.header_timeout_ms = l.header_timeout_ms;
  c.gateway.keep_alive_timeout_ms = l.keep_alive_timeout_ms;
  c.gateway.max_connections = l.max_connections;
  c.usage_plans[0].throttle = throttle_limits{10000, 10000};
  return to_json(c);
}

class SessionLimits : public gateway_test {
 protected:
  void start(const limits& l = {}) {
    start_mock();
    start_gateway(config_json(mock_port(), l));
  }
  static header_list keyed(header_list more = {}) { return with_api_key(api_key, std::move(more)); }
};

TEST_F(SessionLimits, OversizedHeaderIs431AndCloses) {
  start();
  http_connection c(port());
  const auto r = c.request("GET", "/v1/models", keyed({{"X-Padding", std::string(8000, 'p')}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->body, R"({"message":"Request Header Fields Too Large"})");
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(r->has_header("x-amzn-RequestId"));
  EXPECT_TRUE(c.closed_by_peer(3s));
}

TEST_F(SessionLimits, DeclaredBodyAboveLimitIs413BeforeTheBodyIsRead) {
  start();
  http_connection c(port());
  // Only the header is sent: the answer must not wait for 1 MB of body.
  ASSERT_TRUE(c.send_raw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nx-api-key: " +
                         std::string(api_key) + "\r\nContent-Length: 1048576\r\n\r\n"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, R"({"message":"Request Too Long"})");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer(3s));
}

TEST_F(SessionLimits, ChunkedBodyAboveLimitIs413) {
  start();
  http_connection c(port());
  std::string body;
  for (int i = 0; i < 40; ++i) {  // 40 x 4 KiB = 160 KiB > 64 KiB
    body += "1000\r\n" + std::string(4096, 'b') + "\r\n";
  }
  body += "0\r\n\r\n";
  const auto r = c.request("POST", "/v1/echo", keyed({{"Transfer-Encoding", "chunked"}}), body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, R"({"message":"Request Too Long"})");
}

TEST_F(SessionLimits, SlowHeaderIsCutWhileOtherClientsAreServed) {
  start();
  http_connection slow(port());
  ASSERT_TRUE(slow.send_raw("GET /v1/models HTTP/1.1\r\nHost: x\r\nx-api-"));
  // While the slow client stalls, a normal client gets answers.
  for (int i = 0; i < 3; ++i) {
    const auto r = http_request(port(), "GET", "/v1/models", keyed());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  // headerTimeoutMs is 600: the slow connection is closed without an answer.
  EXPECT_TRUE(slow.closed_by_peer(5s));
  EXPECT_EQ(slow.read_some(100ms), "");
}

TEST_F(SessionLimits, TricklingHeaderIsCutAtTheDeadline) {
  start();
  http_connection slow(port());
  const std::string request = "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  const auto started = std::chrono::steady_clock::now();
  bool closed = false;
  // One byte every 100 ms keeps the socket busy but never completes the header.
  for (int i = 0; i < 60 && !closed; ++i) {
    if (!slow.send_raw(i < static_cast<int>(request.size()) ? request.substr(i, 1) : "a")) {
      closed = true;
      break;
    }
    closed = slow.closed_by_peer(100ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(SessionLimits, IdleKeepAliveConnectionIsClosed) {
  start();
  http_connection c(port());
  const auto r = c.request("GET", "/v1/models", keyed());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.closed_by_peer(5s));  // keepAliveTimeoutMs is 800
}

TEST_F(SessionLimits, RefusedRequestBodyIsDiscardedAndConnectionKept) {
  start();
  http_connection c(port());
  const auto refused = c.request("POST", "/v1/chat/completions", {}, std::string(5000, 'x'));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(refused->header("Connection"), "keep-alive");
  const auto next = c.request("GET", "/v1/models", keyed());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(SessionLimits, ConnectionsAboveTheCapAreClosedAtOnce) {
  start({.header_timeout_ms = 10000, .keep_alive_timeout_ms = 10000, .max_connections = 2});
  http_connection a(port());
  http_connection b(port());
  ASSERT_TRUE(a.request("GET", "/v1/models", keyed()));
  ASSERT_TRUE(b.request("GET", "/v1/models", keyed()));
  http_connection c(port());
  EXPECT_TRUE(c.closed_by_peer(3s));
  a.close();
  // Once a connection is gone, a new one is served again.
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    http_connection d(port());
    const auto r = d.request("GET", "/v1/models", keyed());
    served = r && r->status == 200;
    if (!served)
      std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace ug::test
