// Hot reload of the real usagegate process (SIGHUP, POST /reload and, with
// gateway.reloadOnFileChange, an edited file): limiter state kept by id,
// removed keys refused at once, an invalid file keeping the running config,
// restart-only settings kept, and no failed request while reloads happen
// under traffic. Real usagegate and mock-llm processes on 127.0.0.1.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* key_a = "reload-test-key-a-000000000001";
constexpr const char* key_b = "reload-test-key-b-000000000002";

struct config_options {
  std::uint16_t mock_port = 0;
  std::int64_t quota_limit = 1'000'000;
  std::string quota_period = "DAY";
  bool with_key_b = true;
  std::string description = "first";  ///< an unrelated field to change
  unsigned workers = 2;
  std::uint16_t admin_port = 0;
  std::int64_t response_timeout_ms = 30'000;
  /// Another REST API listed first, with its own stage "/extra" (keyless) in
  /// front of `extra_port`: every stage index of the main API moves by one.
  bool extra_stage_first = false;
  std::uint16_t extra_port = 9;
  bool reload_on_file_change = false;
};

std::string config_json(const config_options& o) {
  usagegate_config c = single_stage("relapi0001", key_a, o.mock_port, "reload");
  c.gateway.admin.port = o.admin_port;
  c.gateway.workers = static_cast<int>(o.workers);
  c.gateway.reload_on_file_change = o.reload_on_file_change;
  c.gateway.stages[0].upstream.response_timeout_ms = o.response_timeout_ms;
  usage_plan_spec& plan = c.usage_plans[0];
  plan.description = o.description;
  plan.throttle = throttle_limits{100000, 100000};
  plan.quota = quota_limits{o.quota_limit, 0, o.quota_period};
  c.api_keys[0].name = "a";
  if (o.with_key_b) {
    c.api_keys.push_back({.id = "rkey000002", .value = key_b, .name = "b"});
    plan.key_ids.push_back("rkey000002");
  }
  if (o.extra_stage_first) {
    c.gateway.stages.push_back({.api_id = "extapi0001",
                                .stage_name = "x1",
                                .base_path = "/extra",
                                .upstream = upstream_at(o.extra_port)});
    rest_api_spec extra{.id = "extapi0001",
                        .name = "extra",
                        .resources = catch_all_resources("xres000001", "xres000002", false),
                        .stages = {{.stage_name = "x1"}}};
    c.rest_apis.insert(c.rest_apis.begin(), std::move(extra));
  }
  return to_json(c);
}

/// The gateway under test with its config file, which tests rewrite.
class Reload : public gateway_test {
 protected:
  Reload() : gateway_test(15s) {}

  void start(config_options o) {
    start_mock();
    options_ = std::move(o);
    options_.mock_port = mock_port();
    start_gateway(config_json(options_));
    admin_port();  // the banner names it, or the test fails here
  }

  /// Rewrites the config file with `edit` applied to the current options.
  template <class Edit>
  void rewrite(Edit edit) {
    edit(options_);
    write_config_file(config_json(options_));
  }

  /// Waits until the gateway's output holds `n` lines containing `needle`.
  bool wait_for_count(std::string_view needle, std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    for (;;) {
      const std::string out = gw_->proc.output();
      std::size_t count = 0;
      for (auto at = out.find(needle); at != std::string::npos; at = out.find(needle, at + 1))
        ++count;
      if (count >= n)
        return true;
      if (std::chrono::steady_clock::now() >= deadline)
        return false;
      std::this_thread::sleep_for(10ms);  // integration polling, bounded by `deadline`
    }
  }

  /// SIGHUP, then wait for the `n`-th reload report (ok or failed).
  void sighup_and_wait(std::size_t n) {
    gw_->proc.send_signal(SIGHUP);
    ASSERT_TRUE(wait_for_count("usagegate: reload", n)) << gw_->proc.output();
  }

  std::optional<http_response> post_reload() {
    return http_request(admin_port(), "POST", "/reload");
  }

  int get(const char* key) {
    const auto r = http_request(gw_->port, "GET", "/v1/models", {{"x-api-key", key}});
    last_body_ = r ? r->body : std::string();
    return r ? r->status : -1;
  }

  std::string metrics() {
    const auto r = http_request(admin_port(), "GET", "/metrics");
    return r ? r->body : std::string();
  }

  config_options options_;
  std::string last_body_;
};

