// The process layer in the test's own process, against real loopback
// sockets: what listen() and start_admin() report, run() from on_ready to its
// exit code after SIGTERM, reload() (directly, by SIGHUP and by POST /reload)
// of a good and a bad file, publish() of a snapshot compiled against the same
// limiter state, and the access log handed over before run() returns. The
// drain is in server_drain_test.cpp.
#include "gateway/app/server.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/loader.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "gateway/telemetry/access_log.hpp"
#include "tests/support/admin.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/in_process_gateway.hpp"
#include "tests/support/in_process_server.hpp"
#include "tests/support/raw_server.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

int status_of(const std::optional<http_response>& r) {
  return r ? r->status : -1;
}

/// GET <target> with x-api-key `key` on a connection of its own.
int get_status(std::uint16_t port, const std::string& key, std::string_view target = "/v1/echo") {
  return status_of(http_request(port, "GET", target, with_api_key(key)));
}

/// usagegate_config_reloads_total{result="<result>"} (nullopt: no such series).
std::optional<double> reloads(server_harness& h, std::string_view result) {
  return metric_sample(h.server().metrics().scrape_text(),
                       "usagegate_config_reloads_total{result=\"" + std::string(result) + "\"}");
}

/// Whether usagegate_config_info names `sha256` as the config in force.
bool config_info_names(server_harness& h, const std::string& sha256) {
  return metric_sample(h.server().metrics().scrape_text(),
                       "usagegate_config_info{sha256=\"" + sha256 + "\"}") == 1.0;
}

/// `c` with an invalid quota period: a file no reload may apply.
usagegate_config broken(usagegate_config c) {
  c.usage_plans.at(0).quota = quota_limits{.limit = 5, .period = "YEAR"};
  return c;
}

TEST(Server, ListenOnABusyPortFailsAndSaysWhy) {
  std::uint16_t busy = 0;
  const int holder = listen_loopback(busy, 1);
  ASSERT_GE(holder, 0);
  usagegate_config c = server_test_config(closed_port());
  c.gateway.listener.port = busy;
  server_harness h(c);
  const gateway::error_code ec = h.server().listen();
  ::close(holder);
  EXPECT_EQ(ec, gateway::net::error::address_in_use) << ec.message();
  EXPECT_EQ(ec.message(), "Address already in use");
  EXPECT_EQ(h.server().local_endpoint().port(), 0);  // nothing was bound
}

TEST(Server, StartAdminOnABusyPortFailsAndSaysWhy) {
  std::uint16_t busy = 0;
  const int holder = listen_loopback(busy, 1);
  ASSERT_GE(holder, 0);
  usagegate_config c = server_test_config(closed_port());
  c.gateway.admin.port = busy;
  server_harness h(c);
  ASSERT_FALSE(h.server().listen());
  const gateway::error_code ec = h.server().start_admin();
  ::close(holder);
  EXPECT_EQ(ec, gateway::net::error::address_in_use) << ec.message();
  EXPECT_EQ(h.server().admin_port(), 0);
}

TEST(Server, PortZeroBindsARealPortAndDestroyingAServerThatNeverRanReleasesIt) {
  std::uint16_t port = 0;
  std::uint16_t admin = 0;
  {
    server_harness h(server_test_config(closed_port()));
    EXPECT_EQ(h.server().admin_port(), 0);
    ASSERT_FALSE(h.server().listen());
    const gateway::tcp::endpoint ep = h.server().local_endpoint();
    EXPECT_EQ(ep.address().to_string(), "127.0.0.1");
    port = ep.port();
    EXPECT_NE(port, 0);
    EXPECT_EQ(h.server().admin_port(), 0);  // listen() does not start the admin listener
    ASSERT_FALSE(h.server().start_admin());
    admin = h.server().admin_port();
    EXPECT_NE(admin, 0);
    EXPECT_NE(admin, port);
    // The kernel queues data-plane connections until run(); the admin
    // listener has its own thread and answers before run().
    EXPECT_TRUE(http_connection(port).connected());
    EXPECT_EQ(status_of(http_request(admin, "GET", "/healthz")), 200);
  }
  EXPECT_FALSE(http_connection(port).connected());
  EXPECT_FALSE(http_connection(admin).connected());
}

TEST(Server, RunsTheWorkersTheSetupAsksForAndAtLeastOne) {
  const usagegate_config c = server_test_config(closed_port());
  server_harness none(c, {.workers = 0});
  EXPECT_EQ(none.server().worker_count(), 1U);
  server_harness three(c, {.workers = 3});
  EXPECT_EQ(three.server().worker_count(), 3U);
}

