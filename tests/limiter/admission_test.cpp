#include "limiter/admission.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <memory>

namespace ug::limiter {
namespace {

constexpr std::int64_t s_ns = 1'000'000'000;
constexpr std::int64_t day_ns = 86'400 * s_ns;
constexpr instant t0{10 * s_ns, 19'675 * day_ns + 3'600 * s_ns};  // 2023-11-14 01:00 UTC

constexpr std::array<limit_level, limit_level_count> aws_order = {
    limit_level::plan_method, limit_level::plan, limit_level::stage_method, limit_level::stage,
    limit_level::account};

/// Five buckets in AWS order plus a daily quota, each with its own figures.
struct fixture {
  std::array<throttle_params, limit_level_count> params;
  std::array<gcra_bucket, limit_level_count> buckets;
  quota_params quota;
  quota_counter counter;

  explicit fixture(std::array<std::int64_t, limit_level_count> bursts,
                   std::int64_t quota_limit = 100) {
    for (std::size_t i = 0; i < limit_level_count; ++i) {
      params[i] = throttle_params::make(1, bursts[i]);
    }
    quota.limit = quota_limit;
    quota.period = quota_period::day;
    quota.first_period_index = std::numeric_limits<std::int64_t>::min();
  }

  [[nodiscard]] admission_chain chain(bool with_quota = true) {
    admission_chain c;
    for (std::size_t i = 0; i < limit_level_count; ++i) {
      c.add(&params[i], &buckets[i], aws_order[i]);
    }
    if (with_quota) {
      c.quota = &quota;
      c.counter = &counter;
    }
    return c;
  }

