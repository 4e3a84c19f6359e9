#pragma once
// The hook through which a durable store (store/) learns about counted
// requests, so limiter/ stays free of SQLite. The store keeps, per (plan, key),
// a reservation written to disk ahead of the in-memory count; a count beyond
// it would not survive a crash, so such a request is not admitted until the
// reservation covers it (docs/semantics.md, "Durable usage").
#include <atomic>
#include <cstdint>

#include "limiter/quota_counter.hpp"

namespace ug::limiter {

struct key_plan_state;

/// A durable reservation packed in one word: [ period tag : 24 | reserved : 40 ],
/// so the period and the count it covers always change together.
struct durable_reservation {
  std::int64_t period_index = 0;
  std::int64_t reserved = 0;

  static constexpr int reserved_bits = 40;
  [[nodiscard]] static constexpr std::uint64_t pack(std::int64_t period_index,
                                                    std::int64_t reserved) noexcept {
    const std::uint64_t tag = static_cast<std::uint64_t>(period_index) & ((1ULL << 24) - 1);
    const std::uint64_t count =
        static_cast<std::uint64_t>(reserved < 0 ? 0 : reserved) & ((1ULL << reserved_bits) - 1);
    return (tag << reserved_bits) | count;
  }
  /// True when `word` covers `used` requests in `period_index` (0: nothing reserved yet).
  [[nodiscard]] static constexpr bool covers(std::uint64_t word, std::int64_t period_index,
                                             std::int64_t used) noexcept {
    if (word == 0) {
      return false;
    }
    const std::uint64_t tag = static_cast<std::uint64_t>(period_index) & ((1ULL << 24) - 1);
    const auto reserved = static_cast<std::int64_t>(word & ((1ULL << reserved_bits) - 1));
    return (word >> reserved_bits) == tag && used <= reserved;
  }
};

/// What admit() does with a counted request the journal could not cover
/// (gateway.onStateFailure; docs/semantics.md, "When the state store fails").
enum class state_failure_policy : std::uint8_t {
  /// Refuse it as quota exceeded: no request is ever admitted without a
  /// durable record, so not even a crash can over-admit; the store's outage
  /// refuses the keys whose reservation ran out.
  closed,
  /// Admit it, counted in memory as usual (AWS serves a request whose
  /// usage-plan check failed): the outage costs no request, but a crash before
  /// the store recovers forgets these counts, so the key may be admitted again.
  open,
};

/// What happened to a request because the journal could not cover it.
enum class state_failure_decision : std::uint8_t { none, refused, admitted };

class quota_journal {
 public:
  virtual ~quota_journal() = default;
  /// Thread-safe, never throws. Called by admit() after `state.quota` counted a
  /// request: `used` is the count after it in `period_index`. Returns true when
  /// the count is durably covered (the common case: one atomic load, no lock);
  /// otherwise the implementation may write a reservation synchronously (rare)
  /// and returns false if it could not, in which case admit() applies the
  /// chain's state_failure_policy.
  virtual bool on_counted(key_plan_state& state, const quota_params& params, std::int64_t used,
                          std::int64_t period_index) noexcept = 0;
};

}  // namespace ug::limiter
