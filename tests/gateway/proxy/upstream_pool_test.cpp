// What upstream_pool promises the relay, against real loopback connections:
// the test's own acceptor plays the upstream, so closing, resetting or
// writing on the upstream's end is a real socket event the pool must see (or,
// inside the warm-reuse window, deliberately not look for).
#include "gateway/proxy/upstream_pool.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tests/support/in_process_gateway.hpp"

namespace ug::gateway {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t ms_ns = 1'000'000;
/// An arbitrary monotonic origin, far from zero like a real reading.
constexpr std::int64_t t0 = 50'000 * ms_ns;

bool wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0;
}

/// The other end closed (FIN or reset) within `timeout`.
bool peer_closed(tcp::socket& s, std::chrono::milliseconds timeout) {
  if (!wait_readable(s.native_handle(), timeout)) {
    return false;
  }
  char buf[64];
  const ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

class UpstreamPool : public ::testing::Test {
 protected:
  UpstreamPool() : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {}

  config::upstream_settings settings(std::size_t pool_size = 4,
                                     std::int64_t idle_timeout_ms = 60'000) const {
    config::upstream_settings s = test::loopback_upstream(acceptor_.local_endpoint().port());
    s.pool_size = pool_size;
    s.idle_timeout_ms = idle_timeout_ms;
    return s;
  }

  /// A connection of `pool`, connected; its upstream end is peers_.back().
  upstream_connection_ptr connected(upstream_pool& pool) {
    upstream_connection_ptr c = pool.make_connection();
    c->socket.connect(acceptor_.local_endpoint());
    peers_.push_back(acceptor_.accept());
    return c;
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<tcp::socket> peers_;
};

TEST_F(UpstreamPool, ReusesTheMostRecentlyReleasedConnectionFirst) {
  upstream_pool pool(ioc_.get_executor(), settings());
  auto a = connected(pool);
  auto b = connected(pool);
  auto c = connected(pool);
  const upstream_connection* pa = a.get();
  const upstream_connection* pb = b.get();
  const upstream_connection* pc = c.get();
  pool.release(std::move(a), t0);
  pool.release(std::move(b), t0 + 1 * ms_ns);
  pool.release(std::move(c), t0 + 2 * ms_ns);
  EXPECT_EQ(pool.idle_count(), 3U);

  // Within the warm window: no probe, pure LIFO.
  auto first = pool.acquire(t0 + 3 * ms_ns);
  auto second = pool.acquire(t0 + 3 * ms_ns);
  auto third = pool.acquire(t0 + 3 * ms_ns);
  EXPECT_EQ(first.get(), pc);
  EXPECT_EQ(second.get(), pb);
  EXPECT_EQ(third.get(), pa);
  EXPECT_EQ(pool.acquire(t0 + 3 * ms_ns), nullptr);
  EXPECT_EQ(pool.reuses, 3U);
  EXPECT_EQ(pool.connects, 3U);
  EXPECT_EQ(pool.open_count(), 3U);  // busy connections are still open
  EXPECT_EQ(pool.idle_count(), 0U);
}

TEST_F(UpstreamPool, ClosesAConnectionReleasedIntoAFullPool) {
  upstream_pool_gauges gauges;
  pool_gauge_cell cell{&gauges};
  upstream_pool pool(ioc_.get_executor(), settings(2), &cell);
  auto a = connected(pool);
  auto b = connected(pool);
  auto c = connected(pool);
  const upstream_connection* pb = b.get();
  EXPECT_EQ(gauges.open(), 3);
  pool.release(std::move(a), t0);
  pool.release(std::move(b), t0 + 1 * ms_ns);
  pool.release(std::move(c), t0 + 2 * ms_ns);

  EXPECT_EQ(pool.idle_count(), 2U);
  EXPECT_EQ(pool.open_count(), 2U);
  EXPECT_EQ(gauges.open(), 2);
  EXPECT_EQ(gauges.idle(), 2);
  EXPECT_TRUE(peer_closed(peers_[2], 2s)) << "the connection over the cap is closed";
  // Closing is synchronous in release(): had the others been closed, their
  // end would be readable by now.
  EXPECT_FALSE(wait_readable(peers_[0].native_handle(), 0ms));
  EXPECT_FALSE(wait_readable(peers_[1].native_handle(), 0ms));
  EXPECT_EQ(pool.acquire(t0 + 3 * ms_ns).get(), pb);
}

TEST_F(UpstreamPool, DoesNotPoolAClosedSocket) {
  upstream_pool pool(ioc_.get_executor(), settings());
  auto a = connected(pool);
  a->socket.close();
  pool.release(std::move(a), t0);
  EXPECT_EQ(pool.idle_count(), 0U);
  EXPECT_EQ(pool.open_count(), 0U);
}

TEST_F(UpstreamPool, AcquireClosesConnectionsIdleForTheIdleTimeout) {
  upstream_pool pool(ioc_.get_executor(), settings(4, 1'000));
  auto a = connected(pool);
  auto b = connected(pool);
  const upstream_connection* pb = b.get();
  pool.release(std::move(a), t0);
  pool.release(std::move(b), t0 + 1 * ms_ns);

  // b: idle a hair under the timeout, probed (past 20 ms) and healthy.
  auto got = pool.acquire(t0 + 1 * ms_ns + 1'000 * ms_ns - 1);
  EXPECT_EQ(got.get(), pb);
  // a: idle exactly the timeout.
  EXPECT_EQ(pool.acquire(t0 + 1'000 * ms_ns), nullptr);
  EXPECT_TRUE(peer_closed(peers_[0], 2s));
  EXPECT_EQ(pool.open_count(), 1U);
  EXPECT_EQ(pool.reuses, 1U);
}

TEST_F(UpstreamPool, SweepClosesOnlyExpiredConnectionsOldestFirst) {
  upstream_pool pool(ioc_.get_executor(), settings(4, 1'000));
  auto a = connected(pool);
  auto b = connected(pool);
  auto c = connected(pool);
  const upstream_connection* pc = c.get();
  pool.release(std::move(a), t0);
  pool.release(std::move(b), t0 + 400 * ms_ns);
  pool.release(std::move(c), t0 + 800 * ms_ns);

  EXPECT_EQ(pool.sweep(t0 + 1'000 * ms_ns), 1U);
  EXPECT_TRUE(peer_closed(peers_[0], 2s));
  EXPECT_EQ(pool.sweep(t0 + 1'400 * ms_ns - 1), 0U);
  EXPECT_EQ(pool.sweep(t0 + 1'400 * ms_ns), 1U);
  EXPECT_TRUE(peer_closed(peers_[1], 2s));
  EXPECT_FALSE(wait_readable(peers_[2].native_handle(), 0ms));
  EXPECT_EQ(pool.idle_count(), 1U);
  EXPECT_EQ(pool.acquire(t0 + 1'500 * ms_ns).get(), pc);
}

TEST_F(UpstreamPool, IdleTimeCountsFromTheLatestReadingSeen) {
  // A relay releases with its request's reading, which is as old as its
  // exchange (a long stream): the idle clock must not start in the past.
  upstream_pool pool(ioc_.get_executor(), settings(4, 1'000));
  auto a = connected(pool);
  const upstream_connection* pa = a.get();
  EXPECT_EQ(pool.acquire(t0 + 5'000 * ms_ns), nullptr);  // the pool has now seen t0 + 5 s
  pool.release(std::move(a), t0);
  EXPECT_EQ(pool.sweep(t0 + 5'500 * ms_ns), 0U);
  EXPECT_EQ(pool.acquire(t0 + 5'500 * ms_ns).get(), pa);
}

TEST_F(UpstreamPool, ReusesAWarmConnectionWithoutLookingAtIt) {
  // The documented trade-off: under 20 ms idle there is no MSG_PEEK, so even
  // a connection the upstream has just closed comes back (the relay's
  // stale-connection retry covers it).
  upstream_pool pool(ioc_.get_executor(), settings());
  auto a = connected(pool);
  const upstream_connection* pa = a.get();
  const int fd = a->socket.native_handle();
  pool.release(std::move(a), t0);
  peers_[0].close();
  ASSERT_TRUE(wait_readable(fd, 2s)) << "the upstream's FIN never arrived";
  EXPECT_EQ(pool.acquire(t0 + 20 * ms_ns - 1).get(), pa);
}

TEST_F(UpstreamPool, ProbesAConnectionIdleForTwentyMs) {
  upstream_pool pool(ioc_.get_executor(), settings());
  auto a = connected(pool);
  const int fd = a->socket.native_handle();
  pool.release(std::move(a), t0);
  peers_[0].close();
  ASSERT_TRUE(wait_readable(fd, 2s)) << "the upstream's FIN never arrived";
  EXPECT_EQ(pool.acquire(t0 + 20 * ms_ns), nullptr);
  EXPECT_EQ(pool.open_count(), 0U) << "the stale connection is closed, not kept";
  EXPECT_EQ(pool.idle_count(), 0U);
  EXPECT_EQ(pool.reuses, 0U);
}

TEST_F(UpstreamPool, ProbeRefusesAConnectionTheUpstreamReset) {
  upstream_pool pool(ioc_.get_executor(), settings());
  auto a = connected(pool);
  const int fd = a->socket.native_handle();
  pool.release(std::move(a), t0);
  peers_[0].set_option(net::socket_base::linger(true, 0));
  peers_[0].close();
  ASSERT_TRUE(wait_readable(fd, 2s)) << "the upstream's reset never arrived";
  EXPECT_EQ(pool.acquire(t0 + 25 * ms_ns), nullptr);
  EXPECT_EQ(pool.open_count(), 0U);
}

TEST_F(UpstreamPool, ProbeRefusesAConnectionTheUpstreamWroteTo) {
  // Bytes on an idle HTTP/1.1 connection (a late 408, garbage) would be
  // read as the next request's response.
  upstream_pool pool(ioc_.get_executor(), settings());
  auto a = connected(pool);
  const int fd = a->socket.native_handle();
  pool.release(std::move(a), t0);
  constexpr std::string_view late = "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n";
  net::write(peers_[0], net::buffer(late.data(), late.size()));
  ASSERT_TRUE(wait_readable(fd, 2s));
  EXPECT_EQ(pool.acquire(t0 + 25 * ms_ns), nullptr);
  EXPECT_TRUE(peer_closed(peers_[0], 2s)) << "the pool closes what it refuses";
}

TEST_F(UpstreamPool, SkipsAStaleConnectionForAnOlderHealthyOne) {
  upstream_pool pool(ioc_.get_executor(), settings());
  auto a = connected(pool);
  auto b = connected(pool);
  const upstream_connection* pa = a.get();
  const int fd_b = b->socket.native_handle();
  pool.release(std::move(a), t0);
  pool.release(std::move(b), t0 + 1 * ms_ns);
  peers_[1].close();  // the upstream's keep-alive timeout closed the warmest one
  ASSERT_TRUE(wait_readable(fd_b, 2s));
  const auto got = pool.acquire(t0 + 30 * ms_ns);
  EXPECT_EQ(got.get(), pa);
  EXPECT_EQ(pool.open_count(), 1U);
  EXPECT_EQ(pool.idle_count(), 0U);
  EXPECT_EQ(pool.reuses, 1U);
}

TEST_F(UpstreamPool, BytesLeftInTheBufferMakeAConnectionUnusable) {
  // Bytes read past a response belong to nothing: the connection cannot
  // carry another exchange, probe or not.
  upstream_pool pool(ioc_.get_executor(), settings());
  auto a = connected(pool);
  net::buffer_copy(a->buffer.prepare(1), net::buffer("x", 1));
  a->buffer.commit(1);
  pool.release(std::move(a), t0);
  EXPECT_EQ(pool.acquire(t0 + 1 * ms_ns), nullptr);
  EXPECT_TRUE(peer_closed(peers_[0], 2s));
}

TEST_F(UpstreamPool, DrainClosesIdleConnectionsAndRefusesToPoolMore) {
  upstream_pool pool(ioc_.get_executor(), settings());
  auto a = connected(pool);
  auto b = connected(pool);
  auto busy = connected(pool);
  pool.release(std::move(a), t0);
  pool.release(std::move(b), t0 + 1 * ms_ns);
  pool.drain();
  EXPECT_EQ(pool.idle_count(), 0U);
  EXPECT_TRUE(peer_closed(peers_[0], 2s));
  EXPECT_TRUE(peer_closed(peers_[1], 2s));
  EXPECT_EQ(pool.open_count(), 1U);
  pool.release(std::move(busy), t0 + 2 * ms_ns);  // an exchange that finished during the drain
  EXPECT_EQ(pool.idle_count(), 0U);
  EXPECT_EQ(pool.open_count(), 0U);
  EXPECT_TRUE(peer_closed(peers_[2], 2s));
}

TEST_F(UpstreamPool, ShrinkingThePoolKeepsTheWarmestConnections) {
  upstream_pool pool(ioc_.get_executor(), settings(4));
  auto a = connected(pool);
  auto b = connected(pool);
  auto c = connected(pool);
  const upstream_connection* pc = c.get();
  pool.release(std::move(a), t0);
  pool.release(std::move(b), t0 + 1 * ms_ns);
  pool.release(std::move(c), t0 + 2 * ms_ns);
  config::upstream_settings smaller = settings(1);
  smaller.host_header = "llm.internal";
  pool.update_settings(smaller);
  EXPECT_EQ(pool.idle_count(), 1U);
  EXPECT_EQ(pool.host_value(), "llm.internal");
  EXPECT_TRUE(peer_closed(peers_[0], 2s));
  EXPECT_TRUE(peer_closed(peers_[1], 2s));
  EXPECT_EQ(pool.acquire(t0 + 3 * ms_ns).get(), pc);
}

TEST_F(UpstreamPool, GaugesFollowOpenAndIdleConnectionsAcrossCells) {
  upstream_pool_gauges first;
  upstream_pool_gauges second;
  pool_gauge_cell cell_a{&first};
  pool_gauge_cell cell_b{&second};
  {
    upstream_pool pool(ioc_.get_executor(), settings(), &cell_a);
    auto a = connected(pool);
    auto b = connected(pool);
    EXPECT_EQ(first.open(), 2);
    EXPECT_EQ(first.idle(), 0);
    pool.release(std::move(a), t0);
    EXPECT_EQ(first.idle(), 1);
    pool.attach_gauges(&cell_b);  // a reload renamed the stage
    EXPECT_EQ(first.open(), 0);
    EXPECT_EQ(first.idle(), 0);
    EXPECT_EQ(second.open(), 2);
    EXPECT_EQ(second.idle(), 1);
    b.reset();  // a busy connection that failed
    EXPECT_EQ(second.open(), 1);
  }
  // The pool's end takes its idle connection and its share of the cell along.
  EXPECT_EQ(second.open(), 0);
  EXPECT_EQ(second.idle(), 0);
}

TEST_F(UpstreamPool, ReachedFlagIsSetByTheFirstConnect) {
  auto reached = std::make_shared<std::atomic<bool>>(false);
  upstream_pool pool(ioc_.get_executor(), settings(), nullptr, reached);
  EXPECT_FALSE(reached->load());
  pool.mark_reached();
  EXPECT_TRUE(reached->load());
}

TEST(SameEndpoint, IsHostAndPortOnly) {
  const config::upstream_settings a = test::loopback_upstream(8000, "/a");
  config::upstream_settings b = test::loopback_upstream(8000, "/b");
  b.pool_size = 1;
  b.idle_timeout_ms = 5;
  EXPECT_TRUE(same_endpoint(a, b));
  EXPECT_FALSE(same_endpoint(a, test::loopback_upstream(8001, "/a")));
  config::upstream_settings other_host = a;
  other_host.host = "localhost";
  EXPECT_FALSE(same_endpoint(a, other_host));
}

}  // namespace
}  // namespace ug::gateway