  /// Whole tokens in bucket i now (peek reports the count after a take).
  std::int64_t tokens(std::size_t i, instant now) const {
    const throttle_result r = buckets[i].peek(params[i], now.mono_ns);
    return r.allowed ? r.remaining + 1 : 0;
  }
};

TEST(Admission, EmptyChainAllows) {
  const admission_result r = admit(admission_chain{}, t0);
  EXPECT_TRUE(r.allowed());
  EXPECT_FALSE(r.has_throttle);
  EXPECT_FALSE(r.has_quota);
}

TEST(Admission, AllowedTakesOneTokenEverywhereAndCountsTheQuota) {
  fixture f({5, 5, 5, 5, 5});
  const admission_result r = admit(f.chain(), t0);
  ASSERT_TRUE(r.allowed());
  for (std::size_t i = 0; i < limit_level_count; ++i) {
    EXPECT_EQ(f.tokens(i, t0), 4) << i;
  }
  EXPECT_EQ(f.counter.used(f.quota, t0.utc_ns), 1);
  ASSERT_TRUE(r.has_quota);
  EXPECT_EQ(r.quota_limit, 100);
  EXPECT_EQ(r.quota_remaining, 99);
  EXPECT_EQ(r.quota_reset_ns, day_ns - 3'600 * s_ns);
  EXPECT_EQ(r.period, quota_period::day);
}

TEST(Admission, GiveBackUndoesAnAllowedAdmissionEverywhere) {
  fixture f({5, 5, 5, 5, 5});
  ASSERT_TRUE(admit(f.chain(), t0).allowed());
  const admission_result r = admit(f.chain(), t0);
  ASSERT_TRUE(r.allowed());
  give_back(f.chain(), r);
  for (std::size_t i = 0; i < limit_level_count; ++i) {
    EXPECT_EQ(f.tokens(i, t0), 4) << "bucket " << i << " has the second token back";
  }
  EXPECT_EQ(f.counter.used(f.quota, t0.utc_ns), 1) << "only the first request counts";
}

TEST(Admission, GiveBackOfARefusalChangesNothing) {
  fixture f({5, 5, 5, 5, 5}, 1);
  ASSERT_TRUE(admit(f.chain(), t0).allowed());
  const admission_result refused = admit(f.chain(), t0);
  ASSERT_EQ(refused.refused, refusal::quota_exceeded);
  give_back(f.chain(), refused);
  for (std::size_t i = 0; i < limit_level_count; ++i) {
    EXPECT_EQ(f.tokens(i, t0), 4) << i;
  }
  EXPECT_EQ(f.counter.used(f.quota, t0.utc_ns), 1);
}

TEST(Admission, GiveBackAfterThePeriodRolledOverLeavesTheNewPeriodAlone) {
  fixture f({5, 5, 5, 5, 5});
  const admission_result r = admit(f.chain(), t0);
  ASSERT_TRUE(r.allowed());
  const instant next_day{t0.mono_ns + day_ns, t0.utc_ns + day_ns};
  ASSERT_TRUE(admit(f.chain(), next_day).allowed());
  give_back(f.chain(), r);
  EXPECT_EQ(f.counter.used(f.quota, next_day.utc_ns), 1);
}

// Each level refuses in turn: the earlier buckets get their token back, the
// later ones are never touched, and the quota does not count.
class AdmissionRefusingLevel : public testing::TestWithParam<std::size_t> {};

TEST_P(AdmissionRefusingLevel, RefundsEarlierBucketsAndDoesNotCount) {
  const std::size_t refusing = GetParam();
  std::array<std::int64_t, limit_level_count> bursts{4, 4, 4, 4, 4};
  bursts[refusing] = 1;
  fixture f(bursts);
  ASSERT_TRUE(admit(f.chain(), t0).allowed());
  for (std::size_t i = 0; i < limit_level_count; ++i) {
    ASSERT_EQ(f.tokens(i, t0), i == refusing ? 0 : 3);
  }
  const admission_result r = admit(f.chain(), t0);
  EXPECT_EQ(r.refused, refusal::throttled);
  EXPECT_EQ(r.level, aws_order[refusing]);
  EXPECT_EQ(r.retry_after_ns, s_ns - 1);
  for (std::size_t i = 0; i < limit_level_count; ++i) {
    EXPECT_EQ(f.tokens(i, t0), i == refusing ? 0 : 3) << "bucket " << i << " restored";
  }
  EXPECT_EQ(f.counter.used(f.quota, t0.utc_ns), 1) << "a throttled request does not count";
  ASSERT_TRUE(r.has_throttle);
  EXPECT_EQ(r.throttle_burst, 1);
  EXPECT_EQ(r.throttle_remaining, 0);
  ASSERT_TRUE(r.has_quota);
  EXPECT_EQ(r.quota_remaining, 99);
}

INSTANTIATE_TEST_SUITE_P(EveryLevel, AdmissionRefusingLevel,
                         testing::Range<std::size_t>(0, limit_level_count));

TEST(Admission, FirstRefusingLevelInAwsOrderIsReported) {
  fixture f({1, 5, 1, 5, 1});
  ASSERT_TRUE(admit(f.chain(), t0).allowed());
  const admission_result r = admit(f.chain(), t0);
  EXPECT_EQ(r.level, limit_level::plan_method);
  // plan_method refused first: nothing else was touched.
  EXPECT_EQ(f.tokens(1, t0), 4);
  EXPECT_EQ(f.tokens(3, t0), 4);
}

TEST(Admission, QuotaRefusalRefundsEveryThrottle) {
  fixture f({5, 5, 5, 5, 5}, 1);
  ASSERT_TRUE(admit(f.chain(), t0).allowed());
  const admission_result r = admit(f.chain(), t0);
  EXPECT_EQ(r.refused, refusal::quota_exceeded);
  EXPECT_EQ(r.retry_after_ns, day_ns - 3'600 * s_ns) << "until the period resets";
  for (std::size_t i = 0; i < limit_level_count; ++i) {
    EXPECT_EQ(f.tokens(i, t0), 4) << "bucket " << i << " restored";
  }
  EXPECT_EQ(f.counter.used(f.quota, t0.utc_ns), 1);
  ASSERT_TRUE(r.has_quota);
  EXPECT_EQ(r.quota_remaining, 0);
  ASSERT_TRUE(r.has_throttle);
  EXPECT_EQ(r.throttle_remaining, 4) << "figures after the refund";
}

TEST(Admission, ReportsTheMostConstrainingThrottle) {
  fixture f({9, 7, 3, 8, 6});
  f.params[2] = throttle_params::make(2, 3);
  const admission_result r = admit(f.chain(), t0);
  ASSERT_TRUE(r.allowed());
  ASSERT_TRUE(r.has_throttle);
  EXPECT_EQ(r.throttle_burst, 3);
  EXPECT_EQ(r.throttle_rate_per_s, 2);
  EXPECT_EQ(r.throttle_remaining, 2);
  EXPECT_EQ(r.throttle_reset_ns, s_ns / 2 - 1);
}

TEST(Admission, TieOnRemainingPrefersTheSlowerRefill) {
  fixture f({4, 4, 4, 4, 4});
  f.params[0] = throttle_params::make(10, 4);
  f.params[3] = throttle_params::make(0.5, 4);
  const admission_result r = admit(f.chain(), t0);
  ASSERT_TRUE(r.allowed());
  EXPECT_EQ(r.throttle_rate_per_s, 0.5);
}

TEST(Admission, DenyAllLevelCanNeverPass) {
  fixture f({5, 5, 5, 5, 5});
  f.params[3] = throttle_params::make(0, 0);
  const admission_result r = admit(f.chain(), t0);
  EXPECT_EQ(r.refused, refusal::throttled);
  EXPECT_EQ(r.level, limit_level::stage);
  EXPECT_EQ(r.retry_after_ns, -1);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(f.tokens(i, t0), 5);
  }
}

TEST(Admission, ShortChainsAndQuotaOnly) {
  fixture f({2, 2, 2, 2, 2}, 3);
  admission_chain quota_only;
  quota_only.quota = &f.quota;
  quota_only.counter = &f.counter;
  for (int i = 0; i < 3; ++i) {
    const admission_result r = admit(quota_only, t0);
    ASSERT_TRUE(r.allowed());
    EXPECT_FALSE(r.has_throttle);
  }
  EXPECT_EQ(admit(quota_only, t0).refused, refusal::quota_exceeded);

  admission_chain stage_only;
  stage_only.add(&f.params[3], &f.buckets[3], limit_level::stage);
  EXPECT_TRUE(admit(stage_only, t0).allowed());
  EXPECT_TRUE(admit(stage_only, t0).allowed());
  const admission_result r = admit(stage_only, t0);
  EXPECT_EQ(r.level, limit_level::stage);
  EXPECT_FALSE(r.has_quota);
}

TEST(Admission, RefusedRequestsThenRecoverOverTime) {
  fixture f({1, 1, 1, 1, 1});
  ASSERT_TRUE(admit(f.chain(), t0).allowed());
  const admission_result refused = admit(f.chain(), t0);
  ASSERT_FALSE(refused.allowed());
  const instant later{t0.mono_ns + refused.retry_after_ns, t0.utc_ns + refused.retry_after_ns};
  EXPECT_TRUE(admit(f.chain(), later).allowed());
  EXPECT_EQ(f.counter.used(f.quota, later.utc_ns), 2);
}

}  // namespace
}  // namespace ug::limiter
