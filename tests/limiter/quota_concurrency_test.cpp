// Many threads on one quota counter: exactly `limit` requests are admitted per
// period, roll-over loses nothing, and stale readings never add a request.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>

#include "limiter/quota_counter.hpp"
#include "tests/limiter/concurrency_support.hpp"
#include "tests/limiter/quota_test_support.hpp"

namespace ug::limiter {
namespace {

using namespace ug::limiter::test;

TEST(QuotaConcurrency, ExactlyTheLimitIsAdmittedInEachPeriod) {
  const quota_params p = daily(1000);
  quota_counter c;
  for (std::int64_t day = 0; day < 3; ++day) {
    const std::int64_t now = day0 + day * day_ns + 1'000;
    std::atomic<std::int64_t> allowed{0};
    run_threads([&](int) {
      std::int64_t mine = 0;
      for (int i = 0; i < 300; ++i) {
        mine += c.try_consume(p, now).allowed ? 1 : 0;
      }
      allowed.fetch_add(mine);
    });
    EXPECT_EQ(allowed.load(), 1000) << "day " << day;
    EXPECT_EQ(c.used(p, now), 1000) << "day " << day;
  }
}

TEST(QuotaConcurrency, StraddlingTheBoundaryNeverOverAdmits) {
  constexpr std::int64_t limit = 500;
  const quota_params p = daily(limit);
  const std::int64_t boundary = day0 + day_ns;
  for (int round = 0; round < 5; ++round) {
    quota_counter c;
    c.restore(19'675, limit - 50);  // 50 left in the old period
    std::atomic<std::int64_t> old_allowed{0};
    std::atomic<std::int64_t> new_allowed{0};
    run_threads([&](int w) {
      for (int i = 0; i < 200; ++i) {
        // Even threads read the clock just before the boundary, odd just after;
        // each thread also alternates, so readings interleave arbitrarily.
        const bool late = ((w + i + round) % 2) == 1;
        const quota_result r = c.try_consume(p, late ? boundary : boundary - 1);
        if (r.allowed) {
          (r.period_index == 19'675 ? old_allowed : new_allowed).fetch_add(1);
        }
      }
    });
    EXPECT_LE(old_allowed.load(), 50) << "round " << round;
    EXPECT_EQ(new_allowed.load(), limit) << "round " << round;
    EXPECT_EQ(c.used(p, boundary), limit);
  }
}

TEST(QuotaConcurrency, RefundsRacingWithConsumesAreExact) {
  const quota_params p = daily(100'000);
  const std::int64_t now = day0 + 5;
  quota_counter c;
  std::atomic<std::int64_t> kept{0};
  run_threads([&](int w) {
    for (int i = 0; i < 500; ++i) {
      const quota_result r = c.try_consume(p, now);
      ASSERT_TRUE(r.allowed);
      if ((i + w) % 4 == 0) {
        kept.fetch_add(1);
      } else {
        c.refund(r.period_index);
      }
    }
  });
  EXPECT_EQ(c.used(p, now), kept.load());
}

}  // namespace
}  // namespace ug::limiter
