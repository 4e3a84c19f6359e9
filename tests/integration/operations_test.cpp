// Operating the real usagegate process: the admin listener it starts from
// gateway.admin (/metrics after real traffic, checked by promtool; /healthz;
// /readyz following upstream reachability), the access log file, and the
// start-up banner. Real usagegate and mock-llm processes on 127.0.0.1.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/admin.hpp"
#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "operations-test-key-000000000001";
constexpr const char* unknown_key = "operations-unknown-key-0000000009";

/// Stage "/v1" in front of `upstream_port`; key okey000001 in plan
/// oplan00001 whose bucket admits `burst` requests (almost no refill).
std::string config_json(std::uint16_t upstream_port, const std::string& access_log = "off",
                        int burst = 2) {
  usagegate_config c = single_stage("opsapi0001", api_key, upstream_port, "ops");
  c.gateway.workers = 2;
  c.gateway.access_log = access_log;
  c.gateway.stages[0].upstream.connect_timeout_ms = 2000;
  c.usage_plans[0].throttle = throttle_limits{burst, 0.001};
  c.usage_plans[0].quota = quota_limits{1000, 0, "DAY"};
  return to_json(c);
}

/// A usagegate process with both of its ports.
struct gateway {
  usagegate_process process;
  std::uint16_t admin_port = 0;
};

gateway start_gateway(const std::filesystem::path& config) {
  gateway g{start_usagegate(config), 0};
  g.admin_port = admin_port_of(g.process);
  return g;
}

std::string scrape(std::uint16_t admin_port) {
  const auto r = http_request(admin_port, "GET", "/metrics");
  return r && r->status == 200 ? r->body : std::string();
}

/// Polls /metrics until every line of `want` appears (a request is counted
/// when its last byte is written, which may be just after the client read it).
bool wait_for_series(std::uint16_t admin_port, const std::vector<std::string>& want,
                     std::string& last) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    last = scrape(admin_port);
    bool all = true;
    for (const std::string& line : want)
      all = all && last.find("\n" + line + "\n") != std::string::npos;
    if (all)
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(20ms);  // integration polling, bounded by `deadline`
  }
}

int get_status(std::uint16_t port, std::string_view target, header_list headers = {}) {
  const auto r = http_request(port, "GET", target, std::move(headers));
  return r ? r->status : -1;
}

void stop(gateway& g) {
  g.process.proc.send_signal(SIGTERM);
  EXPECT_EQ(g.process.proc.wait_exit(15s), 0) << g.process.proc.output();
}

TEST(Operations, MetricsCountRealTrafficByOutcomeAndNeverShowAKeyValue) {
  auto mock = start_mock_llm();
  temp_dir dir;
  auto g = start_gateway(dir.write("gw.json", config_json(mock.port)));
  const std::uint16_t port = g.process.port;

  EXPECT_EQ(get_status(port, "/v1/models", {{"x-api-key", api_key}}), 200);
  EXPECT_EQ(get_status(port, "/v1/models", {{"x-api-key", api_key}}), 200);
  EXPECT_EQ(get_status(port, "/v1/models", {{"x-api-key", api_key}}), 429);  // burst 2 used up
  EXPECT_EQ(get_status(port, "/v1/models"), 403);                            // no key
  EXPECT_EQ(get_status(port, "/v1/models", {{"x-api-key", unknown_key}}), 403);
  EXPECT_EQ(get_status(port, "/elsewhere"), 403);  // no stage: Missing Authentication Token

  const std::string sha_line =
      g.process.proc.wait_for_line(std::regex(R"(^  config: .*\(sha256 [0-9a-f]{64}\))"), 1s);
  const std::string sha = sha_line.substr(sha_line.find("sha256 ") + 7, 64);
  std::string text;
  const std::string stage_route = R"(stage="v1",resource="/{proxy+}",method="GET",)";
  EXPECT_TRUE(wait_for_series(
      g.admin_port,
      {"usagegate_requests_total{" + stage_route + R"(status_class="2xx",outcome="allowed"} 2)",
       "usagegate_requests_total{" + stage_route + R"(status_class="4xx",outcome="throttled"} 1)",
       "usagegate_requests_total{" + stage_route + R"(status_class="4xx",outcome="forbidden"} 2)",
       R"(usagegate_requests_total{stage="",resource="none",method="GET",status_class="4xx",outcome="not_found"} 1)",
       R"(usagegate_throttled_total{level="plan"} 1)",
       R"(usagegate_throttled_total{level="account"} 0)",
       R"(usagegate_key_requests_total{key="okey000001",outcome="allowed"} 2)",
       R"(usagegate_key_requests_total{key="okey000001",outcome="throttled"} 1)",
       R"(usagegate_plan_requests_total{plan="oplan00001",outcome="allowed"} 2)",
       R"(usagegate_request_duration_seconds_count{stage="v1"} 5)",
       R"(usagegate_upstream_time_to_first_byte_seconds_count{stage="v1"} 2)",
       R"(usagegate_config_reloads_total{result="ok"} 0)",
       R"(usagegate_config_reloads_total{result="failed"} 0)",
       R"(usagegate_config_info{sha256=")" + sha + R"("} 1)",
       R"(usagegate_build_info{version=")" UG_VERSION R"("} 1)"},
      text))
      << text;
  // Pooled upstream connections of the stage: one per worker that forwarded.
  EXPECT_NE(text.find("\nusagegate_upstream_connections{stage=\"v1\"} "), std::string::npos);
  EXPECT_NE(text.find("\nusagegate_downstream_active_connections "), std::string::npos);
  EXPECT_EQ(text.find(api_key), std::string::npos) << "a key value in the metrics";
  EXPECT_EQ(text.find(unknown_key), std::string::npos) << "a key value in the metrics";
  EXPECT_EQ(g.process.proc.output().find(api_key), std::string::npos) << "a key value printed";
  stop(g);
}

