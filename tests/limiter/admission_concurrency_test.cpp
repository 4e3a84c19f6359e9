// All-or-nothing admission under contention: many threads, many keys, one
// shared stage bucket and per-key plan buckets and quotas. Time is held still
// within each phase, so every token count can be checked exactly: refunds
// must put back precisely what refused requests took.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

#include "limiter/admission.hpp"
#include "limiter/clock.hpp"

namespace ug::limiter {
namespace {

constexpr int thread_count = 8;
constexpr int phase_count = 20;
constexpr std::size_t key_count = 16;

std::int64_t tokens(const gcra_bucket& b, const throttle_params& p, std::int64_t now) {
  const throttle_result r = b.peek(p, now);
  return r.allowed ? r.remaining + 1 : 0;
}

TEST(AdmissionConcurrency, RefundsKeepEveryCountExact) {
  const throttle_params plan = throttle_params::make(2, 5);     // per key
  const throttle_params stage = throttle_params::make(20, 40);  // shared
  quota_params quota;
  quota.limit = 3;  // per key per day: below what the buckets let through
  quota.period = quota_period::day;
  quota.first_period_index = std::numeric_limits<std::int64_t>::min();

  manual_clock clock;
  std::vector<gcra_bucket> plan_buckets(key_count);
  std::vector<quota_counter> counters(key_count);
  gcra_bucket stage_bucket;
  std::vector<std::atomic<std::int64_t>> allowed(key_count);  // per phase, reset by main
  std::vector<std::atomic<std::int64_t>> quota_refusals(key_count);
  std::barrier sync(thread_count + 1);

  std::vector<std::thread> workers;
  for (int w = 0; w < thread_count; ++w) {
    workers.emplace_back([&, w] {
      for (int phase = 0; phase < phase_count; ++phase) {
        sync.arrive_and_wait();
        for (int i = 0; i < 24; ++i) {
          const std::size_t key =
              (static_cast<std::size_t>(i) * 3 + static_cast<std::size_t>(w)) % key_count;
          admission_chain chain;
          chain.add(&plan, &plan_buckets[key], limit_level::plan);
          chain.add(&stage, &stage_bucket, limit_level::stage);
          chain.quota = &quota;
          chain.counter = &counters[key];
          const admission_result r = admit(chain, clock.now());
          if (r.allowed()) {
            allowed[key].fetch_add(1, std::memory_order_relaxed);
          } else if (r.refused == refusal::quota_exceeded) {
            quota_refusals[key].fetch_add(1, std::memory_order_relaxed);
          }
        }
        sync.arrive_and_wait();
      }
    });
  }

  std::vector<std::int64_t> day_allowed(key_count, 0);
  std::int64_t total_quota_refusals = 0;
  for (int phase = 0; phase < phase_count; ++phase) {
    // Every few phases enough time passes to refill a few tokens; a new day
    // starts half-way through.
    const bool new_day = phase == phase_count / 2;
    clock.advance_ns(new_day ? 86'400'000'000'000 : 150'000'000);
    if (new_day) {
      std::fill(day_allowed.begin(), day_allowed.end(), 0);
    }
    const instant now = clock.now();
    const std::int64_t stage_before = tokens(stage_bucket, stage, now.mono_ns);
    std::vector<std::int64_t> plan_before(key_count);
    for (std::size_t k = 0; k < key_count; ++k) {
      plan_before[k] = tokens(plan_buckets[k], plan, now.mono_ns);
      allowed[k].store(0);
    }
    sync.arrive_and_wait();
    sync.arrive_and_wait();
    std::int64_t phase_allowed = 0;
    for (std::size_t k = 0; k < key_count; ++k) {
      const std::int64_t a = allowed[k].load();
      phase_allowed += a;
      day_allowed[k] += a;
      EXPECT_EQ(tokens(plan_buckets[k], plan, now.mono_ns), plan_before[k] - a)
          << "plan bucket of key " << k << " phase " << phase;
      EXPECT_LE(a, plan_before[k]);
    }
    EXPECT_LE(phase_allowed, stage_before) << "phase " << phase;
    EXPECT_EQ(tokens(stage_bucket, stage, now.mono_ns), stage_before - phase_allowed)
        << "stage bucket phase " << phase;
    for (std::size_t k = 0; k < key_count; ++k) {
      // The quota counts admitted requests only: throttled and quota-refused
      // ones are not counted, and nothing goes beyond the limit.
      EXPECT_EQ(counters[k].used(quota, now.utc_ns), day_allowed[k]) << "key " << k;
      EXPECT_LE(day_allowed[k], quota.limit);
    }
  }
  for (auto& t : workers) {
    t.join();
  }
  for (std::size_t k = 0; k < key_count; ++k) {
    total_quota_refusals += quota_refusals[k].load();
  }
  // The buckets let more through than the daily quota allows, so the quota
  // must have refused (and refunded) some requests.
  EXPECT_GT(total_quota_refusals, 0);
}

}  // namespace
}  // namespace ug::limiter
