#include "gateway/admin/control_plane_throttle.hpp"

#include <string>

#include "gateway/control/aws_error.hpp"

namespace ug::gateway {

std::optional<control::control_response> control_plane_throttle::refuse(
    const config::throttle_settings& limits, std::int64_t now_mono_ns) {
  if (!limits_ || !(*limits_ == limits)) {
    const limiter::throttle_params next =
        limiter::throttle_params::make(limits.rate_limit, limits.burst_limit);
    if (limits_)
      bucket_.carry_over(params_, next, now_mono_ns);  // what was spent stays spent
    limits_ = limits;
    params_ = next;
  }
  const limiter::throttle_result r = bucket_.try_acquire(params_, now_mono_ns);
  if (r.allowed)
    return std::nullopt;
  control::control_response answer =
      control::error_response(control::error_code::too_many_requests, "Too Many Requests");
  if (r.retry_after_ns >= 0) {
    // Whole seconds, rounded up, as the Retry-After of AWS's throttles.
    const std::int64_t seconds = (r.retry_after_ns + 999'999'999) / 1'000'000'000;
    answer.headers.emplace_back("Retry-After", std::to_string(seconds < 1 ? 1 : seconds));
  }
  return answer;
}

}  // namespace ug::gateway
