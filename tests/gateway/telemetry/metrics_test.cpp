// Per-worker metric blocks, their aggregation at scrape time, the per-key
// cardinality rule and the text exposition (checked by promtool).
#include "gateway/telemetry/metrics.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/process.hpp"

namespace ug::gateway {
namespace {

using labels = std::vector<std::pair<std::string, std::string>>;

/// "name{a="x",b="y"}" exactly as the text format prints a series.
std::string series(const std::string& name, const labels& ls = {}) {
  std::string s = name;
  if (!ls.empty()) {
    s += '{';
    for (std::size_t i = 0; i < ls.size(); ++i) {
      if (i > 0)
        s += ',';
      s += ls[i].first + "=\"" + ls[i].second + "\"";
    }
    s += '}';
  }
  return s;
}

/// Every sample line of a text exposition: series -> value. Fails the test
/// on a line that is neither a comment nor "series value".
std::map<std::string, double> parse(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    const auto space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    if (space == std::string::npos)
      continue;
    const std::string key = line.substr(0, space);
    EXPECT_EQ(out.count(key), 0u) << "duplicate series " << key;
    out[key] = std::stod(line.substr(space + 1));
  }
  return out;
}

double value(const std::map<std::string, double>& m, const std::string& key) {
  const auto it = m.find(key);
  return it == m.end() ? -1 : it->second;
}

request_record chat_ok() {
  request_record r;
  r.stage = "prod";
  r.resource = "/chat";
  r.method = "POST";
  r.status = 200;
  r.result = outcome::forward;
  r.duration_ns = 30'000'000;
  r.upstream_ttfb_ns = 20'000'000;
  r.bytes_in = 100;
  r.bytes_out = 1000;
  r.key_id = "key1";
  r.plan_id = "gold";
  return r;
}

labels request_labels(const std::string& stage, const std::string& resource,
                      const std::string& method, const std::string& status_class,
                      const std::string& outcome_label) {
  return {{"stage", stage},
          {"resource", resource},
          {"method", method},
          {"status_class", status_class},
          {"outcome", outcome_label}};
}

TEST(Metrics, RequestsAreCountedByStageResourceMethodStatusClassAndOutcome) {
  metrics m(1);
  auto& w = m.worker(0);
  w.record(chat_ok());
  w.record(chat_ok());
  auto throttled = chat_ok();
  throttled.status = 429;
  throttled.result = outcome::throttled;
  throttled.upstream_ttfb_ns = -1;
  throttled.throttled = true;
  throttled.level = limiter::limit_level::plan;
  w.record(throttled);

  const auto s = parse(m.scrape_text());
  EXPECT_EQ(value(s, series("usagegate_requests_total",
                            request_labels("prod", "/chat", "POST", "2xx", "allowed"))),
            2);
  EXPECT_EQ(value(s, series("usagegate_requests_total",
                            request_labels("prod", "/chat", "POST", "4xx", "throttled"))),
            1);
  EXPECT_EQ(value(s, series("usagegate_throttled_total", {{"level", "plan"}})), 1);
  EXPECT_EQ(value(s, series("usagegate_throttled_total", {{"level", "account"}})), 0);
  EXPECT_EQ(value(s, series("usagegate_received_bytes_total", {{"stage", "prod"}})), 300);
  EXPECT_EQ(value(s, series("usagegate_sent_bytes_total", {{"stage", "prod"}})), 3000);
  EXPECT_EQ(
      value(s, series("usagegate_plan_requests_total", {{"plan", "gold"}, {"outcome", "allowed"}})),
      2);
  EXPECT_EQ(value(s, series("usagegate_plan_requests_total",
                            {{"plan", "gold"}, {"outcome", "throttled"}})),
            1);
  EXPECT_EQ(
      value(s, series("usagegate_key_requests_total", {{"key", "key1"}, {"outcome", "allowed"}})),
      2);
  // Only combinations that happened are exported.
  EXPECT_EQ(value(s, series("usagegate_requests_total",
                            request_labels("prod", "/chat", "POST", "5xx", "allowed"))),
            -1);
}

TEST(Metrics, EveryThrottleLevelIsExportedByName) {
  metrics m(1);
  for (const auto level : {limiter::limit_level::plan_method, limiter::limit_level::plan,
                           limiter::limit_level::stage_method, limiter::limit_level::stage,
                           limiter::limit_level::account}) {
    auto r = chat_ok();
    r.result = outcome::throttled;
    r.throttled = true;
    r.level = level;
    m.worker(0).record(r);
  }
  const auto s = parse(m.scrape_text());
  for (const char* level : {"plan_method", "plan", "stage_method", "stage", "account"}) {
    EXPECT_EQ(value(s, series("usagegate_throttled_total", {{"level", level}})), 1) << level;
  }
}

TEST(Metrics, StateFailureDecisionsAreSummedOverWorkersAndAlwaysExported) {
  metrics m(2);
  const auto before = parse(m.scrape_text());
  EXPECT_EQ(
      value(before, series("usagegate_state_failure_decisions_total", {{"decision", "refused"}})),
      0);
  EXPECT_EQ(
      value(before, series("usagegate_state_failure_decisions_total", {{"decision", "admitted"}})),
      0);
  m.worker(0).count_state_failure(limiter::state_failure_decision::refused);
  m.worker(1).count_state_failure(limiter::state_failure_decision::refused);
  m.worker(1).count_state_failure(limiter::state_failure_decision::admitted);
  m.worker(0).count_state_failure(limiter::state_failure_decision::none);
  const auto s = parse(m.scrape_text());
  EXPECT_EQ(value(s, series("usagegate_state_failure_decisions_total", {{"decision", "refused"}})),
            2);
  EXPECT_EQ(value(s, series("usagegate_state_failure_decisions_total", {{"decision", "admitted"}})),
            1);
}

TEST(Metrics, ClientChosenMethodsAreFoldedIntoOther) {
  metrics m(1);
  auto r = chat_ok();
  r.method = "BREW";
  m.worker(0).record(r);
  r.method = "PROPFIND";
  m.worker(0).record(r);
  const auto s = parse(m.scrape_text());
  EXPECT_EQ(value(s, series("usagegate_requests_total",
                            request_labels("prod", "/chat", "OTHER", "2xx", "allowed"))),
            2);
  EXPECT_EQ(m.scrape_text().find("BREW"), std::string::npos);
}

TEST(Metrics, HistogramsUseFixedLatencyBucketsWithMatchingCountAndSum) {
  metrics m(1);
  auto r = chat_ok();
  for (const std::int64_t d : {500'000LL, 3'000'000LL, 2'000'000'000LL, 400'000'000'000LL}) {
    r.duration_ns = d;
    r.upstream_ttfb_ns = -1;
    m.worker(0).record(r);
  }
  const auto s = parse(m.scrape_text());
  const auto bucket = [&](const char* le) {
    return value(
        s, series("usagegate_request_duration_seconds_bucket", {{"stage", "prod"}, {"le", le}}));
  };
  EXPECT_EQ(bucket("0.001"), 1);
  EXPECT_EQ(bucket("0.0025"), 1);
  EXPECT_EQ(bucket("0.005"), 2);
  EXPECT_EQ(bucket("1"), 2);
  EXPECT_EQ(bucket("2.5"), 3);
  EXPECT_EQ(bucket("300"), 3);
  EXPECT_EQ(bucket("+Inf"), 4);
  EXPECT_EQ(value(s, series("usagegate_request_duration_seconds_count", {{"stage", "prod"}})), 4);
  EXPECT_NEAR(value(s, series("usagegate_request_duration_seconds_sum", {{"stage", "prod"}})),
              402.0035, 1e-6);
  // No request reached the upstream: no TTFB series for the stage.
  EXPECT_EQ(
      value(s, series("usagegate_upstream_time_to_first_byte_seconds_count", {{"stage", "prod"}})),
      -1);
}

TEST(Metrics, BucketIndexMatchesPrometheusLessOrEqual) {
  EXPECT_EQ(latency_bucket_index(0), 0u);
  EXPECT_EQ(latency_bucket_index(1'000'000), 0u);  // le="0.001" includes 1 ms
  EXPECT_EQ(latency_bucket_index(1'000'001), 1u);
  EXPECT_EQ(latency_bucket_index(300'000'000'000), latency_bucket_count - 2);
  EXPECT_EQ(latency_bucket_index(300'000'000'001), latency_bucket_count - 1);
}

TEST(Metrics, ConnectionAndUpstreamPoolGaugesSumOverWorkers) {
  metrics m(2);
  m.worker(0).connection_opened();
  m.worker(0).connection_opened();
  m.worker(1).connection_opened();
  m.worker(0).connection_closed();
  auto* g0 = m.worker(0).upstream_gauges("prod");
  auto* g1 = m.worker(1).upstream_gauges("prod");
  ASSERT_NE(g0, nullptr);
  ASSERT_NE(g1, nullptr);
  EXPECT_EQ(g0, m.worker(0).upstream_gauges("prod"));  // stable handle
  g0->set(4, 3);
  g1->set(2, 0);
  const auto s = parse(m.scrape_text());
  EXPECT_EQ(value(s, series("usagegate_downstream_active_connections")), 2);
  EXPECT_EQ(value(s, series("usagegate_upstream_connections", {{"stage", "prod"}})), 6);
  EXPECT_EQ(value(s, series("usagegate_upstream_idle_connections", {{"stage", "prod"}})), 3);
  // A stage with pool gauges but no request yet has no request series.
  EXPECT_EQ(value(s, series("usagegate_request_duration_seconds_count", {{"stage", "prod"}})), -1);
}

TEST(Metrics, ControlPlaneMetricsReplaceConfigInfoAndCountReloads) {
  metrics m(1, 100, "9.8.7");
  m.set_config_info("aaaa");
  m.set_config_info("bbbb");
  m.count_reload(true);
  m.count_reload(false);
  m.count_reload(false);
  const auto s = parse(m.scrape_text());
  EXPECT_EQ(value(s, series("usagegate_build_info", {{"version", "9.8.7"}})), 1);
  EXPECT_EQ(value(s, series("usagegate_config_info", {{"sha256", "bbbb"}})), 1);
  EXPECT_EQ(value(s, series("usagegate_config_info", {{"sha256", "aaaa"}})), -1);
  EXPECT_EQ(value(s, series("usagegate_config_reloads_total", {{"result", "ok"}})), 1);
  EXPECT_EQ(value(s, series("usagegate_config_reloads_total", {{"result", "failed"}})), 2);
}

TEST(Metrics, ControlPlaneRequestsCountByOperationAndStatus) {
  metrics m(1);
  m.count_control_plane_request("GetUsagePlan", 200);
  m.count_control_plane_request("GetUsagePlan", 200);
  m.count_control_plane_request("GetUsagePlan", 404);
  m.count_control_plane_request("", 404);
  m.count_control_plane_request("CreateApiKey", 500);
  const auto s = parse(m.scrape_text());
  const auto of = [&](std::string operation, std::string status) {
    return value(s, series("usagegate_control_plane_requests_total",
                           {{"operation", std::move(operation)}, {"status", std::move(status)}}));
  };
  EXPECT_EQ(of("GetUsagePlan", "200"), 2);
  EXPECT_EQ(of("GetUsagePlan", "404"), 1);
  EXPECT_EQ(of("none", "404"), 1);
  EXPECT_EQ(of("CreateApiKey", "500"), 1);
  EXPECT_EQ(of("CreateApiKey", "201"), -1);
}

TEST(Metrics, DefaultVersionIsTheBuildVersion) {
  metrics m(1);
  const auto s = parse(m.scrape_text());
  EXPECT_EQ(value(s, series("usagegate_build_info", {{"version", UG_VERSION}})), 1);
}

// Two workers write their own blocks while a third thread scrapes; every
// scrape must see monotonic counters and the final one the exact totals.
TEST(Metrics, TwoWritersAndAConcurrentScraperAgreeOnExactTotals) {
  constexpr int per_worker = 20'000;
  metrics m(2);
  std::atomic<int> writers_done{0};
  const auto writer = [&](unsigned wi) {
    auto& w = m.worker(wi);
    for (int i = 0; i < per_worker; ++i) {
      auto r = chat_ok();
      r.resource = (i % 2 == 0) ? "/chat" : "/embed";
      r.key_id = (i % 3 == 0) ? "key-a" : "key-b";
      r.duration_ns = i * 1'000;
      w.record(r);
    }
    writers_done.fetch_add(1);
  };
  std::thread t0(writer, 0u);
  std::thread t1(writer, 1u);

  const std::string chat =
      series("usagegate_requests_total", request_labels("prod", "/chat", "POST", "2xx", "allowed"));
  double last = 0;
  int scrapes = 0;
  while (writers_done.load() < 2 && scrapes < 10'000) {
    const auto s = parse(m.scrape_text());
    const double now = value(s, chat);
    if (now < 0) {
      EXPECT_EQ(last, 0) << "a series vanished after it appeared";
    } else {
      EXPECT_GE(now, last);
      last = now;
    }
    ++scrapes;
  }
  t0.join();
  t1.join();

  const auto s = parse(m.scrape_text());
  EXPECT_EQ(value(s, chat), per_worker);  // half of each worker's requests
  EXPECT_EQ(value(s, series("usagegate_requests_total",
                            request_labels("prod", "/embed", "POST", "2xx", "allowed"))),
            per_worker);
  EXPECT_EQ(value(s, series("usagegate_request_duration_seconds_count", {{"stage", "prod"}})),
            2 * per_worker);
  EXPECT_EQ(value(s, series("usagegate_received_bytes_total", {{"stage", "prod"}})),
            2.0 * per_worker * 100);
  EXPECT_EQ(
      value(s, series("usagegate_key_requests_total", {{"key", "key-a"}, {"outcome", "allowed"}})) +
          value(s,
                series("usagegate_key_requests_total", {{"key", "key-b"}, {"outcome", "allowed"}})),
      2 * per_worker);
}

TEST(SeriesTable, RowsStayPutAcrossChunksAndIndexGrowth) {
  series_table<detail::outcome_row, 1> t;
  std::vector<detail::outcome_row*> rows;
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i)
    names.push_back("k" + std::to_string(i));
  for (const auto& n : names)
    rows.push_back(t.find_or_add({n}));
  ASSERT_EQ(t.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(t.find_or_add({names[i]}), rows[i]);
    EXPECT_EQ(t.labels(i)[0], names[i]);
  }
  EXPECT_EQ(t.size(), names.size());
}

// ---- the per-key cardinality rule ----

key_series_selector::counts allowed(std::uint64_t n) {
  key_series_selector::counts c{};
  c[static_cast<std::size_t>(outcome::forward)] = n;
  return c;
}

std::map<std::string, std::uint64_t> allowed_by_key(
    const std::vector<key_series_selector::series>& out) {
  std::map<std::string, std::uint64_t> m;
  for (const auto& s : out)
    m[s.key] = s.values[static_cast<std::size_t>(outcome::forward)];
  return m;
}

TEST(KeySeries, TheHeaviestKeysAreNamedAndTheRestIsOther) {
  key_series_selector sel(2);
  key_series_selector::totals_map t{{"a", allowed(5)}, {"b", allowed(3)}, {"c", allowed(1)}};
  const auto out = sel.update(t, {});
  // First sight: a named key keeps its whole count.
  EXPECT_EQ(allowed_by_key(out),
            (std::map<std::string, std::uint64_t>{{"a", 5}, {"b", 3}, {"__other__", 1}}));
  EXPECT_EQ(sel.named_count(), 2u);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out.back().key, "__other__");
}

TEST(KeySeries, SeriesFollowTheTotalsWhileTheSelectionHolds) {
  key_series_selector sel(2);
  key_series_selector::totals_map t{{"a", allowed(5)}, {"b", allowed(3)}, {"c", allowed(1)}};
  sel.update(t, {});
  t["a"] = allowed(9);
  t["c"] = allowed(2);  // lighter than b: no change of selection
  auto m = allowed_by_key(sel.update(t, {}));
  EXPECT_EQ(m["a"], 9u);
  EXPECT_EQ(m["b"], 3u);
  EXPECT_EQ(m["__other__"], 2u);
}

TEST(KeySeries, AChallengerNeedsMoreThanTenPercentToReplaceTheLightestNamedKey) {
  key_series_selector sel(1);
  key_series_selector::totals_map t{{"a", allowed(100)}, {"b", allowed(50)}};
  sel.update(t, {});
  t["b"] = allowed(110);  // exactly 10% more: no churn
  auto m = allowed_by_key(sel.update(t, {}));
  EXPECT_EQ(m.count("a"), 1u);
  EXPECT_EQ(m.count("b"), 0u);
  EXPECT_EQ(m["__other__"], 110u);

  t["b"] = allowed(111);
  m = allowed_by_key(sel.update(t, {}));
  EXPECT_EQ(m.count("a"), 0u);  // demoted: its series goes stale
  EXPECT_EQ(m["b"], 0u);        // promoted: starts at 0, the past stays in __other__
  EXPECT_EQ(m["__other__"], 111u);

  t["a"] = allowed(105);
  t["b"] = allowed(120);
  m = allowed_by_key(sel.update(t, {}));
  EXPECT_EQ(m["b"], 9u);
  EXPECT_EQ(m["__other__"], 116u);  // a's requests after demotion
}

TEST(KeySeries, AReturningKeyContinuesItsOwnSeries) {
  key_series_selector sel(1);
  key_series_selector::totals_map t{{"a", allowed(10)}, {"b", allowed(1)}};
  sel.update(t, {});
  t["a"] = allowed(15);  // a named: 5 on its series
  t["b"] = allowed(30);  // b replaces a
  sel.update(t, {});
  t["a"] = allowed(100);  // a takes the slot back
  const auto m = allowed_by_key(sel.update(t, {}));
  EXPECT_EQ(m.at("a"), 15u);  // where it stopped, never lower
  EXPECT_EQ(m.count("b"), 0u);
}

TEST(KeySeries, ZeroSlotsPutsEveryKeyAndUnattributedSamplesInOther) {
  key_series_selector sel(0);
  key_series_selector::totals_map t{{"a", allowed(5)}, {"b", allowed(3)}};
  const auto m = allowed_by_key(sel.update(t, allowed(7)));
  EXPECT_EQ(m, (std::map<std::string, std::uint64_t>{{"__other__", 15}}));
}

TEST(Metrics, KeySeriesAreBoundedAndNeverCarryAnUnseenLabel) {
  metrics m(2, 3);
  for (int k = 0; k < 20; ++k) {
    auto r = chat_ok();
    const std::string id = "key" + std::to_string(k);
    r.key_id = id;
    for (int i = 0; i <= k; ++i)
      m.worker(k % 2).record(r);  // key19 is the heaviest
  }
  const auto s = parse(m.scrape_text());
  int named = 0;
  double total = 0;
  for (const auto& [k, v] : s) {
    if (k.rfind("usagegate_key_requests_total{", 0) != 0)
      continue;
    total += v;
    if (k.find("__other__") == std::string::npos)
      ++named;
  }
  EXPECT_EQ(named, 3);
  EXPECT_EQ(
      value(s, series("usagegate_key_requests_total", {{"key", "key19"}, {"outcome", "allowed"}})),
      20);
  EXPECT_EQ(
      value(s, series("usagegate_key_requests_total", {{"key", "key17"}, {"outcome", "allowed"}})),
      18);
  EXPECT_EQ(value(s, series("usagegate_key_requests_total",
                            {{"key", "__other__"}, {"outcome", "allowed"}})),
            20 * 21 / 2 - (20 + 19 + 18));
  EXPECT_EQ(total, 20 * 21 / 2);  // every request in exactly one series
}

// ---- exposition format ----

TEST(Metrics, PromtoolAcceptsTheExposition) {
  metrics m(2);
  m.set_config_info("0123abcd");
  m.count_reload(true);
  m.count_control_plane_request("GetUsagePlans", 200);
  auto r = chat_ok();
  r.resource = "/chat/{id}";
  m.worker(0).record(r);
  r.stage = "stage \"quoted\" \\ name";  // label escaping
  r.result = outcome::upstream_error;
  r.status = 504;
  m.worker(1).record(r);
  m.worker(1).upstream_gauges("prod")->set(1, 1);

  test::temp_dir dir;
  const auto file = dir.write("metrics.txt", m.scrape_text());
  test::child_process promtool(
      {"/bin/sh", "-c", "exec /usr/bin/promtool check metrics < '" + file.string() + "'"});
  const auto code = promtool.wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << "promtool did not finish";
  EXPECT_EQ(*code, 0) << promtool.output() << "\n---\n" << m.scrape_text();
}

}  // namespace
}  // namespace ug::gateway
