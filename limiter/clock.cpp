#include "limiter/clock.hpp"

#include <time.h>

namespace ug::limiter {
namespace {

std::int64_t read_ns(clockid_t id) noexcept {
  timespec ts{};
  // clock_gettime cannot fail for these two clocks on Linux; a zeroed reading
  // would only make time stand still, never run backwards.
  ::clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

system_clock::system_clock() noexcept : mono_origin_ns_(read_ns(CLOCK_MONOTONIC)) {
  resync();
}

instant system_clock::now() const noexcept {
  const std::int64_t mono_ns = read_ns(CLOCK_MONOTONIC) - mono_origin_ns_;
  // Relaxed: the offset is a self-contained value; no other memory depends on it.
  return instant{mono_ns, mono_ns + utc_offset_ns_.load(std::memory_order_relaxed)};
}

void system_clock::resync() noexcept {
  // Bracket the realtime read between two monotonic reads and use their
  // midpoint, so a preemption between the reads costs at most half its length.
  const std::int64_t before_ns = read_ns(CLOCK_MONOTONIC);
  const std::int64_t utc_ns = read_ns(CLOCK_REALTIME);
  const std::int64_t after_ns = read_ns(CLOCK_MONOTONIC);
  const std::int64_t mono_ns = before_ns + (after_ns - before_ns) / 2 - mono_origin_ns_;
  utc_offset_ns_.store(utc_ns - mono_ns, std::memory_order_relaxed);
}

manual_clock::manual_clock(instant start) noexcept
    : mono_ns_(start.mono_ns), utc_ns_(start.utc_ns) {}

instant manual_clock::now() const noexcept {
  // Relaxed: each reading is one atomic value; callers that advance the clock
  // from another thread synchronise with their workers by other means (barriers).
  return instant{mono_ns_.load(std::memory_order_relaxed), utc_ns_.load(std::memory_order_relaxed)};
}

void manual_clock::advance_ns(std::int64_t delta_ns) noexcept {
  mono_ns_.fetch_add(delta_ns, std::memory_order_relaxed);
  utc_ns_.fetch_add(delta_ns, std::memory_order_relaxed);
}

void manual_clock::set_utc_ns(std::int64_t utc_ns) noexcept {
  const std::int64_t previous_ns = utc_ns_.exchange(utc_ns, std::memory_order_relaxed);
  if (utc_ns > previous_ns) {
    mono_ns_.fetch_add(utc_ns - previous_ns, std::memory_order_relaxed);
  }
}

}  // namespace ug::limiter
