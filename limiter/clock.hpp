#pragma once
// The one place usagegate reads time. The decision path reads the clock once per
// request and passes the resulting `instant` down.
#include <atomic>
#include <cstdint>

namespace ug::limiter {

/// One reading of the clock: monotonic nanoseconds (for token buckets) and UTC
/// nanoseconds since the Unix epoch (for quota periods). Both come from a single
/// clock read: utc_ns = mono_ns + an offset sampled at start-up and refreshed by
/// `system_clock::resync()` off the hot path.
struct instant {
  std::int64_t mono_ns = 0;
  std::int64_t utc_ns = 0;
};

/// Source of `instant`s. Implementations are thread-safe.
class clock {
 public:
  virtual ~clock() = default;
  /// Thread-safe. Never throws.
  [[nodiscard]] virtual instant now() const noexcept = 0;
};

/// CLOCK_MONOTONIC relative to process start, plus a UTC offset.
class system_clock final : public clock {
 public:
  system_clock() noexcept;
  /// Thread-safe: one clock_gettime(CLOCK_MONOTONIC) and one relaxed load.
  [[nodiscard]] instant now() const noexcept override;
  /// Thread-safe. Re-samples the UTC offset (call every few seconds from a timer).
  void resync() noexcept;

 private:
  std::int64_t mono_origin_ns_ = 0;
  std::atomic<std::int64_t> utc_offset_ns_{0};
};

/// A clock the test (or a replay tool) sets by hand. Thread-safe.
class manual_clock final : public clock {
 public:
  explicit manual_clock(instant start = {1'000'000'000, 1'700'000'000'000'000'000}) noexcept;
  [[nodiscard]] instant now() const noexcept override;
  /// Advances both readings by `delta_ns`. Thread-safe.
  void advance_ns(std::int64_t delta_ns) noexcept;
  /// Sets the UTC reading (monotonic reading advances by the same amount if later,
  /// never goes backwards). Thread-safe.
  void set_utc_ns(std::int64_t utc_ns) noexcept;

 private:
  std::atomic<std::int64_t> mono_ns_;
  std::atomic<std::int64_t> utc_ns_;
};

}  // namespace ug::limiter
