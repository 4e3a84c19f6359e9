#pragma once
// All-or-nothing admission of one request over AWS's chain of limits.
#include <array>
#include <cstdint>

#include "limiter/clock.hpp"
#include "limiter/quota_counter.hpp"
#include "limiter/quota_journal.hpp"
#include "limiter/throttle.hpp"

namespace ug::limiter {

/// Throttle levels in AWS's order of application (docs/semantics.md).
enum class limit_level : std::uint8_t { plan_method, plan, stage_method, stage, account };
inline constexpr std::size_t limit_level_count = 5;

/// One bucket to pass. `params` and `bucket` are owned by the config snapshot /
/// state registry and outlive the call.
struct throttle_step {
  const throttle_params* params = nullptr;
  gcra_bucket* bucket = nullptr;
  limit_level level = limit_level::account;
};

/// The limits that apply to one request, in AWS order; built per request on the
/// stack by the gateway from the compiled snapshot (no allocation).
struct admission_chain {
  std::array<throttle_step, limit_level_count> steps{};
  std::uint8_t step_count = 0;
  const quota_params* quota = nullptr;  ///< null: no quota applies
  quota_counter* counter = nullptr;
  /// Added: told about every counted request (null: quotas are not durable).
  /// `state` owns `counter`; both set together.
  quota_journal* journal = nullptr;
  key_plan_state* state = nullptr;
  /// When `journal` cannot cover a counted request.
  state_failure_policy on_state_failure = state_failure_policy::closed;

  void add(const throttle_params* p, gcra_bucket* b, limit_level level) noexcept {
    steps[step_count++] = throttle_step{p, b, level};
  }
};

enum class refusal : std::uint8_t { none, throttled, quota_exceeded };

/// Everything the gateway turns into a status and headers.
struct admission_result {
  refusal refused = refusal::none;
  limit_level level = limit_level::account;  ///< the refusing throttle (when throttled)
  std::int64_t retry_after_ns = 0;           ///< when refused: until a retry can pass
  /// The most constraining throttle of the chain (fewest remaining tokens), for
  /// RateLimit headers. Valid when has_throttle.
  bool has_throttle = false;
  std::int64_t throttle_burst = 0;
  double throttle_rate_per_s = 0;
  std::int64_t throttle_remaining = 0;
  std::int64_t throttle_reset_ns = 0;
  /// The quota. Valid when has_quota.
  bool has_quota = false;
  std::int64_t quota_limit = 0;
  std::int64_t quota_remaining = 0;
  std::int64_t quota_reset_ns = 0;
  quota_period period = quota_period::day;
  std::int64_t quota_period_index = 0;  ///< the period counted in (for give_back)
  /// Not none when the journal could not cover the count: what the chain's
  /// policy decided (the gateway counts it).
  state_failure_decision state_failure = state_failure_decision::none;

  [[nodiscard]] bool allowed() const noexcept { return refused == refusal::none; }
};

/// Thread-safe, lock-free, never throws, allocates nothing. Takes a token from
/// every throttle in order, then counts the quota; the first refusal gives back
/// every token already taken, and a throttled request is not counted.
admission_result admit(const admission_chain& chain, instant now) noexcept;

/// Thread-safe, lock-free, never throws. Undoes an admission that `admit`
/// allowed (`result` is what it returned): every throttle of `chain` gets its
/// token back and the quota its request, unless the quota has moved on to a
/// later period. For a request found malformed after it was admitted, which
/// must cost the key nothing.
void give_back(const admission_chain& chain, const admission_result& result) noexcept;

}  // namespace ug::limiter
