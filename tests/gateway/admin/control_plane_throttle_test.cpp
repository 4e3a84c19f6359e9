// The control plane's own bucket: the burst admitted, then AWS's 429
// TooManyRequestsException with Retry-After, refilled at the rate, and a
// change of limits keeping what was spent spent.
#include "gateway/admin/control_plane_throttle.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ug::gateway {
namespace {

constexpr std::int64_t second_ns = 1'000'000'000;

std::string header(const control::control_response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name)
      return v;
  }
  return {};
}

TEST(ControlPlaneThrottle, BurstThenTooManyRequestsThenTheRate) {
  control_plane_throttle t;
  const config::throttle_settings limits{3, 0.5};
  const std::int64_t start = 10 * second_ns;
  for (int i = 0; i < 3; ++i)
    EXPECT_FALSE(t.refuse(limits, start)) << i;
  const auto refused = t.refuse(limits, start);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429u);
  EXPECT_EQ(refused->body, R"({"message":"Too Many Requests"})");
  EXPECT_EQ(header(*refused, "x-amzn-ErrorType"), "TooManyRequestsException");
  EXPECT_EQ(header(*refused, "Retry-After"), "2");
  // One token every two seconds.
  EXPECT_TRUE(t.refuse(limits, start + second_ns));
  EXPECT_FALSE(t.refuse(limits, start + 2 * second_ns));
  EXPECT_TRUE(t.refuse(limits, start + 2 * second_ns));
}

TEST(ControlPlaneThrottle, AwsDefaultsAllowABurstOfForty) {
  control_plane_throttle t;
  const config::throttle_settings aws = config::admin_settings{}.control_plane_throttle;
  EXPECT_EQ(aws.burst_limit, 40);
  EXPECT_EQ(aws.rate_limit, 10.0);
  int admitted = 0;
  while (!t.refuse(aws, second_ns) && admitted < 100)
    ++admitted;
  EXPECT_EQ(admitted, 40);
  EXPECT_FALSE(t.refuse(aws, second_ns + second_ns / 10));  // 10 per second
}

TEST(ControlPlaneThrottle, NewLimitsKeepWhatWasSpentSpent) {
  control_plane_throttle t;
  EXPECT_FALSE(t.refuse({2, 0.001}, second_ns));
  EXPECT_FALSE(t.refuse({2, 0.001}, second_ns));
  EXPECT_TRUE(t.refuse({2, 0.001}, second_ns));
  // A burst raised to 10 adds its 8 tokens, not the 2 already spent.
  int admitted = 0;
  while (!t.refuse({10, 0.001}, second_ns) && admitted < 20)
    ++admitted;
  EXPECT_EQ(admitted, 8);
}

}  // namespace
}  // namespace ug::gateway
