// Many threads taking and giving back several tokens at once, on one bucket
// and one quota counter. Time is held still inside each phase, so whatever
// the interleaving the state after a phase is the state of a sequential
// bucket that handed out the same number of tokens: none is lost or made up,
// and the total never exceeds burst + floor(rate * length).
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <random>
#include <vector>

#include "limiter/clock.hpp"
#include "limiter/quota_counter.hpp"
#include "limiter/throttle.hpp"
#include "tests/limiter/concurrency_support.hpp"
#include "tests/limiter/quota_test_support.hpp"

namespace ug::limiter {
namespace {

using namespace ug::limiter::test;

/// Each thread asks for its own number of tokens (1, 2, 3, 5, 8, ...).
std::int64_t tokens_of_thread(int w) {
  constexpr std::array<std::int64_t, thread_count> sizes = {1, 2, 3, 5, 8, 2, 3, 1};
  return sizes[static_cast<std::size_t>(w)];
}

class MultiTokenHotKey : public testing::TestWithParam<rate_case> {};

TEST_P(MultiTokenHotKey, TokensTakenInBatchesAreExactlyAccounted) {
  const rate_case c = GetParam();
  const throttle_params p = throttle_params::make(c.rate, c.burst);
  constexpr int phase_count = 25;
  constexpr int attempts = 30;  // per thread per phase
  const std::int64_t interval_ns =
      p.never_refills() ? 1'000'000'000
                        : std::max<std::int64_t>(1, p.units_per_token / p.units_per_ns);
  std::mt19937_64 rng(static_cast<std::uint64_t>(c.burst));
  std::vector<std::int64_t> steps(phase_count);
  for (auto& s : steps) {
    s = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(6 * interval_ns + 1));
  }
  const std::int64_t total = run_hot_bucket(
      c, steps,
      [&](gcra_bucket& shared, const manual_clock& clock, int w) {
        const std::int64_t tokens = tokens_of_thread(w);
        std::int64_t mine = 0;
        for (int a = 0; a < attempts; ++a) {
          if (shared.try_acquire(p, clock.now().mono_ns, tokens).allowed) {
            mine += tokens;
          }
        }
        return mine;
      },
      [&](gcra_bucket& shared, gcra_bucket& reference, int phase, std::int64_t now,
          std::int64_t got) {
        // The reference hands out the same tokens one at a time: it must be
        // able to, and it then holds exactly what the shared bucket holds.
        for (std::int64_t i = 0; i < got; ++i) {
          ASSERT_TRUE(reference.try_acquire(p, now).allowed) << "phase " << phase << " token " << i;
        }
        const throttle_result a = shared.peek(p, now);
        const throttle_result b = reference.peek(p, now);
        EXPECT_EQ(a.allowed, b.allowed) << "phase " << phase;
        EXPECT_EQ(a.remaining, b.remaining) << "phase " << phase;
        EXPECT_EQ(a.retry_after_ns, b.retry_after_ns) << "phase " << phase;
        EXPECT_EQ(a.reset_after_ns, b.reset_after_ns) << "phase " << phase;
      });
  EXPECT_GT(total, 0);
}

INSTANTIATE_TEST_SUITE_P(Rates, MultiTokenHotKey,
                         testing::Values(rate_case{3, 20, 3, 1}, rate_case{100, 40, 100, 1},
                                         rate_case{0.5, 30, 5, 10}, rate_case{17, 12, 17, 1},
                                         rate_case{0, 200, 0, 1}));

TEST(MultiTokenHotKey, ReservationsGivingBackTheUnusedPartLoseNothing) {
  // The LLM pattern: reserve an estimate, then give back what was not used.
  const std::int64_t burst = 3000;
  const throttle_params p = throttle_params::make(1, burst);
  constexpr std::int64_t now = 1'000'000'000;
  gcra_bucket bucket;
  std::atomic<std::int64_t> kept{0};
  run_threads([&](int w) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(w) + 1);
    for (int i = 0; i < 300; ++i) {
      const std::int64_t estimate = 1 + static_cast<std::int64_t>(rng() % 8);
      if (bucket.try_acquire(p, now, estimate).allowed) {
        const std::int64_t used = static_cast<std::int64_t>(rng() % (estimate + 1));
        bucket.refund(p, estimate - used);
        kept.fetch_add(used, std::memory_order_relaxed);
      }
    }
  });
  const std::int64_t left = burst - kept.load();
  ASSERT_GE(left, 0);
  if (left > 0) {
    EXPECT_TRUE(bucket.try_acquire(p, now, left).allowed);
  }
  EXPECT_FALSE(bucket.try_acquire(p, now, 1).allowed) << "not one token more";
}

