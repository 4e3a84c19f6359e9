// Many threads on one bucket and on many buckets, with time held still inside
// each phase (manual clock, advanced between barriers): whatever the
// interleaving, exactly the tokens available are admitted — never one more.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <random>
#include <vector>

#include "limiter/clock.hpp"
#include "limiter/throttle.hpp"
#include "tests/limiter/concurrency_support.hpp"

namespace ug::limiter {
namespace {

using namespace ug::limiter::test;

constexpr int phase_count = 30;

/// Deterministic clock steps between phases: often 0, sometimes about one
/// emission interval, sometimes several.
std::vector<std::int64_t> phase_steps(const throttle_params& p, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::int64_t interval_ns = std::max<std::int64_t>(1, p.units_per_token / p.units_per_ns);
  std::vector<std::int64_t> steps(phase_count);
  for (auto& s : steps) {
    const auto r = rng() % 4;
    s = r == 0 ? 0
               : static_cast<std::int64_t>(
                     rng() % static_cast<std::uint64_t>((r == 3 ? 5 : 1) * interval_ns + 2));
  }
  return steps;
}

/// Tokens a sequential reference bucket hands out at `now`, up to `cap`.
std::int64_t drain(gcra_bucket& reference, const throttle_params& p, std::int64_t now,
                   std::int64_t cap) {
  std::int64_t n = 0;
  while (n < cap && reference.try_acquire(p, now).allowed) {
    ++n;
  }
  return n;
}

class OneHotKey : public testing::TestWithParam<rate_case> {};

TEST_P(OneHotKey, ExactlyTheAvailableTokensAreAdmittedEachPhase) {
  const rate_case c = GetParam();
  const throttle_params p = throttle_params::make(c.rate, c.burst);
  constexpr int attempts = 40;  // per thread per phase
  const std::vector<std::int64_t> steps = phase_steps(p, static_cast<std::uint64_t>(c.burst));
  run_hot_bucket(
      c, steps,
      [&](gcra_bucket& shared, const manual_clock& clock, int) {
        std::int64_t mine = 0;
        for (int a = 0; a < attempts; ++a) {
          mine += shared.try_acquire(p, clock.now().mono_ns).allowed ? 1 : 0;
        }
        return mine;
      },
      [&](gcra_bucket&, gcra_bucket& reference, int phase, std::int64_t now, std::int64_t got) {
        const std::int64_t want = drain(reference, p, now, std::int64_t{attempts} * thread_count);
        EXPECT_EQ(got, want) << "phase " << phase;
      });
}

INSTANTIATE_TEST_SUITE_P(Rates, OneHotKey,
                         testing::Values(rate_case{3, 5, 3, 1}, rate_case{1, 1, 1, 1},
                                         rate_case{0.5, 20, 5, 10}, rate_case{17, 3, 17, 1},
                                         rate_case{1e6, 100, 1'000'000, 1},
                                         rate_case{3e9, 50, 3'000'000'000, 1}));

TEST(ManyKeys, EachKeyExactUnderContention) {
  constexpr std::size_t key_count = 64;
  constexpr int rounds = 3;  // passes over all keys per thread per phase
  const rate_case c{7, 2, 7, 1};
  const throttle_params p = throttle_params::make(c.rate, c.burst);
  const std::vector<std::int64_t> steps = phase_steps(p, 99);
  manual_clock clock;
  std::vector<gcra_bucket> buckets(key_count);
  std::vector<gcra_bucket> references(key_count);
  std::vector<std::atomic<std::int64_t>> admitted(key_count);
  std::vector<std::int64_t> expected(key_count, 0);
  run_held_time_phases(
      clock, steps,
      [&](int w) {
        std::int64_t mine = 0;
        for (int r = 0; r < rounds; ++r) {
          for (std::size_t k = 0; k < key_count; ++k) {
            // Each thread walks the keys in its own order.
            const std::size_t key = (k * 5 + static_cast<std::size_t>(w) * 7) % key_count;
            if (buckets[key].try_acquire(p, clock.now().mono_ns).allowed) {
              admitted[key].fetch_add(1, std::memory_order_relaxed);
              ++mine;
            }
          }
        }
        return mine;
      },
      [&](int phase, std::int64_t now, std::int64_t) {
        for (std::size_t key = 0; key < key_count; ++key) {
          expected[key] += drain(references[key], p, now, std::int64_t{rounds} * thread_count);
          EXPECT_EQ(admitted[key].load(), expected[key]) << "key " << key << " phase " << phase;
        }
      });
}

TEST(OneHotKey, AcquireAndRefundRacesLoseNothing) {
  // Threads take and give back tokens concurrently; at the end, with time
  // still, the bucket holds exactly burst minus the tokens kept.
  const throttle_params p = throttle_params::make(1, 1000);
  constexpr std::int64_t now = 1'000'000'000;
  gcra_bucket bucket;
  std::atomic<std::int64_t> kept{0};
  run_threads([&](int w) {
    for (int i = 0; i < 200; ++i) {
      if (bucket.try_acquire(p, now).allowed) {
        if ((i + w) % 3 == 0) {
          kept.fetch_add(1, std::memory_order_relaxed);
        } else {
          bucket.refund(p);
        }
      }
    }
  });
  std::int64_t left = 0;
  while (left < 2000 && bucket.try_acquire(p, now).allowed) {
    ++left;
  }
  EXPECT_EQ(left, 1000 - kept.load());
}

}  // namespace
}  // namespace ug::limiter
