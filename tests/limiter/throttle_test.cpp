#include "limiter/throttle.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <random>
#include <vector>

namespace ug::limiter {
namespace {

constexpr std::int64_t s_ns = 1'000'000'000;
constexpr std::int64_t t0_ns = 5 * s_ns;  // any start: mono time is relative to process start

// ---------------------------------------------------------------------------
// Parameter compilation.

struct params_case {
  double rate;
  std::int64_t burst;
  bool deny_all;
  std::int64_t units_per_ns;
  std::int64_t units_per_token;
  std::int64_t tolerance_units;
  bool exact;
};

void PrintTo(const params_case& c, std::ostream* os) {
  *os << "rate " << c.rate << " burst " << c.burst;
}

class ThrottleParams : public testing::TestWithParam<params_case> {};

TEST_P(ThrottleParams, CompilesToIntegerScale) {
  const params_case& c = GetParam();
  const throttle_params p = throttle_params::make(c.rate, c.burst);
  EXPECT_EQ(p.deny_all, c.deny_all);
  if (c.deny_all) {
    return;
  }
  EXPECT_EQ(p.units_per_ns, c.units_per_ns);
  EXPECT_EQ(p.units_per_token, c.units_per_token);
  EXPECT_EQ(p.tolerance_units, c.tolerance_units);
  EXPECT_EQ(p.exact, c.exact);
  // No unit computation may overflow up to the clamp.
  EXPECT_GT(p.max_now_ns, 0);
  if (p.units_per_ns > 0) {
    EXPECT_LE(p.max_now_ns,
              (std::numeric_limits<std::int64_t>::max() - p.tolerance_units - p.units_per_token) /
                  p.units_per_ns);
  }
}

constexpr std::int64_t two31 = std::int64_t{1} << 31;

INSTANTIATE_TEST_SUITE_P(
    Table, ThrottleParams,
    testing::Values(
        params_case{1, 10, false, 1, s_ns, 10 * s_ns, true},
        params_case{3, 1, false, 3, s_ns, s_ns, true},  // 1e9/3 ns = 1e9 units / 3 units per ns
        params_case{0.5, 1, false, 1, 2 * s_ns, 2 * s_ns, true},
        params_case{0.1, 2, false, 1, 10 * s_ns, 20 * s_ns, true},
        params_case{12, 5, false, 3, 250'000'000, 1'250'000'000, true},
        params_case{10000, 5000, false, 1, 100'000, 500'000'000, true},
        params_case{2.5, 4, false, 1, 400'000'000, 1'600'000'000, true},
        params_case{1e9, two31, false, 1, 1, two31, true},  // one token per ns
        params_case{3e9, 7, false, 3, 1, 7, true},          // three tokens per ns
        // 1e9/17 ns has denominator 17 > 16: conservative ceiling in whole ns.
        params_case{17, 1, false, 1, 58'823'530, 58'823'530, false},
        params_case{1234.5678, 3, false, 1, 810'001, 3 * 810'001, false},
        // Huge burst at a tiny rate: tolerance capped at 2^59 units (576 tokens).
        params_case{1e-6, two31, false, 1, 1'000'000'000'000'000, 576'000'000'000'000'000, true},
        // Beyond 6 decimals and rarer than one token per 9 years: interval capped at 2^58.
        params_case{1e-9, 1, false, 1, std::int64_t{1} << 58, std::int64_t{1} << 58, false},
        // Beyond any clock: at most one token per ns.
        params_case{1e300, 3, false, 1, 1, 3, false},
        // Rate 0 never refills: the clock stands still and a token is one unit.
        params_case{0, 10, false, 0, 1, 10, true}, params_case{10, 0, true, 0, 0, 0, false},
        params_case{0, 0, true, 0, 0, 0, false}, params_case{std::nan(""), 5, true, 0, 0, 0, false},
        params_case{-1, 5, true, 0, 0, 0, false}, params_case{5, -1, true, 0, 0, 0, false}));

// ---------------------------------------------------------------------------
// Decision vectors (redis-cell style): (offset from t0, allowed, remaining,
// retry_after, reset_after). A reading of n ns stands for [n, n+1), so "full
// again" and "retry" land on the last nanosecond before the exact instant.

struct step {
  std::int64_t at_ns;
  bool allowed;
  std::int64_t remaining;
  std::int64_t retry_after_ns;
  std::int64_t reset_after_ns;
};

struct vector_case {
  const char* name;
  double rate;
  std::int64_t burst;
  std::vector<step> steps;
};

class ThrottleVectors : public testing::TestWithParam<vector_case> {};

TEST_P(ThrottleVectors, MatchesExpectedDecisions) {
  const vector_case& c = GetParam();
  const throttle_params p = throttle_params::make(c.rate, c.burst);
  gcra_bucket bucket;
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const step& s = c.steps[i];
    SCOPED_TRACE(testing::Message() << c.name << " step " << i << " at +" << s.at_ns);
    const throttle_result r = bucket.try_acquire(p, t0_ns + s.at_ns);
    EXPECT_EQ(r.allowed, s.allowed);
    EXPECT_EQ(r.remaining, s.remaining);
    EXPECT_EQ(r.retry_after_ns, s.retry_after_ns);
    EXPECT_EQ(r.reset_after_ns, s.reset_after_ns);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ThrottleVectors,
    testing::Values(vector_case{"rate1_burst2",
                                1,
                                2,
                                {{0, true, 1, 0, s_ns - 1},
                                 {0, true, 0, 0, 2 * s_ns - 1},
                                 {0, false, 0, s_ns - 1, 2 * s_ns - 1},
                                 {s_ns - 2, false, 0, 1, s_ns + 1},
                                 {s_ns - 1, true, 0, 0, 2 * s_ns},
                                 {3 * s_ns, true, 1, 0, s_ns - 1}}},
                    vector_case{"half_per_second",
                                0.5,
                                1,
                                {{0, true, 0, 0, 2 * s_ns - 1},
                                 {s_ns, false, 0, s_ns - 1, s_ns - 1},
                                 {2 * s_ns - 2, false, 0, 1, 1},
                                 {2 * s_ns - 1, true, 0, 0, 2 * s_ns}}},
                    vector_case{"tenth_per_second",
                                0.1,
                                1,
                                {{0, true, 0, 0, 10 * s_ns - 1},
                                 {9 * s_ns, false, 0, s_ns - 1, s_ns - 1},
                                 {10 * s_ns - 1, true, 0, 0, 10 * s_ns}}},
                    vector_case{"burst_larger_than_rate",
                                2,
                                5,
                                {{0, true, 4, 0, s_ns / 2 - 1},
                                 {0, true, 3, 0, s_ns - 1},
                                 {0, true, 2, 0, 3 * s_ns / 2 - 1},
                                 {0, true, 1, 0, 2 * s_ns - 1},
                                 {0, true, 0, 0, 5 * s_ns / 2 - 1},
                                 {0, false, 0, s_ns / 2 - 1, 5 * s_ns / 2 - 1},
                                 {s_ns, true, 1, 0, 2 * s_ns - 1},
                                 {s_ns, true, 0, 0, 5 * s_ns / 2 - 1},
                                 {s_ns, false, 0, s_ns / 2 - 1, 5 * s_ns / 2 - 1}}},
                    // 1e9/3 ns is 333333333.33 ns: units make it exact (3 units per ns).
                    vector_case{"rate3_burst1",
                                3,
                                1,
                                {{0, true, 0, 0, 333'333'333},
                                 {333'333'332, false, 0, 1, 1},
                                 {333'333'333, true, 0, 0, 333'333'333},
                                 {666'666'666, true, 0, 0, 333'333'333}}}),
    [](const testing::TestParamInfo<vector_case>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(GcraBucket, StartsFullAndCountsDown) {
  for (std::int64_t burst : {1, 2, 7, 100}) {
    const throttle_params p = throttle_params::make(1, burst);
    gcra_bucket bucket;
    for (std::int64_t i = 0; i < burst; ++i) {
      const throttle_result r = bucket.try_acquire(p, t0_ns);
      ASSERT_TRUE(r.allowed) << "burst " << burst << " request " << i;
      EXPECT_EQ(r.remaining, burst - 1 - i);
    }
    EXPECT_FALSE(bucket.try_acquire(p, t0_ns).allowed) << "burst " << burst;
  }
}

TEST(GcraBucket, StartsFullAtProcessStart) {
  const throttle_params p = throttle_params::make(1, 3);
  gcra_bucket bucket;
  EXPECT_TRUE(bucket.try_acquire(p, 0).allowed);
  EXPECT_TRUE(bucket.try_acquire(p, 0).allowed);
  EXPECT_TRUE(bucket.try_acquire(p, 0).allowed);
  EXPECT_FALSE(bucket.try_acquire(p, 0).allowed);
}

TEST(GcraBucket, BurstZeroDeniesEverythingForever) {
  for (const auto& [rate, burst] :
       {std::pair{10.0, std::int64_t{0}}, std::pair{0.0, std::int64_t{0}}}) {
    const throttle_params p = throttle_params::make(rate, burst);
    gcra_bucket bucket;
    for (std::int64_t t : {std::int64_t{0}, t0_ns, 1000 * s_ns}) {
      const throttle_result r = bucket.try_acquire(p, t);
      EXPECT_FALSE(r.allowed);
      EXPECT_EQ(r.remaining, 0);
      EXPECT_EQ(r.retry_after_ns, -1) << "can never pass";
      EXPECT_FALSE(bucket.peek(p, t).allowed);
    }
  }
}

TEST(GcraBucket, RateZeroAdmitsTheBurstOnceThenNothingEver) {
  const throttle_params p = throttle_params::make(0, 10);
  ASSERT_TRUE(p.never_refills());
  gcra_bucket bucket;
  EXPECT_EQ(bucket.peek(p, 0).remaining, 9) << "full: 10, less the one a request would take";
  for (std::int64_t i = 0; i < 10; ++i) {
    // Spread over years: time refills nothing, so when they come is irrelevant.
    const throttle_result r = bucket.try_acquire(p, t0_ns + i * 1'000'000 * s_ns);
    ASSERT_TRUE(r.allowed) << i;
    EXPECT_EQ(r.remaining, 9 - i);
    EXPECT_EQ(r.reset_after_ns, -1) << "never full again";
  }
  for (std::int64_t t : {t0_ns, 1000 * s_ns, std::numeric_limits<std::int64_t>::max()}) {
    const throttle_result r = bucket.try_acquire(p, t);
    EXPECT_FALSE(r.allowed);
    EXPECT_EQ(r.remaining, 0);
    EXPECT_EQ(r.retry_after_ns, -1) << "no token ever comes back";
    EXPECT_EQ(r.reset_after_ns, -1);
    EXPECT_FALSE(bucket.peek(p, t).allowed);
  }
  // A refund (all or nothing) still gives back the one token it took.
  bucket.refund(p);
  EXPECT_TRUE(bucket.try_acquire(p, t0_ns).allowed);
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns).allowed);
}

TEST(GcraBucket, RefundGivesBackExactlyOneToken) {
  const throttle_params p = throttle_params::make(1, 3);
  gcra_bucket bucket;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(bucket.try_acquire(p, t0_ns).allowed);
  }
  ASSERT_FALSE(bucket.try_acquire(p, t0_ns).allowed);
  bucket.refund(p);
  const throttle_result r = bucket.try_acquire(p, t0_ns);
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.remaining, 0);
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns).allowed);
}

TEST(GcraBucket, RefundNeverOverfillsAFullBucket) {
  const throttle_params p = throttle_params::make(1, 2);
  gcra_bucket bucket;
  ASSERT_TRUE(bucket.try_acquire(p, t0_ns).allowed);
  bucket.refund(p);
  bucket.refund(p);  // one more than was taken
  bucket.refund(p);
  int admitted = 0;
  while (bucket.try_acquire(p, t0_ns).allowed && admitted < 10) {
    ++admitted;
  }
  EXPECT_EQ(admitted, 2);
}

TEST(GcraBucket, PeekReportsWithoutTaking) {
  const throttle_params p = throttle_params::make(1, 2);
  gcra_bucket bucket;
  const throttle_result before = bucket.peek(p, t0_ns);
  EXPECT_TRUE(before.allowed);
  EXPECT_EQ(before.remaining, 1);  // what try_acquire would report
  const throttle_result taken = bucket.try_acquire(p, t0_ns);
  EXPECT_EQ(taken.remaining, before.remaining);
  EXPECT_EQ(taken.reset_after_ns, before.reset_after_ns);
  ASSERT_TRUE(bucket.try_acquire(p, t0_ns).allowed);
  const throttle_result empty = bucket.peek(p, t0_ns);
  EXPECT_FALSE(empty.allowed);
  EXPECT_EQ(empty.retry_after_ns, s_ns - 1);
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns).allowed);
}

