#include "limiter/admission.hpp"

#include <algorithm>

namespace ug::limiter {
namespace {

/// Gives back the tokens taken from steps [0, count), latest first.
void refund_steps(const admission_chain& chain, std::size_t count) noexcept {
  while (count > 0) {
    --count;
    const throttle_step& s = chain.steps[count];
    s.bucket->refund(*s.params);
  }
}

void set_throttle(admission_result& out, const throttle_params& p,
                  const throttle_result& r) noexcept {
  out.has_throttle = true;
  out.throttle_burst = p.burst;
  out.throttle_rate_per_s = p.rate_per_s;
  out.throttle_remaining = r.remaining;
  out.throttle_reset_ns = r.reset_after_ns;
}

void set_quota(admission_result& out, const quota_params& p, const quota_result& q) noexcept {
  out.has_quota = true;
  out.quota_limit = q.limit;
  out.quota_remaining = q.remaining;
  out.quota_reset_ns = q.reset_after_ns;
  out.period = p.period;
  out.quota_period_index = q.period_index;
}

/// Fewer whole tokens left is more constraining; on a tie, the slower refill.
bool more_constraining(const throttle_result& a, const throttle_params& pa,
                       const throttle_result& b, const throttle_params& pb) noexcept {
  if (a.remaining != b.remaining) {
    return a.remaining < b.remaining;
  }
  return pa.rate_per_s < pb.rate_per_s;
}

}  // namespace

admission_result admit(const admission_chain& chain, instant now) noexcept {
  admission_result out;
  const std::size_t count = std::min<std::size_t>(chain.step_count, limit_level_count);
  throttle_result tightest{};
  const throttle_params* tightest_params = nullptr;

  for (std::size_t i = 0; i < count; ++i) {
    const throttle_step& s = chain.steps[i];
    const throttle_result r = s.bucket->try_acquire(*s.params, now.mono_ns);
    if (!r.allowed) {
      // All or nothing: the earlier buckets get their token back, and the
      // quota is not touched (a throttled request does not count).
      refund_steps(chain, i);
      out.refused = refusal::throttled;
      out.level = s.level;
      out.retry_after_ns = r.retry_after_ns;
      set_throttle(out, *s.params, r);
      if (chain.quota != nullptr) {
        quota_result q = chain.counter->peek(*chain.quota, now.utc_ns);
        if (q.allowed) {
          ++q.remaining;  // peek reports what would be left after counting; nothing was
        }
        set_quota(out, *chain.quota, q);
      }
      return out;
    }
    if (tightest_params == nullptr || more_constraining(r, *s.params, tightest, *tightest_params)) {
      tightest = r;
      tightest_params = s.params;
    }
  }

  if (chain.quota != nullptr) {
    quota_result q = chain.counter->try_consume(*chain.quota, now.utc_ns);
    if (q.allowed && chain.journal != nullptr && chain.state != nullptr &&
        !chain.journal->on_counted(*chain.state, *chain.quota, q.limit - q.remaining,
                                   q.period_index)) {
      // Counted beyond what would survive a crash and the store cannot
      // reserve more. Closed: refusing is the only answer that never
      // over-admits. Open: the count stays in memory, so the quota still
      // holds while the process lives.
      if (chain.on_state_failure == state_failure_policy::open) {
        out.state_failure = state_failure_decision::admitted;
      } else {
        out.state_failure = state_failure_decision::refused;
        chain.counter->refund(q.period_index);
        q.allowed = false;
        q.remaining = 0;
      }
    }
    set_quota(out, *chain.quota, q);
    if (!q.allowed) {
      refund_steps(chain, count);
      out.refused = refusal::quota_exceeded;
      out.retry_after_ns = q.reset_after_ns;
      if (tightest_params != nullptr) {
        // The refund put one token back in every bucket, this one included.
        tightest.remaining = std::min(tightest.remaining + 1, tightest_params->burst);
      }
    }
  }
  if (tightest_params != nullptr) {
    set_throttle(out, *tightest_params, tightest);
  }
  return out;
}

void give_back(const admission_chain& chain, const admission_result& result) noexcept {
  if (!result.allowed()) {
    return;  // a refusal already gave everything back
  }
  refund_steps(chain, chain.step_count);
  if (chain.quota != nullptr && result.has_quota) {
    chain.counter->refund(result.quota_period_index);
  }
}

}  // namespace ug::limiter
