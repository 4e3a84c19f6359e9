// A reload that changes a bucket's limits keeps the tokens it holds: the
// state is rewritten through tokens, whatever the two rates' units.
#include "limiter/throttle_carry_over.hpp"

#include <gtest/gtest.h>

#include <barrier>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "limiter/throttle.hpp"

namespace ug::limiter {
namespace {

constexpr std::int64_t s_ns = 1'000'000'000;
constexpr std::int64_t t0_ns = 5 * s_ns;
constexpr std::int64_t two31 = std::int64_t{1} << 31;
constexpr std::int64_t no_check = -2;

/// Whole tokens a request could take now (peek reports them less its own).
std::int64_t tokens_at(const gcra_bucket& bucket, const throttle_params& p, std::int64_t now) {
  const throttle_result r = bucket.peek(p, now);
  return r.allowed ? r.remaining + 1 : 0;
}

struct carry_case {
  const char* name;
  double from_rate;
  std::int64_t from_burst;
  std::int64_t taken;        ///< requests admitted under `from` at t0
  std::int64_t carry_at_ns;  ///< offset from t0 of the reload
  double to_rate;
  std::int64_t to_burst;
  std::int64_t tokens;          ///< held under `to` right after the reload
  std::int64_t retry_after_ns;  ///< of the request after those tokens (no_check: skip)
};

class CarryOver : public testing::TestWithParam<carry_case> {};

TEST_P(CarryOver, KeepsTheTokensHeldNow) {
  const carry_case& c = GetParam();
  const throttle_params from = throttle_params::make(c.from_rate, c.from_burst);
  const throttle_params to = throttle_params::make(c.to_rate, c.to_burst);
  gcra_bucket bucket;
  for (std::int64_t i = 0; i < c.taken; ++i) {
    ASSERT_TRUE(bucket.try_acquire(from, t0_ns).allowed) << i;
  }
  const std::int64_t now = t0_ns + c.carry_at_ns;
  bucket.carry_over(from, to, now);
  EXPECT_EQ(tokens_at(bucket, to, now), c.tokens);
  if (c.tokens > 10'000) {
    return;  // too many to take one by one; peek vouches for them
  }
  for (std::int64_t i = 0; i < c.tokens; ++i) {
    ASSERT_TRUE(bucket.try_acquire(to, now).allowed) << i;
  }
  const throttle_result next = bucket.try_acquire(to, now);
  EXPECT_FALSE(next.allowed);
  if (c.retry_after_ns != no_check) {
    EXPECT_EQ(next.retry_after_ns, c.retry_after_ns);
  }
}

void PrintTo(const carry_case& c, std::ostream* os) {
  *os << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CarryOver,
    testing::Values(
        // The scenario: raised from burst 2 / rate 0.01 with both tokens
        // spent, the key gets the added burst at once (was: 429 until the old
        // 100 s interval ran out).
        carry_case{"raise_after_throttled", 0.01, 2, 2, 0, 1000, 1000, 998, 999'999},
        // ... and the lowering before it: 995 left, capped at the new burst.
        carry_case{"lower_caps_at_new_burst", 1000, 1000, 5, 0, 0.01, 2, 2, 100 * s_ns - 1},
        carry_case{"raise_burst_keeps_spent", 1, 10, 10, 0, 1, 100, 90, s_ns - 1},
        // A lowering never grants more than the key held: 1 left, not 5 - 9.
        carry_case{"lower_keeps_fewer_left", 1, 10, 9, 0, 1, 5, 1, s_ns - 1},
        carry_case{"lower_rate_same_burst", 1000, 1000, 500, 0, 1, 1000, 500, s_ns - 1},
        // Rate up, burst unchanged: still empty, refilling at the new rate.
        carry_case{"raise_rate_same_burst", 1, 5, 5, 0, 10, 5, 0, s_ns / 10 - 1},
        // 1/s counts in ns, 3/s in thirds of a ns: the conversion goes through
        // tokens (was: a fresh, full bucket under the new scale).
        carry_case{"other_time_scale", 1, 3, 3, 0, 3, 3, 0, 333'333'333},
        carry_case{"other_time_scale_back", 3, 3, 3, 0, 1, 3, 0, s_ns - 1},
        // 2.5 of 10 tokens refilled before the reload: 7.5 spent, at 2/s 3.75 s
        // to refill; after taking the 2 whole tokens the next is 0.25 s away.
        carry_case{"partial_refill_before", 1, 10, 10, 2'500'000'000, 2, 10, 2, 250'000'000 - 1},
        carry_case{"full_stays_full", 7, 4, 0, 0, 13, 9, 9, s_ns / 13},
        // Rate 0 never refills: what is left is all there will be.
        carry_case{"to_rate_zero", 1, 10, 4, 0, 0, 10, 6, -1},
        carry_case{"from_rate_zero", 0, 10, 10, 0, 1, 10, 0, s_ns - 1},
        carry_case{"rate_zero_raise_burst", 0, 10, 3, 0, 0, 20, 17, -1},
        carry_case{"rate_zero_lower_burst", 0, 10, 3, 0, 0, 5, 5, -1},
        // A bucket of size 0 held nothing and spent nothing: the new one is full.
        carry_case{"from_burst_zero", 5, 0, 0, 0, 1, 3, 3, s_ns - 1},
        // Extreme scales: one token per ns against one per 11.6 days. (At 1e9/s
        // a reading's own nanosecond refills one more token.)
        carry_case{"finest_to_coarsest", 1e9, 1000, 1001, 0, 1e-6, 3, 0, no_check},
        carry_case{"coarsest_to_finest", 1e-6, 10, 10, 0, 1e9, two31, two31 - 9, no_check}),
    [](const testing::TestParamInfo<carry_case>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(CarryOver, SameLimitsLeaveTheStateAlone) {
  const throttle_params p = throttle_params::make(3, 5);
  gcra_bucket bucket;
  ASSERT_TRUE(bucket.try_acquire(p, t0_ns).allowed);
  const throttle_result before = bucket.peek(p, t0_ns + 7);
  bucket.carry_over(p, throttle_params::make(3, 5), t0_ns + 1000 * s_ns);
  const throttle_result after = bucket.peek(p, t0_ns + 7);
  EXPECT_EQ(after.remaining, before.remaining);
  EXPECT_EQ(after.reset_after_ns, before.reset_after_ns);
}

TEST(CarryOver, ThroughBurstZeroAndBackStartsFull) {
  const throttle_params open = throttle_params::make(1, 10);
  const throttle_params closed = throttle_params::make(1, 0);
  gcra_bucket bucket;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(bucket.try_acquire(open, t0_ns).allowed);
  }
  bucket.carry_over(open, closed, t0_ns);
  EXPECT_FALSE(bucket.try_acquire(closed, t0_ns).allowed);
  bucket.carry_over(closed, open, t0_ns);
  EXPECT_EQ(tokens_at(bucket, open, t0_ns), 10);
}

TEST(CarryOver, AStateBeyondEmptyCountsAsEmpty) {
  // A worker whose clock reading is later than the reload's left the state
  // further ahead than an empty bucket at the reload's reading.
  const throttle_params from = throttle_params::make(1, 2);
  const throttle_params to = throttle_params::make(2, 2);
  gcra_bucket bucket;
  ASSERT_TRUE(bucket.try_acquire(from, t0_ns + 30 * s_ns).allowed);
  ASSERT_TRUE(bucket.try_acquire(from, t0_ns + 30 * s_ns).allowed);
  bucket.carry_over(from, to, t0_ns);
  EXPECT_EQ(tokens_at(bucket, to, t0_ns), 0);
  EXPECT_EQ(tokens_at(bucket, to, t0_ns + s_ns), 2) << "empty at 2/s: full after 1 s";
}

TEST(CarryOver, ExtremeStatesStayDefined) {
  // Refunds below now, readings at the clamp: UBSan checks the arithmetic.
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  for (const auto& [from_rate, to_rate] :
       {std::pair{1e9, 1e-9}, std::pair{1e-9, 1e9}, std::pair{3e9, 0.0}, std::pair{0.0, 3e9}}) {
    const throttle_params from = throttle_params::make(from_rate, two31);
    const throttle_params to = throttle_params::make(to_rate, two31);
    gcra_bucket bucket;
    for (int i = 0; i < 50; ++i) {
      bucket.refund(from);
    }
    for (std::int64_t now : {std::int64_t{0}, t0_ns, max}) {
      bucket.carry_over(from, to, now);
      EXPECT_GE(tokens_at(bucket, to, now), 0);
      bucket.carry_over(to, from, now);
      (void)bucket.try_acquire(from, now);
    }
  }
}

TEST(CarryOver, ConcurrentRefundsAreNeverLost) {
  // An empty bucket of 100 lowered to 50 (same rate): the carry-over takes the
  // 50 removed tokens off what is spent, so after it and 40 concurrent
  // refunds, in whatever order, exactly 40 tokens are left. A carry-over that
  // wrote over a refund would leave fewer.
  const throttle_params from = throttle_params::make(1, 100);
  const throttle_params to = throttle_params::make(1, 50);
  constexpr int refunders = 4;
  constexpr int refunds_each = 10;
  for (int round = 0; round < 200; ++round) {
    gcra_bucket bucket;
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(bucket.try_acquire(from, t0_ns).allowed);
    }
    std::barrier start(refunders + 1);
    std::vector<std::thread> threads;
    for (int t = 0; t < refunders; ++t) {
      threads.emplace_back([&] {
        start.arrive_and_wait();
        for (int i = 0; i < refunds_each; ++i) {
          // Same token cost under both: the refund means the same before and after.
          bucket.refund(from);
        }
      });
    }
    start.arrive_and_wait();
    bucket.carry_over(from, to, t0_ns);
    for (std::thread& t : threads) {
      t.join();
    }
    ASSERT_EQ(tokens_at(bucket, to, t0_ns), refunders * refunds_each) << "round " << round;
  }
}

}  // namespace
}  // namespace ug::limiter
