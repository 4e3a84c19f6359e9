// Taking and giving back several tokens at once (gcra_bucket::try_acquire and
// refund with a token count): every decision and figure against an exact
// rational token bucket, the interval bound for the rates that are rounded,
// the boundaries (capacity, rate 0, deny_all, counts near INT64_MAX) and the
// one-token equivalence.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <ostream>
#include <random>
#include <vector>

#include "limiter/throttle.hpp"

namespace ug::limiter {
namespace {

__extension__ typedef __int128 i128;

constexpr std::int64_t s_ns = 1'000'000'000;
constexpr std::int64_t t0_ns = 5 * s_ns;
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

i128 ceil_div(i128 a, i128 b) {
  return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

/// A token bucket in exact rational arithmetic, for rate = num / den per
/// second: tokens are counted in 1 / (den * 1e9) parts, so a nanosecond
/// refills exactly `num` parts. `level` is what the bucket holds at the
/// instant `last_ns`. A reading of t ns decides at the end of its nanosecond
/// (level + one nanosecond's refill, uncapped) and takes the tokens at its
/// start, as docs/semantics.md ("Exactness") says.
class rational_bucket {
 public:
  rational_bucket(std::int64_t num, std::int64_t den, std::int64_t burst)
      : part_(num == 0 ? 1 : static_cast<i128>(den) * s_ns),
        refill_(num),
        full_(burst * part_),
        level_(full_),
        capacity_(burst) {}

  throttle_result try_acquire(std::int64_t now_ns, std::int64_t tokens) {
    advance(now_ns);
    throttle_result r;
    if (tokens >= 1 && tokens <= capacity_ && level_ + refill_ >= tokens * part_) {
      level_ -= tokens * part_;
      r.allowed = true;
    } else if (tokens >= 1 && tokens <= capacity_ && refill_ > 0) {
      // The first reading whose nanosecond ends with `tokens` in the bucket.
      r.retry_after_ns = static_cast<std::int64_t>(
          std::max<i128>(1, ceil_div(tokens * part_ - level_, refill_) - 1));
    } else {
      r.retry_after_ns = -1;
    }
    r.remaining = static_cast<std::int64_t>(std::min<i128>(capacity_, (level_ + refill_) / part_));
    if (refill_ == 0) {
      r.reset_after_ns = level_ >= full_ ? 0 : -1;
    } else {
      r.reset_after_ns =
          static_cast<std::int64_t>(std::max<i128>(0, ceil_div(full_ - level_, refill_) - 1));
    }
    return r;
  }

  void refund(std::int64_t tokens) {
    if (tokens >= 1) {
      level_ = std::min(full_, level_ + std::min(tokens, capacity_) * part_);
    }
  }

 private:
  void advance(std::int64_t now_ns) {
    level_ = std::min(full_, level_ + refill_ * (now_ns - last_ns_));
    last_ns_ = now_ns;
  }

  i128 part_;
  i128 refill_;
  i128 full_;
  i128 level_;
  std::int64_t capacity_;
  std::int64_t last_ns_ = 0;
};

struct rate_case {
  std::int64_t num;  // rate = num / den per second
  std::int64_t den;
  std::int64_t burst;
};

void PrintTo(const rate_case& c, std::ostream* os) {
  *os << "rate " << c.num << "/" << c.den << " burst " << c.burst;
}

throttle_params params_of(const rate_case& c) {
  return throttle_params::make(static_cast<double>(c.num) / static_cast<double>(c.den), c.burst);
}

/// Time steps mixing same-instant requests, sub-interval gaps, about one
/// interval per token and idle time; token counts mostly within the bucket,
/// sometimes just above it, sometimes absurd.
struct schedule {
  std::mt19937_64 rng;
  std::int64_t interval_ns;
  std::int64_t capacity;

  std::int64_t step_ns() {
    switch (rng() % 5) {
      case 0:
        return 0;
      case 1:
        return static_cast<std::int64_t>(rng() % 3);
      case 2:
        return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(interval_ns + 1));
      case 3:  // about k intervals, give or take a nanosecond
        return (1 + static_cast<std::int64_t>(rng() % 4)) * interval_ns - 1 +
               static_cast<std::int64_t>(rng() % 3);
      default:
        return static_cast<std::int64_t>(rng() %
                                         static_cast<std::uint64_t>(capacity * interval_ns + 1));
    }
  }

  std::int64_t tokens() {
    const auto r = rng() % 20;
    if (r == 0) {
      return capacity + 1 + static_cast<std::int64_t>(rng() % 3);
    }
    if (r == 1) {
      const std::int64_t odd[] = {0, -1, int64_max, std::numeric_limits<std::int64_t>::min()};
      return odd[rng() % 4];
    }
    return 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(capacity));
  }
};

std::int64_t interval_of(const throttle_params& p) {
  return p.never_refills() ? s_ns : std::max<std::int64_t>(1, p.units_per_token / p.units_per_ns);
}

class ExactRates : public testing::TestWithParam<rate_case> {};

TEST_P(ExactRates, EveryDecisionAndFigureMatchesTheRationalBucket) {
  const rate_case& c = GetParam();
  const throttle_params p = params_of(c);
  ASSERT_TRUE(p.exact);
  ASSERT_EQ(p.capacity_tokens(), c.burst);
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    schedule sched{std::mt19937_64(seed * 7919 + static_cast<std::uint64_t>(c.num + c.burst)),
                   interval_of(p), c.burst};
    gcra_bucket bucket;
    rational_bucket model(c.num, c.den, c.burst);
    std::int64_t t = t0_ns;
    for (int i = 0; i < 400; ++i) {
      t += sched.step_ns();
      if (sched.rng() % 4 == 0) {
        const std::int64_t back = sched.tokens();
        bucket.refund(p, back);
        model.refund(back);
        continue;
      }
      const std::int64_t tokens = sched.tokens();
      const throttle_result want = model.try_acquire(t, tokens);
      const throttle_result got = bucket.try_acquire(p, t, tokens);
      SCOPED_TRACE(testing::Message()
                   << "seed " << seed << " op " << i << " at " << t << " taking " << tokens);
      ASSERT_EQ(got.allowed, want.allowed);
      ASSERT_EQ(got.remaining, want.remaining);
      ASSERT_EQ(got.retry_after_ns, want.retry_after_ns);
      ASSERT_EQ(got.reset_after_ns, want.reset_after_ns);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Pairs, ExactRates,
    testing::Values(rate_case{1, 1, 5}, rate_case{3, 1, 4}, rate_case{7, 1, 2}, rate_case{12, 1, 3},
                    rate_case{5, 10, 3}, rate_case{1, 10, 3}, rate_case{25, 10, 6},
                    rate_case{7, 100, 4}, rate_case{100, 1, 10}, rate_case{10000, 1, 50},
                    rate_case{13, 1, 100}, rate_case{1'000'000'000, 1, 16},
                    rate_case{3'000'000'000, 1, 5}, rate_case{0, 1, 10}, rate_case{1, 1, 1}));

// ---------------------------------------------------------------------------
// Rates that are rounded (conservatively): over every window [a, t + 1) the
// tokens admitted never exceed burst + floor(rate * length).

class RoundedRates : public testing::TestWithParam<rate_case> {};

TEST_P(RoundedRates, AdmittedTokensKeepTheIntervalBound) {
  const rate_case& c = GetParam();
  const throttle_params p = params_of(c);
  ASSERT_FALSE(p.exact);
  const auto bound = [&](std::int64_t length_ns) {
    return c.burst + static_cast<std::int64_t>(static_cast<i128>(c.num) * length_ns /
                                               (static_cast<i128>(c.den) * s_ns));
  };
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    schedule sched{std::mt19937_64(seed * 31 + static_cast<std::uint64_t>(c.num)), interval_of(p),
                   p.capacity_tokens()};
    gcra_bucket bucket;
    std::vector<std::pair<std::int64_t, std::int64_t>> admitted;  // (at, tokens)
    std::int64_t t = t0_ns;
    for (int i = 0; i < 300; ++i) {
      t += sched.step_ns();
      const std::int64_t tokens = sched.tokens();
      if (!bucket.try_acquire(p, t, tokens).allowed) {
        continue;
      }
      admitted.emplace_back(t, tokens);
      std::int64_t sum = 0;
      for (auto it = admitted.rbegin(); it != admitted.rend(); ++it) {
        sum += it->second;
        ASSERT_LE(sum, bound(t - it->first + 1))
            << "over-admitted: seed " << seed << " op " << i << " window from " << it->first;
      }
    }
    ASSERT_FALSE(admitted.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Pairs, RoundedRates,
                         testing::Values(rate_case{17, 1, 6}, rate_case{19, 1, 8},
                                         rate_case{3333, 10'000, 2},
                                         rate_case{12'345'678, 10'000, 5},
                                         rate_case{999'999'937, 1, 4}));

// ---------------------------------------------------------------------------
// One token through the counted overload is the one-token overload, even on
// readings that go backwards and state from other parameters.

TEST(MultiTokenThrottle, OneTokenCountedDecidesAsTheOneTokenOverload) {
  const std::vector<throttle_params> all = {
      throttle_params::make(1, 5),  throttle_params::make(3, 4),
      throttle_params::make(17, 3), throttle_params::make(3e9, 7),
      throttle_params::make(0, 4),  throttle_params::make(1e-9, 2),
      throttle_params::make(1, 0),  throttle_params::make(1e-6, std::int64_t{1} << 31)};
  std::mt19937_64 rng(5);
  gcra_bucket counted;
  gcra_bucket single;
  std::int64_t t = t0_ns;
  for (int i = 0; i < 5000; ++i) {
    // Mostly one bucket's parameters, sometimes a switch (as a reload would).
    const throttle_params& p = all[(i / 500 + (rng() % 50 == 0 ? 1 : 0)) % all.size()];
    t += static_cast<std::int64_t>(rng() % (s_ns / 2)) - s_ns / 20;
    const std::int64_t at = rng() % 100 == 0 ? int64_max : t;
    if (rng() % 5 == 0) {
      counted.refund(p, 1);
      single.refund(p);
      continue;
    }
    const throttle_result a = counted.try_acquire(p, at, 1);
    const throttle_result b = single.try_acquire(p, at);
    ASSERT_EQ(a.allowed, b.allowed) << i;
    ASSERT_EQ(a.remaining, b.remaining) << i;
    ASSERT_EQ(a.retry_after_ns, b.retry_after_ns) << i;
    ASSERT_EQ(a.reset_after_ns, b.reset_after_ns) << i;
  }
}

// ---------------------------------------------------------------------------
// Boundaries.

TEST(MultiTokenThrottle, TheWholeBucketAtOnceThenWaitsForAllOfIt) {
  const throttle_params p = throttle_params::make(1, 5);
  gcra_bucket bucket;
  const throttle_result all = bucket.try_acquire(p, t0_ns, 5);
  EXPECT_TRUE(all.allowed);
  EXPECT_EQ(all.remaining, 0);
  EXPECT_EQ(all.reset_after_ns, 5 * s_ns - 1);
  // Three tokens exist 3 s later (read at the last nanosecond before).
  const throttle_result three = bucket.try_acquire(p, t0_ns, 3);
  EXPECT_FALSE(three.allowed);
  EXPECT_EQ(three.retry_after_ns, 3 * s_ns - 1);
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns + 3 * s_ns - 2, 3).allowed);
  const throttle_result later = bucket.try_acquire(p, t0_ns + 3 * s_ns - 1, 3);
  EXPECT_TRUE(later.allowed);
  EXPECT_EQ(later.remaining, 0);
}

TEST(MultiTokenThrottle, MoreThanTheBucketIsNeverAdmittedAndTakesNothing) {
  for (const auto& [rate, burst] :
       {std::pair{1.0, std::int64_t{5}}, std::pair{0.0, std::int64_t{5}},
        std::pair{3e9, std::int64_t{7}}, std::pair{17.0, std::int64_t{5}}}) {
    const throttle_params p = throttle_params::make(rate, burst);
    ASSERT_EQ(p.capacity_tokens(), burst);
    gcra_bucket bucket;
    const throttle_result r = bucket.try_acquire(p, t0_ns, burst + 1);
    EXPECT_FALSE(r.allowed) << rate;
    EXPECT_EQ(r.retry_after_ns, -1) << "waiting never helps: " << rate;
    EXPECT_EQ(r.remaining, burst) << "nothing was taken: " << rate;
    EXPECT_EQ(r.reset_after_ns, 0) << "still full: " << rate;
    const throttle_result whole = bucket.try_acquire(p, t0_ns, burst);
    EXPECT_TRUE(whole.allowed) << rate;
    // Even when one nanosecond refills several tokens (3e9/s: 3), a single
    // request never takes more than the bucket's size.
    EXPECT_EQ(bucket.try_acquire(p, t0_ns + 10 * s_ns, burst + 1).retry_after_ns, -1) << rate;
  }
}

TEST(MultiTokenThrottle, RateZeroCountsTokensAndNeverRefills) {
  const throttle_params p = throttle_params::make(0, 10);
  gcra_bucket bucket;
  EXPECT_TRUE(bucket.try_acquire(p, t0_ns, 4).allowed);
  const throttle_result six = bucket.try_acquire(p, t0_ns + 1000 * s_ns, 6);
  EXPECT_TRUE(six.allowed);
  EXPECT_EQ(six.remaining, 0);
  EXPECT_EQ(six.reset_after_ns, -1);
  const throttle_result none = bucket.try_acquire(p, int64_max, 1);
  EXPECT_FALSE(none.allowed);
  EXPECT_EQ(none.retry_after_ns, -1);
  bucket.refund(p, 3);
  const throttle_result four = bucket.try_acquire(p, t0_ns, 4);
  EXPECT_FALSE(four.allowed);
  EXPECT_EQ(four.remaining, 3) << "a refused request reports what is left";
  EXPECT_EQ(four.retry_after_ns, -1);
  EXPECT_EQ(four.reset_after_ns, -1);
  EXPECT_TRUE(bucket.try_acquire(p, t0_ns, 3).allowed);
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns, 1).allowed);
}

TEST(MultiTokenThrottle, DenyAllRefusesEveryCount) {
  for (const throttle_params& p : {throttle_params::make(10, 0), throttle_params::make(0, 0)}) {
    gcra_bucket bucket;
    bucket.refund(p, 5);
    for (std::int64_t tokens : {std::int64_t{1}, std::int64_t{2}, int64_max, std::int64_t{0}}) {
      const throttle_result r = bucket.try_acquire(p, t0_ns, tokens);
      EXPECT_FALSE(r.allowed);
      EXPECT_EQ(r.remaining, 0);
      EXPECT_EQ(r.retry_after_ns, -1);
      EXPECT_EQ(r.reset_after_ns, 0);
    }
  }
}

TEST(MultiTokenThrottle, CountsBelowOneAreRefusedAndChangeNothing) {
  const throttle_params p = throttle_params::make(1, 3);
  gcra_bucket bucket;
  ASSERT_TRUE(bucket.try_acquire(p, t0_ns, 1).allowed);
  for (std::int64_t tokens : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{-3},
                              std::numeric_limits<std::int64_t>::min()}) {
    const throttle_result r = bucket.try_acquire(p, t0_ns, tokens);
    EXPECT_FALSE(r.allowed) << tokens;
    EXPECT_EQ(r.retry_after_ns, -1) << tokens;
    EXPECT_EQ(r.remaining, 2) << tokens;
    bucket.refund(p, tokens);  // no-op
  }
  EXPECT_TRUE(bucket.try_acquire(p, t0_ns, 2).allowed);
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns, 1).allowed);
}

TEST(MultiTokenThrottle, HugeCountsStayDefinedAndAreRefused) {
  // The largest token costs (2^58 units) and tolerances (2^59 units): a count
  // times the cost would overflow if it were formed before the capacity check.
  const std::int64_t two31 = std::int64_t{1} << 31;
  for (const throttle_params& p :
       {throttle_params::make(1e-9, 3), throttle_params::make(1e-6, two31),
        throttle_params::make(1e9, two31), throttle_params::make(0, int64_max),
        throttle_params::make(13, 5)}) {
    const std::int64_t capacity = p.capacity_tokens();
    gcra_bucket bucket;
    // The smallest count whose cost in units no longer fits in 64 bits.
    const std::int64_t overflowing =
        p.units_per_token > 1 ? int64_max / p.units_per_token + 1 : int64_max;
    for (std::int64_t tokens : {int64_max, overflowing, capacity + 1}) {
      for (std::int64_t at : {t0_ns, p.max_now_ns, int64_max}) {
        const throttle_result r = bucket.try_acquire(p, at, tokens);
        EXPECT_FALSE(r.allowed) << tokens;
        EXPECT_EQ(r.retry_after_ns, -1);
        EXPECT_EQ(r.remaining, capacity);
      }
    }
    const throttle_result all = bucket.try_acquire(p, p.max_now_ns, capacity);
    EXPECT_TRUE(all.allowed) << capacity;
    // What the reading's own nanosecond refills (1e9/s: one token).
    EXPECT_EQ(all.remaining, std::min(capacity, p.units_per_ns / p.units_per_token));
    bucket.refund(p, int64_max);
    EXPECT_TRUE(bucket.try_acquire(p, p.max_now_ns, capacity).allowed) << capacity;
  }
}

TEST(MultiTokenThrottle, RefundNeverFillsBeyondTheBucket) {
  const throttle_params p = throttle_params::make(1, 5);
  gcra_bucket bucket;
  ASSERT_TRUE(bucket.try_acquire(p, t0_ns, 2).allowed);
  bucket.refund(p, 100);
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns, 6).allowed);
  EXPECT_TRUE(bucket.try_acquire(p, t0_ns, 5).allowed);
  EXPECT_FALSE(bucket.try_acquire(p, t0_ns, 1).allowed);
  // Reserve an estimate, give back the unused part: exactly the used part stays spent.
  bucket.refund(p, 5);
  ASSERT_TRUE(bucket.try_acquire(p, t0_ns, 4).allowed);
  bucket.refund(p, 3);  // one of four used
  EXPECT_EQ(bucket.peek(p, t0_ns).remaining, 3);
  EXPECT_TRUE(bucket.try_acquire(p, t0_ns, 4).allowed);
}

TEST(MultiTokenThrottle, RefusalLeavesTheBucketAsItWas) {
  const throttle_params p = throttle_params::make(2, 6);
  gcra_bucket bucket;
  ASSERT_TRUE(bucket.try_acquire(p, t0_ns, 4).allowed);
  const throttle_result before = bucket.peek(p, t0_ns + 7);
  const throttle_result refused = bucket.try_acquire(p, t0_ns + 7, 3);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 2);
  EXPECT_EQ(refused.retry_after_ns, s_ns / 2 - 7 - 1);
  const throttle_result after = bucket.peek(p, t0_ns + 7);
  EXPECT_EQ(after.remaining, before.remaining);
  EXPECT_EQ(after.reset_after_ns, before.reset_after_ns);
  EXPECT_EQ(refused.reset_after_ns, 2 * s_ns - 7 - 1) << "four tokens to refill, 7 ns in";
}

}  // namespace
}  // namespace ug::limiter
