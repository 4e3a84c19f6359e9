// End-to-end exactness of the limits with the real clock: many concurrent
// clients against the real usagegate in front of a fast mock-llm. These check
// counts, not speed: no assertion here depends on how fast the machine is
// (only on the gateway never pausing for 2 s while requests are queued).
#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ug::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr const char* api_key = "exactness-key-000000000000001";

/// What a test sets of the one usage plan.
struct plan_limits {
  std::optional<throttle_limits> throttle{};
  std::optional<quota_limits> quota{};
};

std::string config_json(std::uint16_t upstream_port, const plan_limits& limits) {
  usagegate_config c = models_stage({.api = "exactapi01",
                                     .root = "exres00001",
                                     .models = "exres00002",
                                     .plan = "explan0001",
                                     .key = "exkey00001",
                                     .name = "exactness"},
                                    api_key, upstream_port);
  c.gateway.workers = 2;
  c.usage_plans[0].throttle = limits.throttle;
  c.usage_plans[0].quota = limits.quota;
  return to_json(c);
}

struct outcome_counts {
  long ok = 0;
  long throttled = 0;
  long quota = 0;
  long other = 0;  // anything else, including failed requests: always a test failure
};

class Exactness : public ::testing::Test {
 protected:
  void start(const plan_limits& limits) {
    mock_.emplace(start_mock_llm({"--threads", "2"}));
    gate_.emplace(start_usagegate(dir_.write("usagegate.json", config_json(mock_->port, limits))));
  }
  temp_dir dir_;
  std::optional<mock_llm_process> mock_;
  std::optional<usagegate_process> gate_;
};

void classify(const std::optional<http_response>& r, outcome_counts& c) {
  if (!r) {
    ++c.other;
  } else if (r->status == 200) {
    ++c.ok;
  } else if (r->status == 429 && r->body == R"({"message":"Too Many Requests"})") {
    ++c.throttled;
  } else if (r->status == 429 && r->body == R"({"message":"Limit Exceeded"})") {
    ++c.quota;
  } else {
    ++c.other;
  }
}

