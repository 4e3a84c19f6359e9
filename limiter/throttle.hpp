#pragma once
// AWS throttle settings (rateLimit, burstLimit) compiled into integer GCRA
// parameters once, and the lock-free bucket that applies them.
#include <atomic>
#include <cstdint>

namespace ug::limiter {

/// Immutable parameters of one token bucket, computed once from config.
/// Time inside the bucket is counted in "units": units_per_ns units per
/// nanosecond, units_per_token units per token, chosen so that the emission
/// interval is an exact integer whenever the reduced rate allows it (see
/// throttle.cpp); rates that cannot be represented exactly are rounded in the
/// conservative direction (never over-admit).
///
/// A bucket that never refills (rate 0, burst > 0) has units_per_ns 0: its
/// clock stands still, so the state counts the tokens taken (one unit each)
/// and the emission interval, infinite, never appears in any computation.
struct throttle_params {
  double rate_per_s = 0;             ///< AWS rateLimit (tokens per second)
  std::int64_t burst = 0;            ///< AWS burstLimit (bucket size, tokens)
  bool deny_all = true;              ///< burst 0 (or no valid rate): the bucket holds no token
  std::int64_t units_per_ns = 1;     ///< time scale; 0: never refills
  std::int64_t units_per_token = 0;  ///< emission interval in units
  std::int64_t tolerance_units = 0;  ///< burst * units_per_token
  /// True when units_per_token / units_per_ns is exactly 1e9 / rate_per_s
  /// (docs/semantics.md lists which rates are exact; rate 0 is exact).
  bool exact = false;
  /// Monotonic readings are clamped to [0, max_now_ns] so that no unit
  /// computation can overflow (at least 16 years of uptime; see throttle.cpp).
  std::int64_t max_now_ns = 0;

  /// Builds parameters. rate_per_s >= 0, burst >= 0 (validated by config).
  static throttle_params make(double rate_per_s, std::int64_t burst) noexcept;

  /// Thread-safe (const). Rate 0 with a burst: tokens taken never come back.
  [[nodiscard]] bool never_refills() const noexcept { return !deny_all && units_per_ns == 0; }
  /// Thread-safe (const). The whole tokens the bucket holds when full (burst,
  /// or less where the representation caps it; 0 for deny_all).
  [[nodiscard]] std::int64_t capacity_tokens() const noexcept {
    return deny_all ? 0 : tolerance_units / units_per_token;
  }
};

/// Outcome of one try_acquire.
struct throttle_result {
  bool allowed = false;
  std::int64_t remaining = 0;  ///< whole tokens left after this decision
  /// When refused: time until the tokens asked for exist (-1: never).
  std::int64_t retry_after_ns = 0;
  std::int64_t reset_after_ns = 0;  ///< time until the bucket is full again (-1: never)
};

/// GCRA over one atomic theoretical-arrival-time. 8 bytes; starts full.
class gcra_bucket {
 public:
  gcra_bucket() noexcept = default;
  gcra_bucket(const gcra_bucket&) = delete;
  gcra_bucket& operator=(const gcra_bucket&) = delete;

  /// Thread-safe, lock-free, never throws, allocates nothing. Takes one token
  /// at `now_mono_ns` if available.
  throttle_result try_acquire(const throttle_params& p, std::int64_t now_mono_ns) noexcept;
  /// Thread-safe, lock-free, never throws, allocates nothing. Takes `tokens`
  /// at `now_mono_ns` if all of them are available, else none. More than
  /// p.capacity_tokens(), or fewer than 1, is never admitted (retry_after_ns
  /// -1); when refused, `remaining` is what the bucket holds, untouched.
  /// tokens == 1 decides exactly as the one-token overload.
  throttle_result try_acquire(const throttle_params& p, std::int64_t now_mono_ns,
                              std::int64_t tokens) noexcept;
  /// Thread-safe. Gives back one token taken by an earlier successful try_acquire.
  void refund(const throttle_params& p) noexcept;
  /// Thread-safe, wait-free. Gives back `tokens` taken earlier (the unused part
  /// of an estimate, say). At most p.capacity_tokens() count (a full bucket
  /// stays full); fewer than 1 is a no-op.
  void refund(const throttle_params& p, std::int64_t tokens) noexcept;
  /// Thread-safe. What try_acquire would report, without taking a token.
  [[nodiscard]] throttle_result peek(const throttle_params& p,
                                     std::int64_t now_mono_ns) const noexcept;
  /// Thread-safe, lock-free, never throws, allocates nothing. For a reload
  /// that changes this bucket's limits from `from` to `to`: rewrites the state
  /// into `to`'s units so that the tokens held at `now_mono_ns` carry over
  /// (carried_over_tat in throttle_carry_over.hpp says how many). A concurrent
  /// try_acquire or refund is never lost; one made with `from` after this call
  /// reads the state in the wrong units, so call it as late as possible
  /// before `to` is published.
  void carry_over(const throttle_params& from, const throttle_params& to,
                  std::int64_t now_mono_ns) noexcept;

 private:
  std::atomic<std::int64_t> tat_units_{0};
};

}  // namespace ug::limiter
