#pragma once
// AWS's account-wide limit on management API calls (gateway.admin
// .controlPlaneThrottle; AWS's own 10 requests per second with a burst of 40
// unless set): one token bucket that every control-plane request of the admin
// listener takes a token from, so that a script which floods AWS's control
// plane is throttled here too, with the answer AWS gives and the CLI and SDKs
// retry (429 TooManyRequestsException with Retry-After).
#include <cstdint>
#include <optional>

#include "config/document/document.hpp"
#include "gateway/control/control_plane.hpp"
#include "limiter/throttle.hpp"

namespace ug::gateway {

class control_plane_throttle {
 public:
  /// Admin thread only. `limits` is the snapshot's (admin settings change
  /// with a restart; a change keeps what was spent spent). nullopt: admitted, a
  /// token taken; else the 429 to answer.
  std::optional<control::control_response> refuse(const config::throttle_settings& limits,
                                                  std::int64_t now_mono_ns);

 private:
  std::optional<config::throttle_settings> limits_;  ///< what params_ was made from
  limiter::throttle_params params_;
  limiter::gcra_bucket bucket_;
};

}  // namespace ug::gateway