// ---------------------------------------------------------------------------
// Quota counter.

TEST(MultiTokenQuotaConcurrency, CountsInBatchesNeverPassTheLimit) {
  const std::int64_t limit = 10'000;
  const quota_params p = daily(limit);
  for (std::int64_t day = 0; day < 3; ++day) {
    quota_counter c;
    const std::int64_t now = day0 + day * day_ns + 7;
    std::atomic<std::int64_t> admitted{0};
    run_threads([&](int w) {
      // Each thread counts its own batch size until the quota refuses it.
      const std::int64_t count = 3 * tokens_of_thread(w) + day;
      std::int64_t mine = 0;
      while (c.try_consume(p, now, count).allowed) {
        mine += count;
      }
      admitted.fetch_add(mine, std::memory_order_relaxed);
    });
    EXPECT_EQ(c.used(p, now), admitted.load()) << "day " << day;
    EXPECT_LE(admitted.load(), limit) << "day " << day;
    // Every thread stopped on a refusal, so not even the smallest batch fits.
    EXPECT_LT(limit - admitted.load(), 3 + day) << "day " << day;
  }
}

TEST(MultiTokenQuotaConcurrency, BatchesStraddlingTheBoundaryNeverOverAdmit) {
  const std::int64_t limit = 600;
  const quota_params p = daily(limit);
  const std::int64_t boundary = day0 + day_ns;
  for (int round = 0; round < 4; ++round) {
    quota_counter c;
    c.restore(day_index0, limit - 50);  // 50 left in the old period
    std::atomic<std::int64_t> old_admitted{0};
    std::atomic<std::int64_t> new_admitted{0};
    run_threads([&](int w) {
      const std::int64_t count = tokens_of_thread(w);
      for (int i = 0; i < 200; ++i) {
        const bool late = ((w + i + round) % 2) == 1;
        const quota_result r = c.try_consume(p, late ? boundary : boundary - 1, count);
        if (r.allowed) {
          (r.period_index == day_index0 ? old_admitted : new_admitted).fetch_add(count);
        }
      }
    });
    EXPECT_LE(old_admitted.load(), 50) << "round " << round;
    EXPECT_LE(new_admitted.load(), limit) << "round " << round;
    EXPECT_EQ(c.used(p, boundary), new_admitted.load()) << "round " << round;
  }
}

TEST(MultiTokenQuotaConcurrency, ReservationsGivingBackTheUnusedPartAreExact) {
  const quota_params p = daily(1'000'000);
  const std::int64_t now = day0 + 5;
  quota_counter c;
  std::atomic<std::int64_t> kept{0};
  run_threads([&](int w) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(w) + 100);
    for (int i = 0; i < 400; ++i) {
      const std::int64_t estimate = 1 + static_cast<std::int64_t>(rng() % 50);
      const quota_result r = c.try_consume(p, now, estimate);
      ASSERT_TRUE(r.allowed);
      const std::int64_t used = static_cast<std::int64_t>(rng() % (estimate + 1));
      c.refund(r.period_index, estimate - used);
      kept.fetch_add(used, std::memory_order_relaxed);
    }
  });
  EXPECT_EQ(c.used(p, now), kept.load());
}

}  // namespace
}  // namespace ug::limiter
