// Pooled upstream connections the upstream has closed: the gateway must not
// fail the client because a kept-alive connection went stale. Two ways an
// upstream drops one: it restarts (the pool sees the close before reuse), or
// it closes the connection just as the next request arrives (the request
// fails before any response byte and is retried once on a fresh connection,
// but only when no request body was sent).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_server.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "stale-test-key-0000000000001";

std::string config_json(std::uint16_t upstream_port) {
  usagegate_config c = single_stage("staleapi01", api_key, upstream_port);
  c.gateway.stages[0].upstream.response_timeout_ms = 3000;
  return to_json(c);
}

header_list keyed() {
  return {{"x-api-key", api_key}};
}

/// An upstream that answers the first request of every connection and, on a
/// connection's second request, reads its header and closes without a byte:
/// exactly what a server does when its keep-alive timer fires as a request
/// comes in. Counts connections and requests.
class closing_upstream {
 public:
  closing_upstream() : server_([this](raw_connection& c) { serve(c); }) {}
  std::uint16_t port() const { return server_.port(); }
  int connections() const { return server_.accepted(); }
  int requests() const { return requests_; }

 private:
  /// Reads up to the end of a request header (the requests here carry no
  /// body we use) and drops it from `in`; false on EOF, error or stop.
  static bool read_header(raw_connection& c, std::string& in) {
    if (!c.read_until(in, "\r\n\r\n", 10s)) {
      return false;
    }
    in.erase(0, in.find("\r\n\r\n") + 4);
    return true;
  }

  void serve(raw_connection& c) {
    std::string in;
    if (read_header(c, in)) {
      ++requests_;
      c.send_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 5s);
      if (read_header(c, in)) {
        ++requests_;  // the second request: dropped unanswered
      }
    }
  }

  std::atomic<int> requests_{0};
  raw_tcp_server server_;  ///< last: its threads use requests_
};

TEST(StaleConnection, PooledConnectionClosedOnArrivalIsRetriedOnce) {
  closing_upstream upstream;
  temp_dir dir;
  auto gw = start_usagegate(dir.write("gw.json", config_json(upstream.port())));
  http_connection c(gw.port);

  const auto first = c.request("GET", "/v1/a", keyed());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(upstream.connections(), 1);

  // Goes out on the pooled connection, which the upstream drops unanswered:
  // the client still gets the answer, from a fresh connection.
  const auto second = c.request("GET", "/v1/b", keyed());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "ok");
  EXPECT_EQ(upstream.connections(), 2);
  EXPECT_EQ(upstream.requests(), 3);

  // With a request body already streamed upstream, a retry could duplicate
  // it: the gateway answers 504 instead.
  const auto third = c.request("POST", "/v1/c", keyed(), "payload");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 504);
  EXPECT_EQ(upstream.connections(), 2);

  gw.proc.send_signal(SIGTERM);
  EXPECT_EQ(gw.proc.wait_exit(10s), 0) << gw.proc.output();
}

TEST(StaleConnection, UpstreamRestartIsTransparent) {
  auto mock = start_mock_llm();
  const std::uint16_t mock_port = mock.port;
  temp_dir dir;
  auto gw = start_usagegate(dir.write("gw.json", config_json(mock_port)));
  http_connection c(gw.port);
  const auto before = c.request("GET", "/v1/models", keyed());
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200);

  // Restart the upstream on the same port: the pooled connection is dead.
  mock.proc.send_signal(SIGTERM);
  ASSERT_EQ(mock.proc.wait_exit(10s), 0);
  child_process restarted(
      {bin_path("mock-llm"), "--listen", "127.0.0.1:" + std::to_string(mock_port)});
  ASSERT_FALSE(restarted.wait_for_line(std::regex("listening on"), banner_timeout).empty())
      << restarted.output();

  const auto after = c.request("GET", "/v1/models", keyed());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << after->body;

  gw.proc.send_signal(SIGTERM);
  EXPECT_EQ(gw.proc.wait_exit(10s), 0) << gw.proc.output();
}

}  // namespace
}  // namespace ug::test