TEST_F(Reload, QuotaCountsSurviveReloadsAndLimitChangesApplyAtOnce) {
  config_options o;
  o.quota_limit = 5;
  start(o);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(get(key_a), 200) << i;

  // An unrelated change: the 3 requests used stay used.
  rewrite([](config_options& c) { c.description = "second"; });
  sighup_and_wait(1);
  EXPECT_NE(gw_->proc.output().find("usagegate: reloaded (SIGHUP)"), std::string::npos);
  EXPECT_EQ(get(key_a), 200);
  EXPECT_EQ(get(key_a), 200);
  EXPECT_EQ(get(key_a), 429);
  EXPECT_EQ(last_body_, R"({"message":"Limit Exceeded"})");

  // Lowering the limit below what is used refuses at once...
  rewrite([](config_options& c) { c.quota_limit = 4; });
  auto r = post_reload();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find(R"("status":"ok")"), std::string::npos) << r->body;
  EXPECT_EQ(get(key_a), 429);
  EXPECT_EQ(last_body_, R"({"message":"Limit Exceeded"})");

  // ...and raising it admits again, counting from the 5 used.
  rewrite([](config_options& c) { c.quota_limit = 10; });
  r = post_reload();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(get(key_a), 200) << i;
  EXPECT_EQ(get(key_a), 429);
  EXPECT_NE(metrics().find("\nusagegate_config_reloads_total{result=\"ok\"} 3\n"),
            std::string::npos);
}

TEST_F(Reload, ARemovedKeyIsRefusedFromTheNextRequest) {
  start({});
  http_connection kept(gw_->port);  // opened before the reload, used after it
  auto before = kept.request("GET", "/v1/models", {{"x-api-key", key_b}});
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200);
  EXPECT_EQ(get(key_a), 200);

  rewrite([](config_options& c) { c.with_key_b = false; });
  const auto r = post_reload();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("1 keys"), std::string::npos) << r->body;

  auto after = kept.request("GET", "/v1/models", {{"x-api-key", key_b}});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 403);
  EXPECT_EQ(get(key_b), 403);
  EXPECT_EQ(get(key_a), 200);
}

TEST_F(Reload, AnInvalidFileKeepsTheRunningConfig) {
  start({});
  ASSERT_EQ(get(key_a), 200);
  const std::string sha_before = metrics();

  rewrite([](config_options& c) {
    c.quota_period = "YEAR";  // not an AWS period
    c.with_key_b = false;     // would have removed key b, had the file been valid
  });
  const auto r = post_reload();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_NE(r->body.find(R"("status":"failed")"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("usagePlans[0].quota.period: "), std::string::npos) << r->body;
  // The same "path: message" line as --check-config, on the gateway's stderr.
  EXPECT_TRUE(wait_for_count("usagePlans[0].quota.period: ", 1)) << gw_->proc.output();
  EXPECT_TRUE(wait_for_count("usagegate: reload (POST /reload) failed", 1));

  EXPECT_EQ(get(key_a), 200);
  EXPECT_EQ(get(key_b), 200);  // still in the running config
  const std::string text = metrics();
  EXPECT_NE(text.find("\nusagegate_config_reloads_total{result=\"failed\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\nusagegate_config_reloads_total{result=\"ok\"} 0\n"), std::string::npos)
      << text;

  // A SIGHUP on the same broken file fails the same way.
  sighup_and_wait(2);
  EXPECT_EQ(get(key_b), 200);
  EXPECT_NE(metrics().find("\nusagegate_config_reloads_total{result=\"failed\"} 2\n"),
            std::string::npos);
}

TEST_F(Reload, RestartOnlySettingsKeepTheirRunningValues) {
  start({});
  rewrite([](config_options& c) {
    c.workers = 3;
    c.admin_port = 1;  // would move the admin listener we are talking to
    c.with_key_b = false;
  });
  const auto r = post_reload();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("restart needed: gateway.admin, gateway.workers"), std::string::npos)
      << r->body;
  EXPECT_TRUE(wait_for_count("gateway.workers changed; it needs a restart", 1))
      << gw_->proc.output();
  // Everything else applied; both listeners still answer where they were.
  EXPECT_EQ(get(key_b), 403);
  EXPECT_EQ(get(key_a), 200);
  EXPECT_FALSE(metrics().empty());
}

/// The Host the mock saw, from its /echo answer ("" if none).
std::string echoed_host(const std::string& body) {
  const std::string key = R"("host":")";
  const auto at = body.find(key);
  if (at == std::string::npos)
    return {};
  const auto end = body.find('"', at + key.size());
  return body.substr(at + key.size(), end - at - key.size());
}

