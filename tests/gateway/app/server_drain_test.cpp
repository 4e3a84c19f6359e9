// The server's drain in the test's own process: after SIGTERM it stops
// accepting, closes the connections that wait for a request, reports not
// ready and refuses reloads, lets the exchange in flight finish (and close
// its connection), and returns 0 once no connection is left; a second
// SIGTERM, or gateway.drainTimeoutMs, cuts what is still open.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>

#include "gateway/app/server.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/in_process_gateway.hpp"
#include "tests/support/in_process_server.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

int status_of(const std::optional<http_response>& r) {
  return r ? r->status : -1;
}

/// A running server with one idle keep-alive connection (it has been
/// answered once) and one exchange the upstream holds. Not thread-safe.
class DrainTest : public ::testing::Test {
 protected:
  /// Starts a server with `drain_timeout_ms`, opens both connections and
  /// waits until the upstream holds the exchange and /readyz says ready.
  void start(std::int64_t drain_timeout_ms) {
    usagegate_config c = server_test_config(upstream_.port());
    c.gateway.drain_timeout_ms = drain_timeout_ms;
    harness_.emplace(c);
    ASSERT_TRUE(harness_->start());
    idle_.emplace(harness_->port());
    ASSERT_EQ(status_of(idle_->request("GET", "/v1/echo", with_api_key(server_test_key_a))), 200);
    // Ready once the upstream has been reached, so that "not ready" later is the drain's.
    ASSERT_TRUE(wait_until([this] { return admin_status("GET", "/readyz") == 200; }));
    busy_.emplace(harness_->port());
    ASSERT_TRUE(busy_->send_request("GET", "/v1/hold", with_api_key(server_test_key_a)));
    ASSERT_TRUE(wait_until([this] { return upstream_.held() == 1; }));
    EXPECT_FALSE(idle_->closed_by_peer(100ms));  // kept alive while nothing drains
  }

  int admin_status(const char* method, const char* target) {
    return status_of(http_request(harness_->admin_port(), method, target));
  }

  void TearDown() override {
    upstream_.release();  // a handler still holding ends at once
  }

  held_upstream upstream_;
  std::optional<server_harness> harness_;  // after the upstream: stopped before it
  std::optional<http_connection> idle_;
  std::optional<http_connection> busy_;
};

TEST_F(DrainTest, TheExchangeInFlightCompletesAndIdleConnectionsClose) {
  ASSERT_NO_FATAL_FAILURE(start(10'000));
  ASSERT_EQ(::raise(SIGTERM), 0);
  EXPECT_TRUE(idle_->closed_by_peer(2s));
  // The listener closed before the idle connection did.
  EXPECT_FALSE(http_connection(harness_->port()).connected());
  EXPECT_EQ(admin_status("GET", "/readyz"), 503);
  const auto reload = http_request(harness_->admin_port(), "POST", "/reload");
  ASSERT_TRUE(reload.has_value());
  EXPECT_EQ(reload->status, 422);
  EXPECT_NE(reload->body.find("the gateway is shutting down"), std::string::npos) << reload->body;
  EXPECT_FALSE(harness_->exit_code(200ms).has_value());  // waits for the exchange
  EXPECT_EQ(upstream_.held(), 1);

  upstream_.release();
  const auto r = busy_->read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "upstream saw /hold");
  EXPECT_EQ(r->header("Connection"), "close");  // the drain began before its head was written
  EXPECT_TRUE(busy_->closed_by_peer(2s));
  EXPECT_EQ(harness_->exit_code(10s), 0);
}

TEST_F(DrainTest, ASecondSignalStopsWithoutWaitingForTheExchange) {
  ASSERT_NO_FATAL_FAILURE(start(10'000));
  ASSERT_EQ(::raise(SIGTERM), 0);
  ASSERT_TRUE(idle_->closed_by_peer(2s));  // the drain has begun
  ASSERT_EQ(::raise(SIGTERM), 0);
  EXPECT_EQ(harness_->exit_code(5s), 0);
  EXPECT_EQ(upstream_.held(), 1);  // returned while the upstream still held the exchange
  EXPECT_FALSE(busy_->read_response().has_value());
  EXPECT_TRUE(busy_->closed_by_peer(2s));
}

TEST_F(DrainTest, TheDrainTimeoutCutsWhatIsStillOpen) {
  ASSERT_NO_FATAL_FAILURE(start(300));
  const auto began = std::chrono::steady_clock::now();
  ASSERT_EQ(::raise(SIGTERM), 0);
  EXPECT_EQ(harness_->exit_code(10s), 0);
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_GE(took, 300ms);  // never before the timeout
  EXPECT_LT(took, 5s);
  EXPECT_EQ(upstream_.held(), 1);
  EXPECT_FALSE(busy_->read_response().has_value());
}

}  // namespace
}  // namespace ug::test
