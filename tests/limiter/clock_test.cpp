#include "limiter/clock.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace ug::limiter {
namespace {

TEST(ManualClock, StartsWhereToldAndAdvancesBothReadings) {
  manual_clock c({100, 5'000});
  EXPECT_EQ(c.now().mono_ns, 100);
  EXPECT_EQ(c.now().utc_ns, 5'000);
  c.advance_ns(25);
  EXPECT_EQ(c.now().mono_ns, 125);
  EXPECT_EQ(c.now().utc_ns, 5'025);
}

TEST(ManualClock, DefaultStartIsRealistic) {
  const manual_clock c;
  EXPECT_EQ(c.now().mono_ns, 1'000'000'000);
  EXPECT_EQ(c.now().utc_ns, 1'700'000'000'000'000'000);
}

TEST(ManualClock, SetUtcMovesMonotonicForwardOnly) {
  manual_clock c({100, 5'000});
  c.set_utc_ns(6'000);
  EXPECT_EQ(c.now().utc_ns, 6'000);
  EXPECT_EQ(c.now().mono_ns, 1'100);
  c.set_utc_ns(5'500);  // wall clock stepped back: monotonic time does not
  EXPECT_EQ(c.now().utc_ns, 5'500);
  EXPECT_EQ(c.now().mono_ns, 1'100);
}

TEST(SystemClock, MonotonicFromZeroAndUtcNearTheWallClock) {
  system_clock c;
  const instant a = c.now();
  const instant b = c.now();
  EXPECT_GE(a.mono_ns, 0);
  EXPECT_LT(a.mono_ns, 60'000'000'000) << "relative to construction";
  EXPECT_LE(a.mono_ns, b.mono_ns);
  const std::int64_t wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  EXPECT_LT(std::abs(b.utc_ns - wall_ns), 5'000'000'000);
  // The two readings of one instant come from one clock read.
  EXPECT_EQ(b.utc_ns - b.mono_ns, a.utc_ns - a.mono_ns);
  c.resync();
  const instant d = c.now();
  EXPECT_LE(b.mono_ns, d.mono_ns);
  EXPECT_LT(std::abs(d.utc_ns - wall_ns), 5'000'000'000);
}

}  // namespace
}  // namespace ug::limiter
