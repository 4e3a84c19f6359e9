// Readiness flags: one per upstream endpoint, shared by every pool of that
// endpoint, set by a connect; the /readyz probe connects on its own to the
// endpoints not reached yet.
#include "gateway/proxy/upstream_reachability.hpp"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "limiter/state_registry.hpp"
#include "tests/support/in_process_gateway.hpp"
#include "tests/support/raw_server.hpp"

namespace ug::gateway {
namespace {

using namespace std::chrono_literals;

/// proxy_document() with a second stage "v2" (same API) in front of
/// `second_port`.
config::document two_stage_document(std::uint16_t first_port, std::uint16_t second_port) {
  config::document doc = test::proxy_document(first_port);
  config::stage v2 = doc.stages.front();
  v2.stage_name = "v2";
  v2.base_path = "/v2";
  v2.upstream = test::loopback_upstream(second_port);
  doc.stages.push_back(v2);
  return doc;
}

class UpstreamReachability : public ::testing::Test {
 protected:
  std::shared_ptr<const config::compiled_config> compile(const config::document& doc) {
    return config::compiled_config::compile(doc, registry_, clock_.now());
  }
  /// Runs the probes until none is left (each is bounded by its connect timeout).
  void run_probes() {
    ioc_.restart();
    ioc_.run_for(5s);
  }

  limiter::state_registry registry_;
  limiter::manual_clock clock_;
  net::io_context ioc_;
  upstream_reachability reachability_;
};

TEST_F(UpstreamReachability, OneFlagPerEndpointSharedByItsStages) {
  const auto a = reachability_.flag(test::loopback_upstream(8000, "/x"));
  const auto b = reachability_.flag(test::loopback_upstream(8000, "/y"));
  const auto other = reachability_.flag(test::loopback_upstream(8001));
  EXPECT_EQ(a, b) << "the base path is not part of the endpoint";
  EXPECT_NE(a, other);
  EXPECT_FALSE(a->load());
}

TEST_F(UpstreamReachability, ReadyOnlyOnceEveryStagesUpstreamWasReached) {
  const auto cfg = compile(two_stage_document(8000, 8001));
  EXPECT_FALSE(reachability_.all_reached(*cfg));
  reachability_.flag(cfg->stages()[0].upstream)->store(true);
  EXPECT_FALSE(reachability_.all_reached(*cfg));
  reachability_.flag(cfg->stages()[1].upstream)->store(true);
  EXPECT_TRUE(reachability_.all_reached(*cfg));
}

/// Connections waiting in the backlog of listening socket `fd`, accepted
/// (and closed) now. A probe's connect completes in the kernel, so once its
/// handler ran its connection is here.
int take_backlog(int fd) {
  int n = 0;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) {
      return n;
    }
    const int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) {
      return n;
    }
    ::close(c);
    ++n;
  }
}

TEST_F(UpstreamReachability, ProbeSetsTheFlagOfAListeningUpstreamOnly) {
  std::uint16_t listening_port = 0;
  const int listening = test::listen_loopback(listening_port, 16);
  ASSERT_GE(listening, 0);
  const std::uint16_t closed = test::free_loopback_port();
  const auto cfg = compile(two_stage_document(listening_port, closed));
  reachability_.probe_unreached(ioc_, *cfg);
  run_probes();
  EXPECT_TRUE(reachability_.flag(cfg->stages()[0].upstream)->load());
  EXPECT_FALSE(reachability_.flag(cfg->stages()[1].upstream)->load());
  EXPECT_FALSE(reachability_.all_reached(*cfg));
  EXPECT_EQ(take_backlog(listening), 1);

  // A reached endpoint is not probed again.
  reachability_.probe_unreached(ioc_, *cfg);
  run_probes();
  EXPECT_EQ(take_backlog(listening), 0);
  ::close(listening);
}

}  // namespace
}  // namespace ug::gateway
