// Counting several requests (or LLM tokens) at once in a quota counter:
// all-or-nothing admission, roll-over, refunds of part of what was counted,
// the 40-bit field's limits, and random sequences against a plain model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "limiter/quota_counter.hpp"
#include "tests/limiter/quota_test_support.hpp"

namespace ug::limiter {
namespace {

using namespace ug::limiter::test;

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t max_count = (std::int64_t{1} << 39) - 1;  // the signed 40-bit field
constexpr std::int64_t min_count = -(std::int64_t{1} << 39);

TEST(MultiTokenQuota, CountsAllOrNothing) {
  const quota_params p = daily(10);
  quota_counter c;
  const std::int64_t now = day0 + hour_ns;
  const quota_result four = c.try_consume(p, now, 4);
  ASSERT_TRUE(four.allowed);
  EXPECT_EQ(four.remaining, 6);
  EXPECT_EQ(four.limit, 10);
  EXPECT_EQ(four.period_index, day_index0);
  const quota_result seven = c.try_consume(p, now, 7);
  EXPECT_FALSE(seven.allowed);
  EXPECT_EQ(seven.remaining, 6) << "a refusal counts nothing";
  EXPECT_EQ(seven.reset_after_ns, 23 * hour_ns);
  EXPECT_EQ(c.used(p, now), 4);
  const quota_result six = c.try_consume(p, now, 6);
  EXPECT_TRUE(six.allowed);
  EXPECT_EQ(six.remaining, 0);
  EXPECT_FALSE(c.try_consume(p, now, 1).allowed);
  EXPECT_EQ(c.used(p, now), 10);
}

TEST(MultiTokenQuota, TheWholeLimitAtOnceButNotOneMore) {
  const quota_params p = daily(1000);
  quota_counter c;
  EXPECT_FALSE(c.try_consume(p, day0, 1001).allowed);
  EXPECT_EQ(c.used(p, day0), 0);
  const quota_result all = c.try_consume(p, day0, 1000);
  EXPECT_TRUE(all.allowed);
  EXPECT_EQ(all.remaining, 0);
}

TEST(MultiTokenQuota, CountsBelowOneAreRefusedAndCountNothing) {
  const quota_params p = daily(5);
  quota_counter c;
  ASSERT_TRUE(c.try_consume(p, day0, 2).allowed);
  for (std::int64_t count : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{-7},
                             std::numeric_limits<std::int64_t>::min()}) {
    const quota_result r = c.try_consume(p, day0, count);
    EXPECT_FALSE(r.allowed) << count;
    EXPECT_EQ(r.remaining, 3) << count;
    c.refund(r.period_index, count);  // no-op
    EXPECT_EQ(c.used(p, day0), 2) << count;
  }
}

TEST(MultiTokenQuota, CountsBeyondTheFieldAreRefusedWithoutOverflow) {
  // The largest representable limit, fully used, and counts near INT64_MAX:
  // used + count is never formed unless it fits.
  const quota_params p = daily(int64_max);
  quota_counter c;
  for (std::int64_t count : {int64_max, int64_max - 1, max_count + 1}) {
    EXPECT_FALSE(c.try_consume(p, day0, count).allowed) << count;
  }
  const quota_result all = c.try_consume(p, day0, max_count);
  ASSERT_TRUE(all.allowed);
  EXPECT_EQ(all.limit, max_count);
  EXPECT_EQ(all.remaining, 0);
  EXPECT_FALSE(c.try_consume(p, day0, 1).allowed);
  EXPECT_FALSE(c.try_consume(p, day0, int64_max).allowed);
  EXPECT_EQ(c.used(p, day0), max_count);
  // An extension down to the field's minimum: up to 2^40 - 1 fit, no more.
  c.restore(day_index0, min_count);
  EXPECT_FALSE(c.try_consume(p, day0, max_count - min_count + 1).allowed);
  EXPECT_TRUE(c.try_consume(p, day0, max_count - min_count).allowed);
  EXPECT_EQ(c.used(p, day0), max_count);
}

TEST(MultiTokenQuota, RollsOverWithCounts) {
  const quota_params p = daily(10);
  quota_counter c;
  ASSERT_TRUE(c.try_consume(p, day0 + day_ns - 10, 8).allowed);
  EXPECT_FALSE(c.try_consume(p, day0 + day_ns - 1, 5).allowed);
  const quota_result next = c.try_consume(p, day0 + day_ns, 5);
  EXPECT_TRUE(next.allowed);
  EXPECT_EQ(next.period_index, day_index0 + 1);
  EXPECT_EQ(next.remaining, 5);
  EXPECT_EQ(next.reset_after_ns, day_ns);
  // A reading from just before the boundary counts in the period the counter
  // is already in, under that period's limit.
  const quota_result late = c.try_consume(p, day0 + day_ns - 1, 5);
  EXPECT_TRUE(late.allowed);
  EXPECT_EQ(late.period_index, day_index0 + 1);
  EXPECT_EQ(late.remaining, 0);
  EXPECT_FALSE(c.try_consume(p, day0 + day_ns - 1, 1).allowed);
  // A count larger than a whole period never fits, however long one waits.
  EXPECT_FALSE(c.try_consume(p, day0 + 9 * day_ns, 11).allowed);
  EXPECT_TRUE(c.try_consume(p, day0 + 9 * day_ns, 10).allowed);
}

TEST(MultiTokenQuota, RefundGivesBackPartOfAnEstimateWithinItsPeriod) {
  const quota_params p = daily(100);
  quota_counter c;
  const quota_result reserved = c.try_consume(p, day0, 60);
  ASSERT_TRUE(reserved.allowed);
  c.refund(reserved.period_index, 45);  // 15 used of the 60 estimated
  EXPECT_EQ(c.used(p, day0), 15);
  EXPECT_TRUE(c.try_consume(p, day0, 85).allowed);
  EXPECT_FALSE(c.try_consume(p, day0, 1).allowed);
  // After roll-over, a refund for the old period gives nothing back.
  const quota_result next = c.try_consume(p, day0 + day_ns, 30);
  ASSERT_TRUE(next.allowed);
  c.refund(reserved.period_index, 30);
  EXPECT_EQ(c.used(p, day0 + day_ns), 30);
  quota_counter fresh;
  fresh.refund(day_index0, 5);
  EXPECT_EQ(fresh.used(p, day0), 0);
}

TEST(MultiTokenQuota, RefundOfMoreThanCountedIsTheOneRequestRefundRepeated) {
  // The one-request refund may take the count below 0 (it undoes a count
  // that an UpdateUsage extension left negative); n at once does the same.
  const quota_params p = daily(10);
  quota_counter counted;
  quota_counter repeated;
  ASSERT_TRUE(counted.try_consume(p, day0, 3).allowed);
  ASSERT_TRUE(repeated.try_consume(p, day0, 3).allowed);
  counted.refund(day_index0, 5);
  for (int i = 0; i < 5; ++i) {
    repeated.refund(day_index0);
  }
  EXPECT_EQ(counted.used(p, day0), -2);
  EXPECT_EQ(repeated.used(p, day0), -2);
  // A count far beyond the field stops at its minimum, without overflow.
  counted.refund(day_index0, int64_max);
  EXPECT_EQ(counted.used(p, day0), min_count);
  counted.refund(day_index0, 1);
  EXPECT_EQ(counted.used(p, day0), min_count);
}

TEST(MultiTokenQuota, ExtensionsAndFirstPeriodReductionsApplyToCounts) {
  quota_params p = daily(10);
  p.first_period_reduction = 4;
  p.first_period_index = day_index0;
  quota_counter c;
  EXPECT_FALSE(c.try_consume(p, day0, 7).allowed);
  const quota_result six = c.try_consume(p, day0, 6);
  EXPECT_TRUE(six.allowed);
  EXPECT_EQ(six.limit, 6);
  c.set_remaining(p, day0, 25);  // more than the limit: a temporary extension
  EXPECT_FALSE(c.try_consume(p, day0, 26).allowed);
  const quota_result extended = c.try_consume(p, day0, 20);
  EXPECT_TRUE(extended.allowed);
  EXPECT_EQ(extended.remaining, 5);
  c.refund(extended.period_index, 20);
  EXPECT_EQ(c.peek(p, day0).remaining, 24) << "what peek would leave after one more";
  EXPECT_TRUE(c.try_consume(p, day0 + day_ns, 10).allowed) << "the full limit the next day";
}

TEST(MultiTokenQuota, OneCountedDecidesAsTheOneRequestOverload) {
  const quota_params p = daily(7);
  quota_counter counted;
  quota_counter single;
  std::mt19937_64 rng(11);
  std::int64_t now = day0;
  for (int i = 0; i < 3000; ++i) {
    // Mostly forward, sometimes a reading from a little earlier (another thread).
    now += static_cast<std::int64_t>(rng() % (2 * hour_ns)) - hour_ns / 4;
    if (rng() % 3 == 0) {
      const std::int64_t index = day_index0 + static_cast<std::int64_t>(rng() % 40);
      counted.refund(index, 1);
      single.refund(index);
      continue;
    }
    const quota_result a = counted.try_consume(p, now, 1);
    const quota_result b = single.try_consume(p, now);
    ASSERT_EQ(a.allowed, b.allowed) << i;
    ASSERT_EQ(a.limit, b.limit) << i;
    ASSERT_EQ(a.remaining, b.remaining) << i;
    ASSERT_EQ(a.reset_after_ns, b.reset_after_ns) << i;
    ASSERT_EQ(a.period_index, b.period_index) << i;
  }
}

TEST(MultiTokenQuota, RandomCountsAndRefundsMatchAPlainModel) {
  const std::int64_t limit = 50;
  const quota_params p = daily(limit);
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    std::mt19937_64 rng(seed);
    quota_counter c;
    // The model: the period the counter last counted in, and its count.
    std::int64_t period = std::numeric_limits<std::int64_t>::min();
    std::int64_t used = 0;
    std::int64_t now = day0;
    std::vector<std::int64_t> counted_in;  // period indices of admitted counts
    for (int i = 0; i < 600; ++i) {
      now += static_cast<std::int64_t>(rng() % (hour_ns / 2));
      const auto r = rng() % 10;
      if (r < 3 && !counted_in.empty()) {
        const std::int64_t index = counted_in[rng() % counted_in.size()];
        const std::int64_t back = static_cast<std::int64_t>(rng() % 30);
        c.refund(index, back);
        if (index == period && back >= 1) {
          used = std::max(min_count, used - back);
        }
        continue;
      }
      const std::int64_t count = r == 9 ? limit + static_cast<std::int64_t>(rng() % 3)
                                        : static_cast<std::int64_t>(rng() % 20) - (r == 8 ? 20 : 0);
      const std::int64_t today = now / day_ns;
      if (today != period) {
        period = today;
        used = 0;
      }
      const bool admit = count >= 1 && used + count <= limit;
      const quota_result got = c.try_consume(p, now, count);
      SCOPED_TRACE(testing::Message() << "seed " << seed << " op " << i << " count " << count);
      ASSERT_EQ(got.allowed, admit);
      if (admit) {
        used += count;
        counted_in.push_back(period);
      }
      ASSERT_EQ(got.period_index, period);
      ASSERT_EQ(got.remaining, std::max<std::int64_t>(0, limit - used));
      ASSERT_EQ(got.reset_after_ns, (period + 1) * day_ns - now);
      ASSERT_EQ(c.used(p, now), used);
    }
  }
}

}  // namespace
}  // namespace ug::limiter
