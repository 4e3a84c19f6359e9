#pragma once
// Exact, lock-free quota counter for one (usage plan, API key): one atomic
// 64-bit word packing (period index, used count), so roll-over at a period
// boundary and counting can never race.
#include <atomic>
#include <cstdint>

#include "limiter/quota_period.hpp"

namespace ug::limiter {

/// Immutable quota parameters compiled from AWS QuotaSettings.
struct quota_params {
  std::int64_t limit = 0;  ///< requests per period (AWS quota.limit)
  quota_period period = quota_period::day;
  int start_day_offset = 0;                 ///< startDay meaning: the day shift; else 0
  std::int64_t first_period_reduction = 0;  ///< initialRequests meaning: offset; else 0
  std::int64_t first_period_index = 0;      ///< index of the period the plan started in
};

/// What set_remaining did.
struct quota_set_result {
  /// False when the counter already counts in a period later than the one
  /// containing the caller's reading (a worker with a newer reading crossed
  /// the boundary first): that period starts afresh, so nothing is changed.
  bool applied = false;
  std::int64_t period_index = 0;  ///< the period set (or the later one found)
  /// Counted in that period just before the set (0 when it held an older
  /// period): the requests the set replaced.
  std::int64_t used_before = 0;
  /// The count the set left, limit - remaining (negative: an extension).
  std::int64_t used_after = 0;
};

struct quota_result {
  bool allowed = false;
  std::int64_t limit = 0;           ///< effective limit of the current period
  std::int64_t remaining = 0;       ///< after this decision, >= 0
  std::int64_t reset_after_ns = 0;  ///< until the current period ends
  std::int64_t period_index = 0;    ///< the period this decision counted in (for refund)
};

class quota_counter {
 public:
  quota_counter() noexcept = default;
  quota_counter(const quota_counter&) = delete;
  quota_counter& operator=(const quota_counter&) = delete;

  /// Thread-safe, lock-free, never throws. Counts one request if the period's
  /// effective limit is not reached; rolls over to a new period atomically.
  quota_result try_consume(const quota_params& p, std::int64_t now_utc_ns) noexcept;
  /// Thread-safe, lock-free, never throws. Counts `count` at once, or nothing:
  /// admitted iff used + count <= the period's effective limit (so the 40-bit
  /// count never overflows: a larger count is refused). A count below 1 is
  /// refused. count == 1 decides exactly as the one-request overload.
  quota_result try_consume(const quota_params& p, std::int64_t now_utc_ns,
                           std::int64_t count) noexcept;
  /// Thread-safe. Gives back one request counted in `period_index`; a no-op if
  /// the counter has moved on to a later period.
  void refund(std::int64_t period_index) noexcept;
  /// Thread-safe, lock-free. Gives back `count` counted in `period_index`, as
  /// the one-request refund does `count` times (the count stops at the
  /// field's minimum); a no-op for a past period or a count below 1.
  void refund(std::int64_t period_index, std::int64_t count) noexcept;
  /// Thread-safe, lock-free, never throws. AWS UpdateUsage: sets what
  /// remains in the period containing `now_utc_ns` (more than the limit: a
  /// temporary extension; 0 stops the key; below 0 reads as 0). One CAS, so
  /// each request counted concurrently is either before it (replaced, and
  /// in used_before) or after it (counted against the new remaining): none
  /// is lost, doubled or admitted beyond what was set. Never moves the
  /// counter back to an older period (then applied is false).
  quota_set_result set_remaining(const quota_params& p, std::int64_t now_utc_ns,
                                 std::int64_t remaining) noexcept;
  /// Pure. The count set_remaining leaves for `remaining` in `period_index`
  /// (the period's effective limit minus it, within the 40-bit count).
  [[nodiscard]] static std::int64_t used_leaving(const quota_params& p, std::int64_t period_index,
                                                 std::int64_t remaining) noexcept;
  /// Thread-safe. What try_consume would report, without counting.
  [[nodiscard]] quota_result peek(const quota_params& p, std::int64_t now_utc_ns) const noexcept;
  /// Thread-safe. Requests counted in the period containing now (0 after roll-over).
  [[nodiscard]] std::int64_t used(const quota_params& p, std::int64_t now_utc_ns) const noexcept;
  /// Thread-safe. Restores persisted usage (durable store, reload).
  void restore(std::int64_t period_index, std::int64_t used) noexcept;

 private:
  std::atomic<std::uint64_t> word_{0};
};

}  // namespace ug::limiter
