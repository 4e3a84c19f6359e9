#include "gateway/aws/rate_limit_headers.hpp"

#include <gtest/gtest.h>

namespace ug::gateway {
namespace {

constexpr std::int64_t s_ns = 1'000'000'000;
// 2024-02-10T00:00:00Z: inside February 2024 (29 days).
constexpr std::int64_t feb_2024_ns = 1'707'523'200 * s_ns;

TEST(RetryAfter, RoundsUpToWholeSecondsAtLeastOne) {
  EXPECT_EQ(retry_after_seconds(1), 1);
  EXPECT_EQ(retry_after_seconds(s_ns), 1);
  EXPECT_EQ(retry_after_seconds(s_ns + 1), 2);
  EXPECT_EQ(retry_after_seconds(2'500'000'000), 3);
  EXPECT_EQ(retry_after_seconds(0), 1);
  EXPECT_EQ(retry_after_seconds(-1), 1);  // "never refills" still asks for a retry later
}

TEST(RateLimitFields, NothingWithoutLimits) {
  limiter::admission_result a;
  rate_limit_fields f;
  EXPECT_FALSE(format_rate_limit_fields(a, feb_2024_ns, f));
  EXPECT_TRUE(f.policy_value().empty());
  EXPECT_TRUE(f.limit_value().empty());
}

TEST(RateLimitFields, ThrottleAndQuota) {
  limiter::admission_result a;
  a.has_throttle = true;
  a.throttle_burst = 20;
  a.throttle_rate_per_s = 10;
  a.throttle_remaining = 7;
  a.throttle_reset_ns = 1'300'000'000;  // 1.3 s -> 2
  a.has_quota = true;
  a.quota_limit = 1000;
  a.quota_remaining = 998;
  a.quota_reset_ns = 3600 * s_ns;
  a.period = limiter::quota_period::month;
  rate_limit_fields f;
  ASSERT_TRUE(format_rate_limit_fields(a, feb_2024_ns, f));
  EXPECT_EQ(f.policy_value(), R"("throttle";q=20, "quota";q=1000;w=2505600)");
  EXPECT_EQ(f.limit_value(), R"("throttle";r=7;t=2, "quota";r=998;t=3600)");
}

TEST(RateLimitFields, ABucketThatNeverRefillsReportsNoResetTime) {
  limiter::admission_result a;
  a.has_throttle = true;
  a.throttle_burst = 10;
  a.throttle_rate_per_s = 0;
  a.throttle_remaining = 3;
  a.throttle_reset_ns = -1;  // rate 0: never full again
  rate_limit_fields f;
  ASSERT_TRUE(format_rate_limit_fields(a, feb_2024_ns, f));
  EXPECT_EQ(f.policy_value(), R"("throttle";q=10)");
  EXPECT_EQ(f.limit_value(), R"("throttle";r=3)");
}

TEST(RateLimitFields, QuotaOnlyWeek) {
  limiter::admission_result a;
  a.has_quota = true;
  a.quota_limit = 5;
  a.quota_remaining = 0;
  a.quota_reset_ns = 10 * s_ns;
  a.period = limiter::quota_period::week;
  rate_limit_fields f;
  ASSERT_TRUE(format_rate_limit_fields(a, feb_2024_ns, f));
  EXPECT_EQ(f.policy_value(), R"("quota";q=5;w=604800)");
  EXPECT_EQ(f.limit_value(), R"("quota";r=0;t=10)");
}

}  // namespace
}  // namespace ug::gateway