TEST(Operations, PromtoolAcceptsTheLiveExposition) {
  auto mock = start_mock_llm();
  temp_dir dir;
  auto g = start_gateway(dir.write("gw.json", config_json(mock.port)));
  for (int i = 0; i < 4; ++i)
    get_status(g.process.port, "/v1/models", {{"x-api-key", api_key}});
  get_status(g.process.port, "/nowhere");
  std::string text;
  ASSERT_TRUE(wait_for_series(g.admin_port, {R"(usagegate_throttled_total{level="plan"} 2)"}, text))
      << text;
  const auto file = dir.write("metrics.txt", text);
  child_process promtool(
      {"/bin/sh", "-c", "exec /usr/bin/promtool check metrics < '" + file.string() + "'"});
  const auto code = promtool.wait_exit(30s);
  ASSERT_TRUE(code.has_value()) << "promtool did not finish";
  EXPECT_EQ(*code, 0) << promtool.output() << "\n---\n" << text;
  stop(g);
}

TEST(Operations, HealthzIsAlwaysUpAndReadyzWaitsForTheUpstream) {
  const std::uint16_t upstream = closed_port();
  temp_dir dir;
  auto g = start_gateway(dir.write("gw.json", config_json(upstream, "off", 100)));

  const auto health = http_request(g.admin_port, "GET", "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, R"({"status":"ok"})");

  // The upstream is down: not ready, however often asked (each /readyz
  // also probes the upstream) and whatever the clients try.
  for (int i = 0; i < 3; ++i) {
    const auto r = http_request(g.admin_port, "GET", "/readyz");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->body, R"({"status":"not ready"})");
    EXPECT_EQ(get_status(g.process.port, "/v1/models", {{"x-api-key", api_key}}), 504);
    std::this_thread::sleep_for(50ms);  // lets the probe of this round fail
  }

  // The upstream comes up on that port; one successful request makes the
  // gateway ready at once.
  auto mock = start_mock_llm({"--listen", "127.0.0.1:" + std::to_string(upstream)});
  ASSERT_EQ(mock.port, upstream);
  EXPECT_EQ(get_status(g.process.port, "/v1/models", {{"x-api-key", api_key}}), 200);
  const auto ready = http_request(g.admin_port, "GET", "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->body, R"({"status":"ready"})");
  stop(g);
}

TEST(Operations, AnIdleGatewayBecomesReadyByProbingItsUpstream) {
  auto mock = start_mock_llm();
  temp_dir dir;
  auto g = start_gateway(dir.write("gw.json", config_json(mock.port)));
  // No client request at all: the first /readyz starts a connect probe.
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto r = http_request(g.admin_port, "GET", "/readyz");
    status = r ? r->status : -1;
    if (status == 200)
      break;
    std::this_thread::sleep_for(20ms);  // integration polling, bounded by `deadline`
  }
  EXPECT_EQ(status, 200);
  stop(g);
}

