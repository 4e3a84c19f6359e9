// AWS UpdateUsage in the limiter: set_remaining reports exactly which count it
// replaced, never moves a counter back a period, and is exact against
// threads counting at the same time (run under ThreadSanitizer too); the
// durable reservation word holds the negative counts an extension makes; the
// state registry finds a key's state without creating one.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "limiter/quota_counter.hpp"
#include "limiter/quota_journal.hpp"
#include "limiter/state_registry.hpp"
#include "tests/limiter/concurrency_support.hpp"
#include "tests/limiter/quota_test_support.hpp"

namespace ug::limiter {
namespace {

using namespace ug::limiter::test;

TEST(QuotaSetRemaining, ReportsTheCountItReplacedAndTheOneItLeft) {
  const quota_params p = daily(100);
  quota_counter c;
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(c.try_consume(p, day0).allowed);
  }
  const quota_set_result lowered = c.set_remaining(p, day0 + 5, 50);
  EXPECT_TRUE(lowered.applied);
  EXPECT_EQ(lowered.period_index, day_index0);
  EXPECT_EQ(lowered.used_before, 30);
  EXPECT_EQ(lowered.used_after, 50);
  EXPECT_EQ(c.peek(p, day0 + 6).remaining, 49) << "what peek would leave after one more";

  const quota_set_result extended = c.set_remaining(p, day0 + 7, 130);
  EXPECT_EQ(extended.used_before, 50);
  EXPECT_EQ(extended.used_after, -30);
  EXPECT_EQ(quota_counter::used_leaving(p, day_index0, 130), -30);
  EXPECT_EQ(quota_counter::used_leaving(p, day_index0, -4), 100) << "below 0 reads as 0";
}

TEST(QuotaSetRemaining, ACounterStillInAnOlderPeriodStartsTheNewOneAtTheSet) {
  const quota_params p = daily(10);
  quota_counter c;
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(c.try_consume(p, day0).allowed);
  }
  const quota_set_result r = c.set_remaining(p, day0 + day_ns, 3);
  EXPECT_TRUE(r.applied);
  EXPECT_EQ(r.period_index, day_index0 + 1);
  EXPECT_EQ(r.used_before, 0) << "nothing counted in the new day yet";
  EXPECT_EQ(c.used(p, day0 + day_ns), 7);
}

TEST(QuotaSetRemaining, NeverMovesTheCounterBackToAnEndedPeriod) {
  const quota_params p = daily(10);
  quota_counter c;
  // A worker whose reading is already in the next day counted there first.
  ASSERT_TRUE(c.try_consume(p, day0 + day_ns).allowed);
  ASSERT_TRUE(c.try_consume(p, day0 + day_ns).allowed);
  const quota_set_result r = c.set_remaining(p, day0 + day_ns - 1, 0);
  EXPECT_FALSE(r.applied);
  EXPECT_EQ(r.period_index, day_index0 + 1);
  EXPECT_EQ(r.used_before, 2);
  EXPECT_EQ(c.used(p, day0 + day_ns), 2) << "the new day's counts are kept";
  EXPECT_TRUE(c.try_consume(p, day0 + day_ns).allowed);
}

TEST(QuotaSetRemaining, FirstPeriodReductionIsPartOfTheLimitTheSetSubtractsFrom) {
  quota_params p = daily(10);
  p.first_period_reduction = 4;
  p.first_period_index = day_index0;
  EXPECT_EQ(quota_counter::used_leaving(p, day_index0, 2), 4);
  EXPECT_EQ(quota_counter::used_leaving(p, day_index0 + 1, 2), 8);
}

/// Threads count until refused while the calling thread sets the remaining
/// quota once in the middle: exactly `remaining` requests pass after the set,
/// however the CAS loops interleave.
void expect_exact_around_a_set(std::int64_t limit, std::int64_t remaining) {
  const quota_params p = daily(limit);
  quota_counter c;
  std::atomic<std::int64_t> admitted{0};
  std::atomic<bool> started{false};
  std::thread setter;
  quota_set_result set;
  run_threads([&](int w) {
    if (w == 0) {
      setter = std::thread([&] {
        while (c.used(p, day0) < 200) {
          std::this_thread::yield();
        }
        set = c.set_remaining(p, day0, remaining);
        started.store(true);
      });
    }
    std::int64_t mine = 0;
    // Keep counting until the set happened and the quota then ran out.
    for (;;) {
      if (c.try_consume(p, day0).allowed) {
        ++mine;
      } else if (started.load()) {
        break;
      } else {
        std::this_thread::yield();
      }
    }
    admitted.fetch_add(mine);
  });
  setter.join();
  ASSERT_TRUE(set.applied);
  EXPECT_GE(set.used_before, 200);
  EXPECT_EQ(admitted.load(), set.used_before + remaining)
      << "every request is before the set or counted against it";
  EXPECT_EQ(c.used(p, day0), limit);
}

TEST(QuotaSetRemainingConcurrency, LoweringIsExactWhileThreadsCount) {
  expect_exact_around_a_set(1'000'000, 1'000);
}

TEST(QuotaSetRemainingConcurrency, AnExtensionIsExactWhileThreadsCount) {
  expect_exact_around_a_set(2'000, 5'000);
}

TEST(DurableReservation, HoldsTheNegativeCountsOfAnExtension) {
  const std::uint64_t word = durable_reservation::pack(day_index0, -936);
  EXPECT_TRUE(durable_reservation::in_period(word, day_index0));
  EXPECT_FALSE(durable_reservation::in_period(word, day_index0 + 1));
  EXPECT_EQ(durable_reservation::reserved_of(word), -936);
  EXPECT_TRUE(durable_reservation::covers(word, day_index0, -1000));
  EXPECT_TRUE(durable_reservation::covers(word, day_index0, -936));
  EXPECT_FALSE(durable_reservation::covers(word, day_index0, -935));
  EXPECT_FALSE(durable_reservation::covers(word, day_index0 + 1, -1000));
  EXPECT_FALSE(durable_reservation::covers(0, day_index0, -1000)) << "0: nothing reserved";
  const std::uint64_t big = durable_reservation::pack(day_index0, INT64_MAX);
  EXPECT_EQ(durable_reservation::reserved_of(big), durable_reservation::max_reserved);
  EXPECT_EQ(durable_reservation::reserved_of(durable_reservation::pack(day_index0, 64)), 64);
}

TEST(StateRegistryFind, FindsWhatACompileCreatedAndCreatesNothing) {
  state_registry registry;
  EXPECT_EQ(registry.find_key_plan("gold", "k1"), nullptr) << "an empty registry";
  const std::shared_ptr<key_plan_state> made = registry.key_plan("gold", "k1");
  EXPECT_EQ(registry.find_key_plan("gold", "k1"), made);
  EXPECT_EQ(registry.find_key_plan("gol", "dk1"), nullptr) << "ids split where they were given";
  EXPECT_EQ(registry.find_key_plan("gold", "k2"), nullptr);
  EXPECT_EQ(registry.size(), 1U);
}

}  // namespace
}  // namespace ug::limiter
