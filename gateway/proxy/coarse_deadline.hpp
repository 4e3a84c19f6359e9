#pragma once
// The deadline of a connection's current operation, checked by its worker's
// tick instead of a steady_timer armed, cancelled and completed around every
// read and write (what beast::tcp_stream does: three scheduler operations and
// two locked timer-queue updates per I/O). Setting it is a store.
#include <chrono>
#include <cstdint>
#include <limits>

namespace ug::gateway {

/// How often a worker checks deadlines (and does its other housekeeping).
inline constexpr std::chrono::milliseconds worker_tick{100};

/// Owning worker only. Never fires early; fires up to two ticks late.
class coarse_deadline {
 public:
  static constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();

  /// `coarse_now_ns`: the worker's coarse clock, up to one tick behind.
  void expire_after(std::int64_t coarse_now_ns, std::chrono::milliseconds after) noexcept {
    const std::int64_t slack_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(worker_tick).count();
    at_ns_ = coarse_now_ns + slack_ns +
             std::chrono::duration_cast<std::chrono::nanoseconds>(after).count();
  }
  void clear() noexcept { at_ns_ = never; }
  [[nodiscard]] bool passed(std::int64_t now_ns) const noexcept { return now_ns >= at_ns_; }

 private:
  std::int64_t at_ns_ = never;
};

}  // namespace ug::gateway