// Plan throttle burst b = 20, rate r = 10/s, 64 clients hammering for 3 s.
//
// The limiter is GCRA (emission interval T = 1/r = 100 ms, tolerance
// tau = b*T); the bucket starts full. Let t_1 <= ... <= t_n be the gateway's
// decision times of the n admitted requests.
//
// Upper bound: each admission moves the theoretical arrival time TAT forward
// by at least T, so TAT_(k-1) >= t_1 + (k-1)T, and admission k needs
// t_k >= TAT_(k-1) + T - tau. Hence t_n >= t_1 + (n - b)T, i.e.
//   n <= b + r*(t_n - t_1) <= b + r*T_total,
// where T_total (first request sent -> last response received, over all
// requests) contains every decision. +1 absorbs clock rounding.
//
// Lower bound: the bucket only forgets tokens while it sits full, which needs
// tau = 2 s without a single admission; 64 clients hammering never allow that
// (a shorter stall only lets tokens pile up, to be taken right after). So TAT
// advances by exactly T per admission: TAT_n = t_1 + nT. The last admission is
// followed by refusals (64 clients are still sending), and a request refused
// at t_r >= t_n satisfies t_r < TAT_n - tau + T = t_1 + (n + 1 - b)T, i.e.
// n > b - 1 + r*(t_r - t_1), i.e.
//   n >= b + floor(r*(t_n - t_1)) >= b + floor(r*T_first_to_last),
// where T_first_to_last (first 200 received -> last 200 sent) lies inside
// [t_1, t_n].
TEST_F(Exactness, PlanThrottleAdmitsBurstPlusRateTimesElapsed) {
  start({.throttle = throttle_limits{20, 10}});
  constexpr int clients = 64;
  constexpr auto run_for = 3s;
  constexpr int max_requests_per_client = 20'000;  // bounds the loop if time misbehaves

  std::mutex mu;
  outcome_counts total;
  steady::time_point first_sent = steady::time_point::max();
  steady::time_point last_received = steady::time_point::min();
  steady::time_point first_ok_received = steady::time_point::max();
  steady::time_point last_ok_sent = steady::time_point::min();

  const auto begin = steady::now();
  const auto deadline = begin + run_for;
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      outcome_counts mine;
      auto my_first_sent = steady::time_point::max();
      auto my_last_received = steady::time_point::min();
      auto my_first_ok_received = steady::time_point::max();
      auto my_last_ok_sent = steady::time_point::min();
      std::optional<http_connection> conn;
      for (int i = 0; i < max_requests_per_client && steady::now() < deadline; ++i) {
        if (!conn || !conn->connected())
          conn.emplace(gate_->port, 10s);
        const auto sent = steady::now();
        auto r = conn->request("GET", "/test/models", {{"x-api-key", api_key}});
        const auto received = steady::now();
        if (!r)
          conn.reset();  // reconnect next time; counted as "other"
        classify(r, mine);
        my_first_sent = std::min(my_first_sent, sent);
        my_last_received = std::max(my_last_received, received);
        if (r && r->status == 200) {
          my_first_ok_received = std::min(my_first_ok_received, received);
          my_last_ok_sent = std::max(my_last_ok_sent, sent);
        }
      }
      std::lock_guard lock(mu);
      total.ok += mine.ok;
      total.throttled += mine.throttled;
      total.quota += mine.quota;
      total.other += mine.other;
      first_sent = std::min(first_sent, my_first_sent);
      last_received = std::max(last_received, my_last_received);
      first_ok_received = std::min(first_ok_received, my_first_ok_received);
      last_ok_sent = std::max(last_ok_sent, my_last_ok_sent);
    });
  }
  for (auto& th : threads)
    th.join();

  ASSERT_EQ(total.other, 0) << "failed or unexpected responses";
  EXPECT_EQ(total.quota, 0);
  ASSERT_GT(total.ok, 0);
  ASSERT_GT(total.throttled, 0) << "the clients never exceeded the limit";
  const double t_total = std::chrono::duration<double>(last_received - first_sent).count();
  const double t_first_to_last =
      std::max(0.0, std::chrono::duration<double>(last_ok_sent - first_ok_received).count());
  const long lower = 20 + static_cast<long>(std::floor(10 * t_first_to_last));
  const long upper = 20 + static_cast<long>(std::ceil(10 * t_total)) + 1;
  EXPECT_GE(total.ok, lower) << "T_first_to_last=" << t_first_to_last << " s";
  EXPECT_LE(total.ok, upper) << "T_total=" << t_total << " s";
  std::cout << "[ exactness ] admitted " << total.ok << " in [" << lower << ", " << upper
            << "], throttled " << total.throttled << ", T_total " << t_total << " s\n";
}

// Quota 100, no throttle: 64 clients race 400 requests; exactly 100 pass.
// (A UTC day boundary inside the ~1 s run would reset the quota; the period is
// MONTH to make that a once-a-month, seconds-wide window.)
TEST_F(Exactness, QuotaAdmitsExactlyItsLimitUnderConcurrency) {
  start({.quota = quota_limits{100, 0, "MONTH"}});
  constexpr int clients = 64;
  constexpr int requests = 400;
  std::atomic<int> next{0};
  std::mutex mu;
  outcome_counts total;
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      outcome_counts mine;
      std::optional<http_connection> conn;
      while (next.fetch_add(1) < requests) {  // bounded: 400 requests in all
        if (!conn || !conn->connected())
          conn.emplace(gate_->port, 10s);
        auto r = conn->request("GET", "/test/models", {{"x-api-key", api_key}});
        if (!r)
          conn.reset();
        classify(r, mine);
      }
      std::lock_guard lock(mu);
      total.ok += mine.ok;
      total.throttled += mine.throttled;
      total.quota += mine.quota;
      total.other += mine.other;
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(total.other, 0);
  EXPECT_EQ(total.throttled, 0);
  EXPECT_EQ(total.ok, 100);
  EXPECT_EQ(total.quota, 300);
}

}  // namespace
}  // namespace ug::test