TEST(Operations, AccessLogHasOneJsonLinePerRequestWithTheKeyIdNeverTheValue) {
  auto mock = start_mock_llm();
  temp_dir dir;
  const auto log_path = dir.path() / "access.log";
  auto g = start_gateway(dir.write("gw.json", config_json(mock.port, log_path.string())));
  const std::uint16_t port = g.process.port;
  {
    http_connection keep_alive(port);  // several requests on one connection
    ASSERT_TRUE(keep_alive.request("GET", "/v1/models?page=1", {{"x-api-key", api_key}}));
    ASSERT_TRUE(keep_alive.request("POST", "/v1/echo", {{"x-api-key", api_key}}, "hello"));
    ASSERT_TRUE(keep_alive.request("GET", "/v1/models", {{"x-api-key", api_key}}));  // 429
  }
  EXPECT_EQ(get_status(port, "/v1/models", {{"x-api-key", unknown_key}}), 403);
  EXPECT_EQ(get_status(port, "/elsewhere"), 403);
  stop(g);  // flushes the log

  std::ifstream in(log_path);
  ASSERT_TRUE(in) << "no access log at " << log_path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  ASSERT_EQ(lines.size(), 5u);

  simdjson::dom::parser parser;
  int with_key = 0;
  bool saw_echo = false;
  bool saw_query = false;
  for (const std::string& line : lines) {
    EXPECT_EQ(line.find(api_key), std::string::npos) << "a key value in the access log";
    EXPECT_EQ(line.find(unknown_key), std::string::npos) << "a key value in the access log";
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    for (const char* field :
         {"time", "request_id", "trace_id", "key_id", "plan", "stage", "method", "path", "status",
          "outcome", "bytes_in", "bytes_out", "upstream_latency_ms", "latency_ms"}) {
      EXPECT_EQ(doc[field].error(), simdjson::SUCCESS) << field << " missing: " << line;
    }
    std::string_view key_id;
    if (doc["key_id"].get(key_id) == simdjson::SUCCESS) {
      EXPECT_EQ(key_id, "okey000001") << line;
      ++with_key;
    }
    std::string_view path;
    ASSERT_EQ(doc["path"].get(path), simdjson::SUCCESS);
    std::string_view outcome;
    ASSERT_EQ(doc["outcome"].get(outcome), simdjson::SUCCESS);
    std::int64_t status = 0;
    ASSERT_EQ(doc["status"].get(status), simdjson::SUCCESS);
    std::int64_t bytes_in = 0;
    ASSERT_EQ(doc["bytes_in"].get(bytes_in), simdjson::SUCCESS);
    if (path == "/v1/echo") {
      saw_echo = true;
      EXPECT_EQ(status, 200);
      EXPECT_EQ(outcome, "allowed");
      EXPECT_GT(bytes_in, 5) << "header and the 5-byte body";
      double upstream_ms = -1;
      EXPECT_EQ(doc["upstream_latency_ms"].get(upstream_ms), simdjson::SUCCESS) << line;
    }
    if (path == "/v1/models?page=1") {
      saw_query = true;  // the path as the client sent it, not the upstream's
      std::string_view stage;
      EXPECT_EQ(doc["stage"].get(stage), simdjson::SUCCESS);
      EXPECT_EQ(stage, "v1");
    }
    if (path == "/elsewhere") {
      EXPECT_EQ(outcome, "not_found");
      EXPECT_TRUE(doc["stage"].is_null()) << line;
      EXPECT_TRUE(doc["upstream_latency_ms"].is_null()) << line;
    }
  }
  EXPECT_EQ(with_key, 3);  // the known key's three requests; the unknown one has no id
  EXPECT_TRUE(saw_echo);
  EXPECT_TRUE(saw_query);
}

TEST(Operations, BannerNamesBothListenersTheAccessLogAndTheStateDirectory) {
  auto mock = start_mock_llm();
  temp_dir dir;
  const auto log_path = dir.path() / "banner-access.log";
  auto g = start_gateway(dir.write("gw.json", config_json(mock.port, log_path.string())));
  const std::string out = g.process.proc.output();
  EXPECT_NE(out.find("  admin:     http://127.0.0.1:0"), std::string::npos) << out;
  EXPECT_NE(out.find("  accessLog: " + log_path.string()), std::string::npos) << out;
  EXPECT_NE(out.find("  state:     in memory"), std::string::npos) << out;
  // "ready" stays the last start-up line, after both real ports.
  const auto admin_at = out.find("usagegate: admin on http://127.0.0.1:");
  const auto listening_at = out.find("usagegate: listening on http://127.0.0.1:");
  const auto ready_at = out.find("usagegate: ready");
  ASSERT_NE(admin_at, std::string::npos) << out;
  ASSERT_NE(listening_at, std::string::npos) << out;
  EXPECT_LT(listening_at, ready_at);
  EXPECT_LT(admin_at, ready_at);
  EXPECT_NE(g.admin_port, g.process.port);
  stop(g);
}

TEST(Operations, AnUnopenableAccessLogStopsStartUpWithExitOne) {
  temp_dir dir;
  const auto cfg =
      dir.write("gw.json", config_json(closed_port(), (dir.path() / "no/such/dir/a.log").string()));
  child_process p({bin_path("usagegate"), "--config", cfg.string()});
  EXPECT_EQ(p.wait_exit(15s), 1) << p.output();
  EXPECT_NE(p.output().find("cannot open access log"), std::string::npos) << p.output();
}

}  // namespace
}  // namespace ug::test