TEST(Server, RunCallsOnReadyForwardsAndReturnsZeroAfterSigterm) {
  held_upstream up;
  server_harness h(server_test_config(up.port()));
  ASSERT_TRUE(h.start());
  const auto r = http_request(h.port(), "GET", "/v1/echo?x=1", with_api_key(server_test_key_a));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "upstream saw /echo?x=1");
  EXPECT_EQ(up.received(), 1);
  EXPECT_EQ(get_status(h.port(), server_test_key_b), 403);  // decided, not forwarded
  EXPECT_EQ(up.received(), 1);
  EXPECT_FALSE(h.exit_code(50ms).has_value());  // serves until told to stop

  EXPECT_EQ(h.stop(), 0);
  // Both listeners are closed by the time run() returns.
  EXPECT_FALSE(http_connection(h.port()).connected());
  EXPECT_FALSE(http_connection(h.admin_port()).connected());
  // The test's thread is the control thread again: a stopped server reloads nothing.
  h.rewrite(with_key_b(server_test_config(up.port())));
  const gateway::reload_result after = h.server().reload("unit test");
  EXPECT_FALSE(after.ok);
  EXPECT_EQ(after.message, "the gateway is shutting down");
}

TEST(Server, SighupReloadsTheFileOnTheControlThread) {
  held_upstream up;
  const usagegate_config c = server_test_config(up.port());
  server_harness h(c);
  ASSERT_TRUE(h.start());
  EXPECT_EQ(get_status(h.port(), server_test_key_b), 403);
  h.rewrite(with_key_b(c));
  ASSERT_EQ(::raise(SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return reloads(h, "ok") == 1.0; }));
  EXPECT_EQ(get_status(h.port(), server_test_key_b), 200);
  EXPECT_EQ(get_status(h.port(), server_test_key_a), 200);
  EXPECT_EQ(reloads(h, "failed"), 0.0);
  EXPECT_EQ(h.stop(), 0);
}

TEST(Server, ReloadOfAnInvalidFileKeepsTheRunningConfigAndSaysWhy) {
  held_upstream up;
  const usagegate_config c = with_key_b(server_test_config(up.port()));
  server_harness h(c);
  h.rewrite(broken(server_test_config(up.port())));  // would have removed key b
  const gateway::reload_result r = h.server().reload("unit test");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.message.starts_with("usagePlans[0].quota.period: ")) << r.message;
  EXPECT_EQ(reloads(h, "failed"), 1.0);
  EXPECT_EQ(reloads(h, "ok"), 0.0);
  EXPECT_TRUE(config_info_names(h, h.first()->content_sha256_hex()));

  ASSERT_TRUE(h.start());
  EXPECT_EQ(get_status(h.port(), server_test_key_b), 200);  // the running config is in force
  EXPECT_EQ(h.stop(), 0);
}

TEST(Server, ReloadOfAValidFileAppliesItAndKeepsRestartOnlySettings) {
  held_upstream up;
  const usagegate_config c = server_test_config(up.port());
  server_harness h(c);
  usagegate_config next = with_key_b(c);
  next.gateway.workers = 2;
  h.rewrite(next);
  const std::string sha = config::load_file(h.dir() / "gw.json").content_sha256_hex;
  ASSERT_FALSE(sha.empty());
  ASSERT_NE(sha, h.first()->content_sha256_hex());

  const gateway::reload_result r = h.server().reload("unit test");
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.message, "config sha256 " + sha +
                           " applied (1 stages, 2 keys, 1 usage plans); not applied, restart "
                           "needed: gateway.workers (running values kept)");
  EXPECT_EQ(reloads(h, "ok"), 1.0);
  EXPECT_TRUE(config_info_names(h, sha));
  EXPECT_FALSE(config_info_names(h, h.first()->content_sha256_hex()));
  EXPECT_EQ(h.server().worker_count(), 1U);

  ASSERT_TRUE(h.start());
  EXPECT_EQ(get_status(h.port(), server_test_key_b), 200);
  EXPECT_EQ(h.stop(), 0);
}

TEST(Server, WithoutAConfigSourceThereIsNothingToReload) {
  const usagegate_config c = server_test_config(closed_port());
  server_harness h(c, {.with_source = false});
  h.rewrite(with_key_b(c));
  const gateway::reload_result r = h.server().reload("unit test");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.message, "no configuration file to reload");
  EXPECT_EQ(reloads(h, "failed"), 0.0);  // nothing was tried

  ASSERT_TRUE(h.start());
  EXPECT_EQ(status_of(http_request(h.admin_port(), "POST", "/reload")), 501);
  EXPECT_EQ(h.stop(), 0);
}