TEST_F(Reload, FiveReloadsUnderTrafficFailNoRequest) {
  auto other = start_mock_llm();  // the inserted stage's upstream
  config_options o;
  o.extra_port = other.port;
  start(o);
  const std::string main_host = "127.0.0.1:" + std::to_string(mock_->port);
  const std::string other_host = "127.0.0.1:" + std::to_string(other.port);
  std::atomic<bool> stop{false};
  std::atomic<long> ok{0};
  std::atomic<long> failed{0};
  std::string first_failure;  // written by the first failing client only
  std::atomic<bool> failure_noted{false};
  const auto note = [&](const std::string& what) {
    failed.fetch_add(1);
    if (!failure_noted.exchange(true))
      first_failure = what;
  };
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  const std::uint16_t port = gw_->port;

  // One client on one keep-alive connection, one opening a connection per request.
  std::thread keep_alive([&] {
    std::optional<http_connection> c;
    for (int i = 0; i < 100'000 && !stop.load() && std::chrono::steady_clock::now() < deadline;
         ++i) {
      if (!c)
        c.emplace(port);
      const auto r = c->request("GET", "/v1/echo", {{"x-api-key", key_a}});
      if (r && r->status == 200 && echoed_host(r->body) == main_host) {
        ok.fetch_add(1);
      } else {
        note("keep-alive: " + (r ? std::to_string(r->status) + " " + r->body : "no response"));
        c.reset();
      }
    }
  });
  std::thread fresh([&] {
    for (int i = 0; i < 100'000 && !stop.load() && std::chrono::steady_clock::now() < deadline;
         ++i) {
      const auto r = http_request(port, "GET", "/v1/echo", {{"x-api-key", key_a}});
      if (r && r->status == 200 && echoed_host(r->body) == main_host) {
        ok.fetch_add(1);
      } else {
        note("new connection: " + (r ? std::to_string(r->status) + " " + r->body : "no response"));
      }
    }
  });

  const auto wait_for_traffic = [&](long more) {
    const long target = ok.load() + more;
    while (ok.load() < target && failed.load() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);  // integration polling, bounded by `deadline`
  };
  // Joins the clients however this test ends (an ASSERT returns early).
  struct joiner {
    std::atomic<bool>& stop;
    std::thread& a;
    std::thread& b;
    void join() {
      stop.store(true);
      if (a.joinable())
        a.join();
      if (b.joinable())
        b.join();
    }
    ~joiner() { join(); }
  } join_clients{stop, keep_alive, fresh};

  wait_for_traffic(50);
  for (int i = 1; i <= 5; ++i) {
    // Alternate a stage inserted before ours (every stage index shifts, so
    // pools must be re-keyed) with upstream setting changes on the same endpoint.
    rewrite([i](config_options& c) {
      c.extra_stage_first = i % 2 == 1;
      c.response_timeout_ms = 30'000 + i;
      c.description = "reload " + std::to_string(i);
    });
    if (i % 2 == 1) {
      gw_->proc.send_signal(SIGHUP);
    } else {
      const auto r = post_reload();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200) << r->body;
    }
    ASSERT_TRUE(wait_for_count("usagegate: reloaded (", static_cast<std::size_t>(i)))
        << gw_->proc.output();
    if (i % 2 == 1) {
      // The inserted stage now holds our old stage index: it must reach its
      // own upstream, and ours keep reaching ours.
      const auto r = http_request(port, "GET", "/extra/echo");
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200) << r->body;
      EXPECT_EQ(echoed_host(r->body), other_host);
    }
    wait_for_traffic(50);
  }
  join_clients.join();

  EXPECT_EQ(failed.load(), 0) << first_failure;
  EXPECT_GE(ok.load(), 6 * 50);
  EXPECT_NE(metrics().find("\nusagegate_config_reloads_total{result=\"ok\"} 5\n"),
            std::string::npos);
}

TEST_F(Reload, AnEditedFileIsReloadedWhenWatched) {
  config_options o;
  o.reload_on_file_change = true;
  start(o);
  ASSERT_EQ(get(key_b), 200);
  rewrite([](config_options& c) { c.with_key_b = false; });
  ASSERT_TRUE(wait_for_count("usagegate: reloaded (file change)", 1)) << gw_->proc.output();
  EXPECT_EQ(get(key_b), 403);
  EXPECT_EQ(get(key_a), 200);
}

}  // namespace
}  // namespace ug::test
