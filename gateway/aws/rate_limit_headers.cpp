#include "gateway/aws/rate_limit_headers.hpp"

#include "gateway/aws/byte_writer.hpp"
#include "limiter/quota_period.hpp"

namespace ug::gateway {

std::int64_t ceil_seconds(std::int64_t ns) noexcept {
  if (ns <= 0) {
    return 0;
  }
  return (ns + 999'999'999) / 1'000'000'000;
}

std::int64_t retry_after_seconds(std::int64_t retry_after_ns) noexcept {
  const std::int64_t s = ceil_seconds(retry_after_ns);
  return s < 1 ? 1 : s;
}

bool format_rate_limit_fields(const limiter::admission_result& a, std::int64_t now_utc_ns,
                              rate_limit_fields& out) noexcept {
  out.policy_len = 0;
  out.limit_len = 0;
  if (!a.has_throttle && !a.has_quota) {
    return false;
  }
  byte_writer policy(out.policy.data(), out.policy.size());
  byte_writer limit(out.limit.data(), out.limit.size());
  if (a.has_throttle) {
    // A token bucket has no fixed window; its quota unit is the burst, and t
    // says when the bucket is full again.
    policy.str("\"throttle\";q=").num(a.throttle_burst);
    limit.str("\"throttle\";r=").num(a.throttle_remaining < 0 ? 0 : a.throttle_remaining);
    // A bucket that never refills (rate 0) has no time to report: "t=0"
    // would read as "full now".
    if (a.throttle_reset_ns >= 0) {
      limit.str(";t=").num(ceil_seconds(a.throttle_reset_ns));
    }
  }
  if (a.has_quota) {
    const limiter::period_bounds b = limiter::period_containing(a.period, 0, now_utc_ns);
    if (a.has_throttle) {
      policy.str(", ");
      limit.str(", ");
    }
    policy.str("\"quota\";q=")
        .num(a.quota_limit)
        .str(";w=")
        .num(ceil_seconds(b.end_utc_ns - b.start_utc_ns));
    limit.str("\"quota\";r=")
        .num(a.quota_remaining < 0 ? 0 : a.quota_remaining)
        .str(";t=")
        .num(ceil_seconds(a.quota_reset_ns));
  }
  if (policy.overflow() || limit.overflow()) {
    return false;
  }
  out.policy_len = policy.size();
  out.limit_len = limit.size();
  return true;
}

}  // namespace ug::gateway
