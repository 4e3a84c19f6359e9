#include "limiter/quota_counter.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "tests/limiter/quota_test_support.hpp"

namespace ug::limiter {
namespace {

using namespace ug::limiter::test;

TEST(QuotaCounter, CountsUpToTheLimitThenRefuses) {
  const quota_params p = daily(3);
  quota_counter c;
  const std::int64_t now = day0 + 10 * hour_ns;
  for (std::int64_t i = 0; i < 3; ++i) {
    const quota_result r = c.try_consume(p, now);
    ASSERT_TRUE(r.allowed);
    EXPECT_EQ(r.limit, 3);
    EXPECT_EQ(r.remaining, 2 - i);
    EXPECT_EQ(r.reset_after_ns, 14 * hour_ns);
    EXPECT_EQ(r.period_index, 19'675);
  }
  const quota_result refused = c.try_consume(p, now);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.reset_after_ns, 14 * hour_ns);
  EXPECT_EQ(c.used(p, now), 3);  // a refusal does not count
}

TEST(QuotaCounter, RollsOverAtTheBoundary) {
  const quota_params p = daily(2);
  quota_counter c;
  ASSERT_TRUE(c.try_consume(p, day0 + day_ns - 2).allowed);
  ASSERT_TRUE(c.try_consume(p, day0 + day_ns - 1).allowed);
  ASSERT_FALSE(c.try_consume(p, day0 + day_ns - 1).allowed);
  const quota_result next = c.try_consume(p, day0 + day_ns);
  EXPECT_TRUE(next.allowed);
  EXPECT_EQ(next.remaining, 1);
  EXPECT_EQ(next.period_index, 19'676);
  EXPECT_EQ(next.reset_after_ns, day_ns);
  EXPECT_EQ(c.used(p, day0 + day_ns), 1);
  // A period later with no traffic in between also starts from zero.
  EXPECT_EQ(c.used(p, day0 + 5 * day_ns), 0);
  EXPECT_EQ(c.try_consume(p, day0 + 5 * day_ns).remaining, 1);
}

TEST(QuotaCounter, StaleReadingCountsInTheLaterPeriod) {
  const quota_params p = daily(2);
  quota_counter c;
  ASSERT_TRUE(c.try_consume(p, day0 + day_ns).allowed);  // another thread crossed first
  const quota_result late = c.try_consume(p, day0 + day_ns - 1);
  EXPECT_TRUE(late.allowed);
  EXPECT_EQ(late.period_index, 19'676);
  EXPECT_EQ(late.remaining, 0);
  EXPECT_EQ(c.used(p, day0 + day_ns), 2);
  EXPECT_FALSE(c.try_consume(p, day0 + day_ns - 1).allowed) << "never over the limit";
}

TEST(QuotaCounter, RefundOnlyWithinThePeriod) {
  const quota_params p = daily(2);
  quota_counter c;
  const quota_result a = c.try_consume(p, day0);
  const quota_result b = c.try_consume(p, day0);
  ASSERT_TRUE(a.allowed && b.allowed);
  ASSERT_FALSE(c.try_consume(p, day0).allowed);
  c.refund(b.period_index);
  EXPECT_EQ(c.used(p, day0), 1);
  EXPECT_TRUE(c.try_consume(p, day0).allowed);
  // After roll-over, a refund for the old period is a no-op.
  ASSERT_TRUE(c.try_consume(p, day0 + day_ns).allowed);
  c.refund(a.period_index);
  EXPECT_EQ(c.used(p, day0 + day_ns), 1);
  // A fresh counter has nothing to give back.
  quota_counter fresh;
  fresh.refund(19'675);
  EXPECT_EQ(fresh.used(p, day0), 0);
}

TEST(QuotaCounter, SetRemainingLowersAndExtends) {
  const quota_params p = daily(3);
  quota_counter c;
  ASSERT_TRUE(c.try_consume(p, day0).allowed);
  c.set_remaining(p, day0, 0);
  EXPECT_FALSE(c.try_consume(p, day0).allowed);
  EXPECT_EQ(c.used(p, day0), 3);
  // A temporary extension: more than the limit remains, used goes negative.
  c.set_remaining(p, day0, 10);
  EXPECT_EQ(c.used(p, day0), -7);
  const quota_result r = c.peek(p, day0);
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.remaining, 9);
  int admitted = 0;
  while (admitted < 100 && c.try_consume(p, day0).allowed) {
    ++admitted;
  }
  EXPECT_EQ(admitted, 10);
  // The extension ends with the period.
  int next_day = 0;
  while (next_day < 100 && c.try_consume(p, day0 + day_ns).allowed) {
    ++next_day;
  }
  EXPECT_EQ(next_day, 3);
}

TEST(QuotaCounter, InitialRequestsReduceOnlyTheFirstPeriod) {
  quota_params p = daily(5);
  p.first_period_reduction = 3;
  p.first_period_index = 19'675;
  quota_counter c;
  int first = 0;
  while (first < 100 && c.try_consume(p, day0 + hour_ns).allowed) {
    ++first;
  }
  EXPECT_EQ(first, 2);
  EXPECT_EQ(c.peek(p, day0 + hour_ns).limit, 2);
  int second = 0;
  while (second < 100 && c.try_consume(p, day0 + day_ns).allowed) {
    ++second;
  }
  EXPECT_EQ(second, 5);
}

TEST(QuotaCounter, ReductionAboveTheLimitRefusesTheFirstPeriod) {
  quota_params p = daily(5);
  p.first_period_reduction = 9;
  p.first_period_index = 19'675;
  quota_counter c;
  const quota_result r = c.try_consume(p, day0);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.limit, 0);
  EXPECT_EQ(r.remaining, 0);
}

TEST(QuotaCounter, LimitZeroRefuses) {
  const quota_params p = daily(0);
  quota_counter c;
  const quota_result r = c.try_consume(p, day0);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.reset_after_ns, day_ns);
}

TEST(QuotaCounter, PeekDoesNotCount) {
  const quota_params p = daily(2);
  quota_counter c;
  const quota_result before = c.peek(p, day0);
  EXPECT_TRUE(before.allowed);
  EXPECT_EQ(before.remaining, 1);  // what try_consume would report
  EXPECT_EQ(c.used(p, day0), 0);
  EXPECT_EQ(c.try_consume(p, day0).remaining, 1);
}

TEST(QuotaCounter, RestoreSetsUsageButNeverGoesBackInTime) {
  const quota_params p = daily(10);
  quota_counter c;
  c.restore(19'675, 7);
  EXPECT_EQ(c.used(p, day0), 7);
  EXPECT_EQ(c.try_consume(p, day0).remaining, 2);
  c.restore(19'674, 1);  // older than what the counter holds: ignored
  EXPECT_EQ(c.used(p, day0), 8);
  c.restore(19'676, 4);  // a later period (e.g. written by a newer process)
  EXPECT_EQ(c.used(p, day0 + day_ns), 4);
}

TEST(QuotaCounter, WeekAndMonthPeriods) {
  quota_params week = daily(1);
  week.period = quota_period::week;
  week.start_day_offset = 1;  // Monday
  quota_counter w;
  // 2023-11-14 is a Tuesday: the week started Monday 13th, ends Monday 20th.
  const quota_result r = w.try_consume(week, day0 + hour_ns);
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.reset_after_ns, 6 * day_ns - hour_ns);
  EXPECT_FALSE(w.try_consume(week, day0 + 5 * day_ns).allowed);
  EXPECT_TRUE(w.try_consume(week, day0 + 6 * day_ns).allowed);

  quota_params month = daily(1);
  month.period = quota_period::month;
  month.start_day_offset = 14;  // the 15th
  quota_counter m;
  EXPECT_TRUE(m.try_consume(month, day0).allowed);                 // Nov 14: period from Oct 15
  EXPECT_TRUE(m.try_consume(month, day0 + day_ns).allowed);        // Nov 15: new period
  EXPECT_FALSE(m.try_consume(month, day0 + 20 * day_ns).allowed);  // Dec 4: same period
}

TEST(QuotaCounter, HugeLimitsAndValuesStayDefined) {
  const quota_params p = daily(std::numeric_limits<std::int64_t>::max());
  quota_counter c;
  const quota_result r = c.try_consume(p, day0);
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.limit, (std::int64_t{1} << 39) - 1);  // the 40-bit signed count
  c.set_remaining(p, day0, std::numeric_limits<std::int64_t>::max());
  EXPECT_TRUE(c.try_consume(p, day0).allowed);
  c.set_remaining(p, day0, -5);  // treated as 0
  EXPECT_FALSE(c.try_consume(p, day0).allowed);
  c.restore(19'675, std::numeric_limits<std::int64_t>::min());
  EXPECT_TRUE(c.try_consume(p, day0).allowed);
}

}  // namespace
}  // namespace ug::limiter
