// Workers and the listener in the test's process: a connection is accepted
// onto a worker and answered there, every connection is counted live once on
// accept and once off when its session ends (however it ends), the
// max_connections cap refuses without counting, and drain and stop leave no
// session behind.
#include "gateway/proxy/worker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <string>

#include "gateway/proxy/listener.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/in_process_gateway.hpp"
#include "tests/support/raw_server.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

/// A config whose upstream is never contacted (every request here is
/// refused before routing reaches it).
config::document refusing_document() {
  return proxy_document(free_loopback_port());
}

void expect_missing_authentication_token(const std::optional<http_response>& r) {
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->header("x-amzn-ErrorType"), "MissingAuthenticationTokenException");
  EXPECT_EQ(r->body, R"({"message":"Missing Authentication Token"})");
  EXPECT_FALSE(r->header("x-amzn-RequestId").empty());
}

TEST(Worker, AnswersARefusedRequestOnAKeptAliveConnection) {
  in_process_gateway gw(refusing_document());
  http_connection c(gw.port());
  ASSERT_TRUE(c.connected());
  expect_missing_authentication_token(c.request("GET", "/nothing"));
  expect_missing_authentication_token(c.request("POST", "/v2/chat", {}, "{}"));
  EXPECT_EQ(gw.live_sessions(), 1U);
  EXPECT_EQ(gw.active_connections(), 1);
  c.close();
  EXPECT_TRUE(wait_until([&] { return gw.live_sessions() == 0 && gw.active_connections() == 0; }));
  EXPECT_EQ(gw.accepted(), 1U);
}

TEST(Worker, CountsEachSessionLiveOnceAndOffOnceHoweverItEnds) {
  in_process_gateway gw(refusing_document());
  http_connection client_closes(gw.port());
  http_connection client_resets(gw.port());
  http_connection asks_to_close(gw.port());
  http_connection sends_garbage(gw.port());
  http_connection half_header(gw.port());
  http_connection says_nothing(gw.port());
  for (http_connection* c : {&client_closes, &client_resets, &asks_to_close, &sends_garbage}) {
    expect_missing_authentication_token(c->request("GET", "/nothing"));
  }
  ASSERT_TRUE(half_header.send_raw("GET /nothing HTTP/1.1\r\nHo"));
  // Every session exists once the worker has opened all six.
  ASSERT_TRUE(wait_until([&] { return gw.active_connections() == 6; }));
  EXPECT_EQ(gw.live_sessions(), 6U);
  EXPECT_EQ(gw.accepted(), 6U);

  client_closes.close();
  client_resets.abort();
  const auto closed = asks_to_close.request("GET", "/nothing", {{"Connection", "close"}});
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->status, 403);
  EXPECT_EQ(closed->header("Connection"), "close");
  EXPECT_TRUE(asks_to_close.closed_by_peer(2s));
  ASSERT_TRUE(
      sends_garbage.send_raw("GET /nothing HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n"));
  const auto bad = sends_garbage.read_response();
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(sends_garbage.closed_by_peer(2s));
  // The gateway half-closed and lingers for what the client still sends:
  // the client's close ends it.
  sends_garbage.close();
  half_header.close();
  says_nothing.close();

  EXPECT_TRUE(wait_until([&] { return gw.live_sessions() == 0 && gw.active_connections() == 0; }))
      << "live " << gw.live_sessions() << ", active " << gw.active_connections();
  // Counted off exactly once: a second decrement would have wrapped the
  // count, and the next connection would read 0 (or a huge number), not 1.
  http_connection next(gw.port());
  expect_missing_authentication_token(next.request("GET", "/nothing"));
  EXPECT_EQ(gw.live_sessions(), 1U);
  EXPECT_EQ(gw.accepted(), 7U);
  EXPECT_EQ(gw.refused(), 0U);
}

TEST(Worker, ConnectionsPastTheCapAreClosedWithoutBeingCounted) {
  config::document doc = refusing_document();
  doc.gateway.max_connections = 2;
  in_process_gateway gw(doc);
  http_connection a(gw.port());
  http_connection b(gw.port());
  expect_missing_authentication_token(a.request("GET", "/nothing"));
  expect_missing_authentication_token(b.request("GET", "/nothing"));

  http_connection over(gw.port());
  ASSERT_TRUE(over.connected());  // the kernel accepted it; the listener closes it
  EXPECT_TRUE(over.closed_by_peer(2s));
  EXPECT_EQ(gw.refused(), 1U);
  EXPECT_EQ(gw.live_sessions(), 2U);

  a.close();
  ASSERT_TRUE(wait_until([&] { return gw.live_sessions() == 1; }));
  http_connection room_again(gw.port());
  expect_missing_authentication_token(room_again.request("GET", "/nothing"));
  EXPECT_EQ(gw.accepted(), 3U);
  EXPECT_EQ(gw.refused(), 1U);
}