TEST(Server, PostReloadRunsTheReloadAndAnswersWithItsResult) {
  held_upstream up;
  const usagegate_config c = server_test_config(up.port());
  server_harness h(c);
  ASSERT_TRUE(h.start());

  h.rewrite(broken(with_key_b(c)));
  const auto failed = http_request(h.admin_port(), "POST", "/reload");
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->status, 422);
  EXPECT_TRUE(
      failed->body.starts_with(R"({"status":"failed","error":"usagePlans[0].quota.period: )"))
      << failed->body;
  EXPECT_EQ(get_status(h.port(), server_test_key_b), 403);

  h.rewrite(with_key_b(c));
  const auto applied = http_request(h.admin_port(), "POST", "/reload");
  ASSERT_TRUE(applied.has_value());
  EXPECT_EQ(applied->status, 200);
  EXPECT_NE(applied->body.find("applied (1 stages, 2 keys, 1 usage plans)"), std::string::npos)
      << applied->body;
  EXPECT_EQ(get_status(h.port(), server_test_key_b), 200);
  EXPECT_EQ(reloads(h, "failed"), 1.0);
  EXPECT_EQ(reloads(h, "ok"), 1.0);
  EXPECT_EQ(h.stop(), 0);
}

/// `c` compiled against the harness's limiter state in place of `previous`,
/// as a reload compiles it; null (and a failure) if it does not load.
std::shared_ptr<const config::compiled_config> compile_next(
    server_harness& h, const usagegate_config& c, const config::compiled_config& previous) {
  config::load_result loaded = config::load_string(to_json(c));
  if (!loaded.doc) {
    ADD_FAILURE() << "the config does not load: " << loaded.errors.at(0).to_string();
    return nullptr;
  }
  auto next = config::compiled_config::compile(*loaded.doc, h.state(), h.clock().now(),
                                               loaded.content_sha256_hex, &previous);
  next->carry_over_from(previous, h.clock().now().mono_ns);
  return next;
}

TEST(Server, APublishedSnapshotDecidesTheNextRequestAndKeepsLimiterState) {
  held_upstream up;
  usagegate_config c = server_test_config(up.port());
  // Two tokens, and none back within the test (one per 100 s).
  c.usage_plans.at(0).throttle = throttle_limits{.burst_limit = 2, .rate_limit = 0.01};
  server_harness h(c, {.with_source = false});
  ASSERT_TRUE(h.start());
  http_connection conn(h.port());  // one connection, kept alive across the publishes
  const auto status = [&conn](const std::string& key) {
    return status_of(conn.request("GET", "/v1/echo", with_api_key(key)));
  };
  EXPECT_EQ(status(server_test_key_a), 200);
  EXPECT_EQ(status(server_test_key_a), 200);
  EXPECT_EQ(status(server_test_key_a), 429);
  EXPECT_EQ(status(server_test_key_b), 403);

  // Key b added, the limits unchanged: key a's bucket is the same state, still empty.
  const auto added = compile_next(h, with_key_b(c), *h.first());
  ASSERT_TRUE(added);
  h.server().publish(added);
  EXPECT_EQ(status(server_test_key_b), 200);
  EXPECT_EQ(status(server_test_key_a), 429);

  // The burst raised to 5: what each key spent stays spent (a: 2, b: 1).
  usagegate_config raised = with_key_b(c);
  raised.usage_plans.at(0).throttle->burst_limit = 5;
  const auto next = compile_next(h, raised, *added);
  ASSERT_TRUE(next);
  h.server().publish(next);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(status(server_test_key_a), 200) << i;
  }
  EXPECT_EQ(status(server_test_key_a), 429);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(status(server_test_key_b), 200) << i;
  }
  EXPECT_EQ(status(server_test_key_b), 429);
  EXPECT_EQ(h.stop(), 0);
}

TEST(Server, RunHandsEveryAccessLineToTheLogBeforeItReturns) {
  temp_dir logs;  // outlives the harness, whose server owns the log
  const std::string path = (logs.path() / "access.log").string();
  std::string error;
  gateway::access_log::options slow;
  slow.flush_interval_ms = 600'000;  // nothing reaches the file unless flushed
  slow.batch_bytes = 1U << 20;
  auto log = gateway::access_log::open(gateway::access_log_sink::file, path, 1, error, slow);
  ASSERT_TRUE(log) << error;
  const auto read_log = [&path] {
    std::ifstream f(path);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };

  held_upstream up;
  server_harness h(server_test_config(up.port()), {.log = std::move(log)});
  ASSERT_TRUE(h.start());
  EXPECT_EQ(get_status(h.port(), server_test_key_a, "/v1/logged"), 200);
  EXPECT_EQ(read_log(), "");
  EXPECT_EQ(h.stop(), 0);
  const std::string lines = read_log();
  EXPECT_NE(lines.find(R"("path":"/v1/logged")"), std::string::npos) << lines;
  EXPECT_NE(lines.find(R"("status":200)"), std::string::npos) << lines;
}

}  // namespace
}  // namespace ug::test
