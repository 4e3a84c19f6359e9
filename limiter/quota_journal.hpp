#pragma once
// The hook through which a durable store (store/) learns about counted
// requests, so limiter/ stays free of SQLite. The store keeps, per (plan, key),
// a reservation written to disk ahead of the in-memory count; a count beyond
// it would not survive a crash, so such a request is not admitted until the
// reservation covers it (docs/semantics.md, "Durable usage").
#include <algorithm>
#include <atomic>
#include <cstdint>

#include "limiter/quota_counter.hpp"

namespace ug::limiter {

struct key_plan_state;

/// A durable reservation packed in one word: [ period tag : 24 | reserved : 40 ],
/// so the period and the count it covers always change together. `reserved`
/// is signed (two's complement, like the quota counter's count): after an
/// UpdateUsage extension the count, and so what is reserved ahead of it, may
/// be below zero.
struct durable_reservation {
  std::int64_t period_index = 0;
  std::int64_t reserved = 0;

  static constexpr int reserved_bits = 40;
  static constexpr std::int64_t max_reserved = (std::int64_t{1} << (reserved_bits - 1)) - 1;
  static constexpr std::int64_t min_reserved = -(std::int64_t{1} << (reserved_bits - 1));

  [[nodiscard]] static constexpr std::uint64_t pack(std::int64_t period_index,
                                                    std::int64_t reserved) noexcept {
    const std::int64_t r = std::clamp(reserved, min_reserved, max_reserved);
    return (tag_of(period_index) << reserved_bits) |
           (static_cast<std::uint64_t>(r) & ((1ULL << reserved_bits) - 1));
  }
  /// True when `word` holds a reservation for `period_index` (0: nothing reserved yet).
  [[nodiscard]] static constexpr bool in_period(std::uint64_t word,
                                                std::int64_t period_index) noexcept {
    return word != 0 && (word >> reserved_bits) == tag_of(period_index);
  }
  /// The count `word` reserves (meaningful only for the period it is in_period of).
  [[nodiscard]] static constexpr std::int64_t reserved_of(std::uint64_t word) noexcept {
    return static_cast<std::int64_t>(word << (64 - reserved_bits)) >> (64 - reserved_bits);
  }
  /// True when `word` covers `used` requests in `period_index`.
  [[nodiscard]] static constexpr bool covers(std::uint64_t word, std::int64_t period_index,
                                             std::int64_t used) noexcept {
    return in_period(word, period_index) && used <= reserved_of(word);
  }

 private:
  static constexpr std::uint64_t tag_of(std::int64_t period_index) noexcept {
    return static_cast<std::uint64_t>(period_index) & ((1ULL << 24) - 1);
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
