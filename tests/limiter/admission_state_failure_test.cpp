// admit() when the durable journal cannot cover a counted request: the
// chain's state_failure_policy refuses it (closed) or admits it counted in
// memory (open), and the result says which.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "limiter/admission.hpp"
#include "limiter/state_registry.hpp"

namespace ug::limiter {
namespace {

constexpr std::int64_t s_ns = 1'000'000'000;
constexpr std::int64_t day_ns = 86'400 * s_ns;
constexpr instant t0{10 * s_ns, 19'675 * day_ns + 3'600 * s_ns};

/// Covers counts up to `durable` and fails beyond, like a store that went
/// away once its reservation was written.
class failing_journal final : public quota_journal {
 public:
  explicit failing_journal(std::int64_t durable) : durable_(durable) {}
  bool on_counted(key_plan_state&, const quota_params&, std::int64_t used,
                  std::int64_t) noexcept override {
    ++calls;
    if (used > durable_) {
      ++failures;
    }
    return used <= durable_;
  }
  int calls = 0;
  int failures = 0;

 private:
  std::int64_t durable_;
};

/// One throttle and a daily quota of `limit` behind a journal covering 3.
struct fixture {
  throttle_params throttle = throttle_params::make(1, 100);
  gcra_bucket bucket;
  quota_params quota;
  key_plan_state state;
  failing_journal journal{3};

  explicit fixture(std::int64_t limit = 10) {
    quota.limit = limit;
    quota.period = quota_period::day;
    quota.first_period_index = std::numeric_limits<std::int64_t>::min();
  }

  [[nodiscard]] admission_chain chain(state_failure_policy policy) {
    admission_chain c;
    c.add(&throttle, &bucket, limit_level::plan);
    c.quota = &quota;
    c.counter = &state.quota;
    c.journal = &journal;
    c.state = &state;
    c.on_state_failure = policy;
    return c;
  }

  [[nodiscard]] std::int64_t used() const { return state.quota.used(quota, t0.utc_ns); }
  [[nodiscard]] std::int64_t tokens() const {
    const throttle_result r = bucket.peek(throttle, t0.mono_ns);
    return r.allowed ? r.remaining + 1 : 0;
  }
};

TEST(AdmissionStateFailure, TheDefaultPolicyIsClosed) {
  EXPECT_EQ(admission_chain{}.on_state_failure, state_failure_policy::closed);
}

TEST(AdmissionStateFailure, CoveredCountsAreNoStateFailureUnderEitherPolicy) {
  for (const auto policy : {state_failure_policy::closed, state_failure_policy::open}) {
    fixture f;
    for (int i = 0; i < 3; ++i) {
      const admission_result r = admit(f.chain(policy), t0);
      ASSERT_TRUE(r.allowed());
      EXPECT_EQ(r.state_failure, state_failure_decision::none);
    }
    EXPECT_EQ(f.journal.failures, 0);
  }
}

TEST(AdmissionStateFailure, ClosedRefusesAsQuotaExceededAndGivesEverythingBack) {
  fixture f;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(admit(f.chain(state_failure_policy::closed), t0).allowed());
  }
  for (int i = 0; i < 4; ++i) {
    const admission_result r = admit(f.chain(state_failure_policy::closed), t0);
    EXPECT_EQ(r.refused, refusal::quota_exceeded);
    EXPECT_EQ(r.state_failure, state_failure_decision::refused);
    ASSERT_TRUE(r.has_quota);
    EXPECT_EQ(r.quota_remaining, 0);
    EXPECT_EQ(r.retry_after_ns, day_ns - 3'600 * s_ns) << "as any quota refusal";
  }
  EXPECT_EQ(f.journal.failures, 4);
  EXPECT_EQ(f.used(), 3) << "every refused count was given back";
  EXPECT_EQ(f.tokens(), 97) << "and every refused request's token";
}

TEST(AdmissionStateFailure, OpenAdmitsCountedInMemoryUpToTheQuota) {
  fixture f(10);
  int admitted_despite_failure = 0;
  for (int i = 0; i < 10; ++i) {
    const admission_result r = admit(f.chain(state_failure_policy::open), t0);
    ASSERT_TRUE(r.allowed()) << i;
    EXPECT_EQ(r.quota_remaining, 9 - i);
    if (r.state_failure == state_failure_decision::admitted) {
      ++admitted_despite_failure;
    } else {
      EXPECT_EQ(r.state_failure, state_failure_decision::none);
    }
  }
  EXPECT_EQ(admitted_despite_failure, 7);
  EXPECT_EQ(f.used(), 10) << "admitted requests count as usual";
  // The in-memory quota still holds: the 11th is an ordinary quota refusal,
  // decided before the journal is asked.
  const int calls = f.journal.calls;
  const admission_result over = admit(f.chain(state_failure_policy::open), t0);
  EXPECT_EQ(over.refused, refusal::quota_exceeded);
  EXPECT_EQ(over.state_failure, state_failure_decision::none);
  EXPECT_EQ(f.journal.calls, calls);
  EXPECT_EQ(f.used(), 10);
  EXPECT_EQ(f.tokens(), 90);
}

TEST(AdmissionStateFailure, GiveBackOfAnOpenAdmissionRefundsItsCount) {
  fixture f;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(admit(f.chain(state_failure_policy::open), t0).allowed());
  }
  const admission_chain chain = f.chain(state_failure_policy::open);
  const admission_result r = admit(chain, t0);
  ASSERT_TRUE(r.allowed());
  ASSERT_EQ(r.state_failure, state_failure_decision::admitted);
  EXPECT_EQ(f.used(), 4);
  give_back(chain, r);
  EXPECT_EQ(f.used(), 3);
  EXPECT_EQ(f.tokens(), 97);
}

}  // namespace
}  // namespace ug::limiter
