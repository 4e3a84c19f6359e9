// Many threads on one bucket and on many buckets, with time held still inside
// each phase (manual clock, advanced between barriers): whatever the
// interleaving, exactly the tokens available are admitted — never one more.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <barrier>
#include <cstdint>
#include <ostream>
#include <random>
#include <thread>
#include <vector>

#include "limiter/clock.hpp"
#include "limiter/throttle.hpp"

namespace ug::limiter {
namespace {

constexpr int thread_count = 8;
constexpr int phase_count = 30;

struct rate_case {
  double rate;
  std::int64_t burst;
  std::int64_t num;  // rate = num / den, for the exact bound
  std::int64_t den;
};

/// floor(num * length_ns / (den * 1e9)).
std::int64_t tokens_in(const rate_case& c, std::int64_t length_ns) {
  __extension__ typedef __int128 i128;
  return static_cast<std::int64_t>(static_cast<i128>(c.num) * length_ns /
                                   (static_cast<i128>(c.den) * 1'000'000'000));
}

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

void PrintTo(const rate_case& c, std::ostream* os) {
  *os << "rate " << c.rate << " burst " << c.burst;
}

class OneHotKey : public testing::TestWithParam<rate_case> {};

TEST_P(OneHotKey, ExactlyTheAvailableTokensAreAdmittedEachPhase) {
  const rate_case c = GetParam();
  const throttle_params p = throttle_params::make(c.rate, c.burst);
  constexpr int attempts = 40;  // per thread per phase
  const std::vector<std::int64_t> steps = phase_steps(p, static_cast<std::uint64_t>(c.burst));
  manual_clock clock;
  gcra_bucket shared;
  std::array<std::atomic<std::int64_t>, phase_count> admitted{};
  std::barrier sync(thread_count + 1);

  std::vector<std::thread> workers;
  for (int w = 0; w < thread_count; ++w) {
    workers.emplace_back([&] {
      for (int phase = 0; phase < phase_count; ++phase) {
        sync.arrive_and_wait();
        std::int64_t mine = 0;
        for (int a = 0; a < attempts; ++a) {
          mine += shared.try_acquire(p, clock.now().mono_ns).allowed ? 1 : 0;
        }
        admitted[static_cast<std::size_t>(phase)].fetch_add(mine, std::memory_order_relaxed);
        sync.arrive_and_wait();
      }
    });
  }

  gcra_bucket reference;
  const std::int64_t first_ns = clock.now().mono_ns + steps[0];
  std::int64_t total = 0;
  for (int phase = 0; phase < phase_count; ++phase) {
    clock.advance_ns(steps[static_cast<std::size_t>(phase)]);
    const std::int64_t now = clock.now().mono_ns;
    sync.arrive_and_wait();  // workers run with time held at `now`
    sync.arrive_and_wait();
    const std::int64_t got = admitted[static_cast<std::size_t>(phase)].load();
    const std::int64_t want = drain(reference, p, now, std::int64_t{attempts} * thread_count);
    EXPECT_EQ(got, want) << "phase " << phase;
    total += got;
    // Over the whole run so far: never more than burst + floor(rate * length).
    EXPECT_LE(total, c.burst + tokens_in(c, now - first_ns + 1)) << "phase " << phase;
  }
  for (auto& t : workers) {
    t.join();
  }
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
  std::barrier sync(thread_count + 1);

  std::vector<std::thread> workers;
  for (int w = 0; w < thread_count; ++w) {
    workers.emplace_back([&, w] {
      for (int phase = 0; phase < phase_count; ++phase) {
        sync.arrive_and_wait();
        for (int r = 0; r < rounds; ++r) {
          for (std::size_t k = 0; k < key_count; ++k) {
            // Each thread walks the keys in its own order.
            const std::size_t key = (k * 5 + static_cast<std::size_t>(w) * 7) % key_count;
            if (buckets[key].try_acquire(p, clock.now().mono_ns).allowed) {
              admitted[key].fetch_add(1, std::memory_order_relaxed);
            }
          }
        }
        sync.arrive_and_wait();
      }
    });
  }

  std::vector<std::int64_t> expected(key_count, 0);
  for (int phase = 0; phase < phase_count; ++phase) {
    clock.advance_ns(steps[static_cast<std::size_t>(phase)]);
    const std::int64_t now = clock.now().mono_ns;
    sync.arrive_and_wait();
    sync.arrive_and_wait();
    for (std::size_t key = 0; key < key_count; ++key) {
      expected[key] += drain(references[key], p, now, std::int64_t{rounds} * thread_count);
      EXPECT_EQ(admitted[key].load(), expected[key]) << "key " << key << " phase " << phase;
    }
  }
  for (auto& t : workers) {
    t.join();
  }
}

TEST(OneHotKey, AcquireAndRefundRacesLoseNothing) {
  // Threads take and give back tokens concurrently; at the end, with time
  // still, the bucket holds exactly burst minus the tokens kept.
  const throttle_params p = throttle_params::make(1, 1000);
  constexpr std::int64_t now = 1'000'000'000;
  gcra_bucket bucket;
  std::atomic<std::int64_t> kept{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < thread_count; ++w) {
    workers.emplace_back([&, w] {
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
  }
  for (auto& t : workers) {
    t.join();
  }
  std::int64_t left = 0;
  while (left < 2000 && bucket.try_acquire(p, now).allowed) {
    ++left;
  }
  EXPECT_EQ(left, 1000 - kept.load());
}

}  // namespace
}  // namespace ug::limiter