TEST(GcraBucket, StaleReadingIsNeverMoreGenerous) {
  const throttle_params p = throttle_params::make(10, 1);
  gcra_bucket bucket;
  ASSERT_TRUE(bucket.try_acquire(p, t0_ns + s_ns).allowed);
  // A thread that read the clock earlier arrives later: still refused.
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns).allowed);
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns + s_ns).allowed);
  EXPECT_TRUE(bucket.try_acquire(p, t0_ns + s_ns + s_ns / 10).allowed);
}

// ---------------------------------------------------------------------------
// Pacing: a client sending at exactly `rate`, at integer-ns instants
// ceil(k * 1e9 / rate), is never refused, even with a burst of 1.

struct exact_rate {
  std::int64_t num;  // rate = num / den
  std::int64_t den;
};

std::int64_t paced_ns(std::int64_t k, const exact_rate& r) {
  // ceil(k * 1e9 * den / num) in 128-bit arithmetic.
  __extension__ typedef __int128 i128;
  const i128 n = static_cast<i128>(k) * s_ns * r.den;
  return static_cast<std::int64_t>((n + r.num - 1) / r.num);
}

TEST(GcraBucket, Rate3Burst1PacedAtCeilingInstantsNeverRefused) {
  const throttle_params p = throttle_params::make(3, 1);
  gcra_bucket bucket;
  for (std::int64_t k = 0; k < 30'000; ++k) {
    const std::int64_t at = t0_ns + paced_ns(k, {3, 1});
    ASSERT_TRUE(bucket.try_acquire(p, at).allowed) << "k=" << k << " at " << at;
  }
}

