#pragma once
// What the limiter's concurrency tests share: the thread count, running one
// body on every thread, the rate cases with their exact bound, and phases
// with time held still, in which whatever the interleaving the shared state
// must equal a sequential reference's; and one hot bucket run that way.
// Header-only.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <thread>
#include <vector>

#include "limiter/clock.hpp"
#include "limiter/throttle.hpp"

namespace ug::limiter::test {

inline constexpr int thread_count = 8;

/// Runs `body(thread_index)` on thread_count threads and joins them.
template <class Body>
void run_threads(Body body) {
  std::vector<std::thread> threads;
  for (int w = 0; w < thread_count; ++w) {
    threads.emplace_back(body, w);
  }
  for (auto& t : threads) {
    t.join();
  }
}

struct rate_case {
  double rate;
  std::int64_t burst;
  std::int64_t num;  // rate = num / den, for the exact bound
  std::int64_t den;
};

inline void PrintTo(const rate_case& c, std::ostream* os) {
  *os << "rate " << c.rate << " burst " << c.burst;
}

/// floor(num * length_ns / (den * 1e9)): the tokens the rate adds in `length_ns`.
inline std::int64_t tokens_in(const rate_case& c, std::int64_t length_ns) {
  __extension__ typedef __int128 i128;
  return static_cast<std::int64_t>(static_cast<i128>(c.num) * length_ns /
                                   (static_cast<i128>(c.den) * 1'000'000'000));
}

/// Runs one phase per entry of `steps` on thread_count threads. Before phase k
/// the clock moves on by steps[k] and then holds still while every thread runs
/// `work(thread_index)` once; what they return is summed. Then, with the
/// threads waiting, `check(phase, now_ns, sum)` runs on the calling thread.
/// After a fatal failure in a check the remaining phases still run, so the
/// threads finish and are joined, but are no longer checked.
template <class Work, class Check>
void run_held_time_phases(manual_clock& clock, const std::vector<std::int64_t>& steps, Work work,
                          Check check) {
  const int phase_count = static_cast<int>(steps.size());
  std::vector<std::atomic<std::int64_t>> sums(steps.size());
  std::barrier sync(thread_count + 1);
  std::vector<std::thread> threads;
  for (int w = 0; w < thread_count; ++w) {
    threads.emplace_back([&, w] {
      for (int phase = 0; phase < phase_count; ++phase) {
        sync.arrive_and_wait();
        const std::int64_t mine = work(w);
        sums[static_cast<std::size_t>(phase)].fetch_add(mine, std::memory_order_relaxed);
        sync.arrive_and_wait();
      }
    });
  }
  for (int phase = 0; phase < phase_count; ++phase) {
    clock.advance_ns(steps[static_cast<std::size_t>(phase)]);
    const std::int64_t now = clock.now().mono_ns;
    sync.arrive_and_wait();  // the threads run with time held at `now`
    sync.arrive_and_wait();
    if (!::testing::Test::HasFatalFailure()) {
      check(phase, now, sums[static_cast<std::size_t>(phase)].load());
    }
  }
  for (auto& t : threads) {
    t.join();
  }
}

/// One bucket shared by thread_count threads, run_held_time_phases over
/// `steps`. In each phase every thread takes from it through
/// `take(shared, clock, thread_index)`, which returns the tokens it got; then
/// `compare(shared, reference, phase, now_ns, got)` holds the shared bucket
/// against a sequential `reference`, and the tokens got so far must stay within
/// burst + floor(rate * length) of the run. Returns the tokens got in all.
template <class Take, class Compare>
std::int64_t run_hot_bucket(const rate_case& c, const std::vector<std::int64_t>& steps, Take take,
                            Compare compare) {
  manual_clock clock;
  gcra_bucket shared;
  gcra_bucket reference;
  const std::int64_t first_ns = clock.now().mono_ns + steps[0];
  std::int64_t total = 0;
  run_held_time_phases(
      clock, steps, [&](int w) { return take(shared, clock, w); },
      [&](int phase, std::int64_t now, std::int64_t got) {
        compare(shared, reference, phase, now, got);
        total += got;
        // Over the whole run so far: never more than burst + floor(rate * length).
        EXPECT_LE(total, c.burst + tokens_in(c, now - first_ns + 1)) << "phase " << phase;
      });
  return total;
}

}  // namespace ug::limiter::test