TEST(Listener, SpreadsConnectionsOverWorkersRoundRobin) {
  in_process_gateway gw(refusing_document(), 2);
  std::vector<http_connection> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back(gw.port());
    expect_missing_authentication_token(clients.back().request("GET", "/nothing"));
  }
  EXPECT_EQ(gw.active_connections(0), 2);
  EXPECT_EQ(gw.active_connections(1), 2);
}

/// An upstream that holds its answer to the first request until `release`
/// is set, and reports whether the gateway closed that connection (before
/// or after the answer). Later connections are closed unanswered.
struct held_upstream {
  std::promise<void> got_request;
  std::promise<void> release;
  std::promise<bool> gateway_closed;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> connections{0};
  raw_tcp_server server{[this](raw_connection& c) {
    std::string in;
    if (connections.fetch_add(1) != 0 || !c.read_until(in, "\r\n\r\n", 5s)) {
      return;
    }
    got_request.set_value();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (released.wait_for(0s) != std::future_status::ready) {
      const raw_connection::io r = c.read_some(in, 20ms);
      if (r == raw_connection::io::eof || r == raw_connection::io::error) {
        gateway_closed.set_value(true);
        return;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        gateway_closed.set_value(false);
        return;
      }
    }
    c.send_all("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone", 2s);
    gateway_closed.set_value(c.wait_peer_close(in, 3s));
  }};
};

TEST(Worker, DrainClosesIdleConnectionsAndFinishesExchangesInFlight) {
  held_upstream upstream;
  in_process_gateway gw(proxy_document(upstream.server.port()));
  http_connection idle(gw.port());
  expect_missing_authentication_token(idle.request("GET", "/nothing"));
  http_connection silent(gw.port());
  http_connection busy(gw.port());
  ASSERT_TRUE(busy.send_request("GET", "/v1/slow"));
  ASSERT_EQ(upstream.got_request.get_future().wait_for(5s), std::future_status::ready);
  ASSERT_TRUE(wait_until([&] { return gw.active_connections() == 3; }));

  gw.drain();
  EXPECT_TRUE(idle.closed_by_peer(2s)) << "a connection waiting for a request closes at once";
  EXPECT_TRUE(silent.closed_by_peer(2s)) << "so does one that sent nothing yet";
  EXPECT_TRUE(wait_until([&] { return gw.live_sessions() == 1; }))
      << "the exchange in flight is left to finish";
  http_connection late(gw.port());
  EXPECT_FALSE(late.connected()) << "the listener stopped accepting";

  upstream.release.set_value();
  const auto r = busy.read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "done");
  EXPECT_TRUE(busy.closed_by_peer(2s)) << "and then its connection closes";
  auto upstream_closed = upstream.gateway_closed.get_future();
  ASSERT_EQ(upstream_closed.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(upstream_closed.get()) << "a draining pool closes the connection, never keeps it";
  EXPECT_TRUE(wait_until([&] { return gw.live_sessions() == 0 && gw.active_connections() == 0; }));
  gw.stop();
  EXPECT_EQ(gw.live_sessions(), 0U);
}

TEST(Worker, StopAbortsTheExchangeInFlightAndLeavesNoSession) {
  held_upstream upstream;
  in_process_gateway gw(proxy_document(upstream.server.port()));
  http_connection idle(gw.port());
  expect_missing_authentication_token(idle.request("GET", "/nothing"));
  http_connection busy(gw.port());
  ASSERT_TRUE(busy.send_request("GET", "/v1/slow"));
  ASSERT_EQ(upstream.got_request.get_future().wait_for(5s), std::future_status::ready);

  gw.stop();
  EXPECT_EQ(gw.live_sessions(), 0U);
  EXPECT_EQ(gw.active_connections(), 0);
  EXPECT_TRUE(busy.closed_by_peer(2s));
  EXPECT_TRUE(idle.closed_by_peer(2s));
  auto upstream_closed = upstream.gateway_closed.get_future();
  ASSERT_EQ(upstream_closed.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(upstream_closed.get()) << "the aborted exchange's upstream connection is closed";
}

}  // namespace
}  // namespace ug::test