TEST(GcraBucket, ExactRatesPacedAtTheirRateNeverRefused) {
  const std::vector<exact_rate> rates = {{1, 1},   {3, 1},   {7, 1},   {11, 1}, {13, 1},
                                         {12, 1},  {5, 10},  {1, 10},  {15, 1}, {9, 1},
                                         {25, 10}, {7, 100}, {1000, 1}};
  for (const exact_rate& r : rates) {
    const double rate = static_cast<double>(r.num) / static_cast<double>(r.den);
    const throttle_params p = throttle_params::make(rate, 1);
    ASSERT_TRUE(p.exact) << rate;
    gcra_bucket bucket;
    for (std::int64_t k = 0; k < 2'000; ++k) {
      ASSERT_TRUE(bucket.try_acquire(p, t0_ns + paced_ns(k, r)).allowed)
          << "rate " << rate << " k=" << k;
    }
    // ... and one request more than the pace allows is refused.
    EXPECT_FALSE(bucket.try_acquire(p, t0_ns + paced_ns(1'999, r)).allowed) << rate;
  }
}

// ---------------------------------------------------------------------------
// The interval bound, by brute force. For every window [a, b) (half-open, in
// whole ns) the admitted count is <= burst + floor(rate * (b - a)); and for an
// exact rate, a request is refused only if admitting it would break that
// bound for some window ending with it (nothing is refused needlessly).

struct bound_case {
  std::int64_t num;  // rate = num / den (decimal)
  std::int64_t den;
  std::int64_t burst;
};

/// floor(rate * length_ns / 1e9) for rate = num / den.
std::int64_t tokens_in(const bound_case& c, std::int64_t length_ns) {
  __extension__ typedef __int128 i128;
  return static_cast<std::int64_t>(static_cast<i128>(c.num) * length_ns /
                                   (static_cast<i128>(c.den) * s_ns));
}

/// Would admitting a request at `t` keep every window ending at `t` in bounds?
bool bound_allows(const bound_case& c, const std::vector<std::int64_t>& admitted, std::int64_t t) {
  std::int64_t count = 1;  // the request itself
  if (count > c.burst + tokens_in(c, 1)) {
    return false;
  }
  for (auto it = admitted.rbegin(); it != admitted.rend(); ++it) {
    ++count;
    if (count > c.burst + tokens_in(c, t - *it + 1)) {
      return false;
    }
  }
  return true;
}

void PrintTo(const bound_case& c, std::ostream* os) {
  *os << "rate " << c.num << "/" << c.den << " burst " << c.burst;
}

class IntervalBound : public testing::TestWithParam<bound_case> {};

TEST_P(IntervalBound, HoldsOverRandomSchedulesAndIsTightForExactRates) {
  const bound_case& c = GetParam();
  const double rate = static_cast<double>(c.num) / static_cast<double>(c.den);
  const throttle_params p = throttle_params::make(rate, c.burst);
  ASSERT_FALSE(p.deny_all);
  const std::int64_t interval_ns = std::max<std::int64_t>(1, p.units_per_token / p.units_per_ns);
  std::mt19937_64 rng(static_cast<std::uint64_t>(c.num * 7919 + c.den * 31 + c.burst));
  for (int schedule = 0; schedule < 8; ++schedule) {
    gcra_bucket bucket;
    std::vector<std::int64_t> admitted;
    std::int64_t t = t0_ns;
    for (int i = 0; i < 300; ++i) {
      // Mix of same-instant bursts, sub-interval gaps, near-interval gaps and idle time.
      switch (rng() % 5) {
        case 0:
          break;
        case 1:
          t += static_cast<std::int64_t>(rng() % 3);
          break;
        case 2:
          t += static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(interval_ns + 1));
          break;
        case 3:
          t += interval_ns - 1 + static_cast<std::int64_t>(rng() % 3);
          break;
        default:
          t += static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(4 * interval_ns + 1));
          break;
      }
      const bool reference = bound_allows(c, admitted, t);
      const bool got = bucket.try_acquire(p, t).allowed;
      if (got) {
        ASSERT_TRUE(reference) << "over-admitted: rate " << rate << " burst " << c.burst
                               << " schedule " << schedule << " request " << i << " at " << t;
        admitted.push_back(t);
      } else if (p.exact) {
        ASSERT_FALSE(reference) << "needlessly refused: rate " << rate << " burst " << c.burst
                                << " schedule " << schedule << " request " << i << " at " << t;
      }
    }
    ASSERT_FALSE(admitted.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Pairs, IntervalBound,
    testing::Values(bound_case{1, 1, 1}, bound_case{1, 1, 5}, bound_case{3, 1, 1},
                    bound_case{3, 1, 4}, bound_case{7, 1, 2}, bound_case{12, 1, 3},
                    bound_case{5, 10, 1}, bound_case{1, 10, 3}, bound_case{25, 10, 2},
                    bound_case{100, 1, 10}, bound_case{10000, 1, 50}, bound_case{13, 1, 100},
                    bound_case{1'000'000'000, 1, 16}, bound_case{3'000'000'000, 1, 5},
                    bound_case{123'456, 1'000, 7},
                    // Rates that fall back to whole-ns intervals: the bound must still hold.
                    bound_case{17, 1, 1}, bound_case{17, 1, 6}, bound_case{3333, 10'000, 2},
                    bound_case{12'345'678, 10'000, 3}, bound_case{999'999'937, 1, 4}));

// ---------------------------------------------------------------------------
// Overflow guards: extreme parameters and readings stay defined (UBSan) and
// conservative.

TEST(GcraBucket, HugeRateAndBurst) {
  const throttle_params p = throttle_params::make(1e9, two31);
  gcra_bucket bucket;
  const throttle_result first = bucket.try_acquire(p, t0_ns);
  ASSERT_TRUE(first.allowed);
  // One token per ns: the reading's own nanosecond refills one more, so the
  // bucket still reports full (capped at the burst) after the first take.
  EXPECT_EQ(first.remaining, two31);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(bucket.try_acquire(p, t0_ns).allowed);
  }
  EXPECT_EQ(bucket.peek(p, t0_ns).remaining, two31 + 1 - 1002);
}

TEST(GcraBucket, TinyRateHugeBurstIsCappedConservatively) {
  const throttle_params p = throttle_params::make(1e-6, two31);
  gcra_bucket bucket;
  int admitted = 0;
  while (admitted < 2000 && bucket.try_acquire(p, t0_ns).allowed) {
    ++admitted;
  }
  EXPECT_EQ(admitted, 576);
  const throttle_result r = bucket.try_acquire(p, t0_ns);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.retry_after_ns, 1'000'000'000'000'000 - 1);
}

TEST(GcraBucket, ExtremeReadingsAreClamped) {
  for (const auto& [rate, burst] : {std::pair{13.0, std::int64_t{5}}, std::pair{1e9, two31},
                                    std::pair{1e-9, std::int64_t{3}}, std::pair{3e9, two31}}) {
    const throttle_params p = throttle_params::make(rate, burst);
    gcra_bucket bucket;
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    const std::int64_t min = std::numeric_limits<std::int64_t>::min();
    for (std::int64_t t :
         {max, max - 1, p.max_now_ns, min, std::int64_t{-5}, std::int64_t{0}, max}) {
      const throttle_result r = bucket.try_acquire(p, t);
      EXPECT_GE(r.remaining, 0);
      EXPECT_GE(r.reset_after_ns, 0);
      (void)bucket.peek(p, t);
    }
    for (int i = 0; i < 10; ++i) {
      bucket.refund(p);
    }
    EXPECT_TRUE(bucket.try_acquire(p, max).allowed) << rate;
  }
}

TEST(GcraBucket, StateFromOtherParametersCannotOverflow) {
  // A bucket reused with a much finer scale after a reload sees a huge stored
  // value: the decision stays defined, and the bucket restarts empty instead
  // of refusing for as long as the stale value says.
  const throttle_params coarse = throttle_params::make(1e-9, 1);
  const throttle_params fine = throttle_params::make(13, 1);
  gcra_bucket bucket;
  ASSERT_TRUE(bucket.try_acquire(coarse, coarse.max_now_ns).allowed);
  const throttle_result r = bucket.try_acquire(fine, t0_ns);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.retry_after_ns, 76'923'076) << "one interval (1e9/13 ns), read at its last ns";
  EXPECT_TRUE(bucket.try_acquire(fine, t0_ns + r.retry_after_ns).allowed);
}

TEST(GcraBucket, RateChangeUnderTheSameIdRecoversWithinOneInterval) {
  // TAT units depend on the rate (3/s: 3 units per ns; 10/s: 1 unit per ns).
  const throttle_params before = throttle_params::make(3, 5);
  const throttle_params after = throttle_params::make(10, 5);
  gcra_bucket bucket;
  const std::int64_t uptime_ns = 1000 * s_ns;
  ASSERT_TRUE(bucket.try_acquire(before, uptime_ns).allowed);
  const throttle_result r = bucket.try_acquire(after, uptime_ns);
  EXPECT_FALSE(r.allowed) << "restarts empty: never over-admits";
  EXPECT_LE(r.retry_after_ns, s_ns / 10);
  EXPECT_TRUE(bucket.try_acquire(after, uptime_ns + s_ns / 10).allowed);
  // peek reports what try_acquire would on such state (without restarting it).
  gcra_bucket other;
  ASSERT_TRUE(other.try_acquire(before, uptime_ns).allowed);
  const throttle_result peeked = other.peek(after, uptime_ns + 5);
  const throttle_result taken = other.try_acquire(after, uptime_ns + 5);
  EXPECT_FALSE(peeked.allowed);
  EXPECT_FALSE(taken.allowed);
  EXPECT_EQ(peeked.retry_after_ns, taken.retry_after_ns);
}

TEST(GcraBucket, ReadingsWithinAMinuteOfEachOtherAreNeverTreatedAsStale) {
  const throttle_params p = throttle_params::make(1, 1);
  gcra_bucket bucket;
  ASSERT_TRUE(bucket.try_acquire(p, t0_ns + 59 * s_ns).allowed);
  // A thread whose reading is 59 s older must not rewind the bucket.
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns).allowed);
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns + 59 * s_ns).allowed);
}

}  // namespace
}  // namespace ug::limiter
