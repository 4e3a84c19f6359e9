#pragma once
// The cardinality rule for per-key series (docs/operations.md): at most N key
// ids get their own series, chosen as the heaviest users by cumulative request
// count; everything else is reported as key="__other__".
//
// Each key's cumulative count is split into what was counted while the key
// was named (its own series) and what was counted while it was not (the
// "__other__" series). Promotion and demotion move a mark, never past
// counts, so every exported series is a monotonic counter and every request
// is counted in exactly one series: sum(increase(...)) over the family is
// exact. A key named the first time it is seen keeps its whole count; a key
// promoted later starts its series at 0 (its past stays in "__other__"); a
// demoted key's series goes stale and resumes where it stopped if the key is
// named again.
//
// Churn is damped: once the N slots are full, an unnamed key replaces the
// lightest named key only when it has more than 10% more requests.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/telemetry/metrics_labels.hpp"

namespace ug::gateway {

inline constexpr std::string_view other_key_label = "__other__";

class key_series_selector {
 public:
  using counts = std::array<std::uint64_t, outcome_count>;

  /// One exported series: a key id (or other_key_label) and its per-outcome
  /// counter values.
  struct series {
    std::string key;
    counts values{};
    /// The key's cumulative counts (for "__other__": `values`). Export a
    /// cell when this is non-zero, even if its value is 0, so that a newly
    /// named key's series exists before its first increment.
    counts totals{};
  };

  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  /// Cumulative counts of every key seen so far, each key once.
  using totals_map = std::unordered_map<std::string_view, counts, string_hash>;

  /// Not thread-safe: used by one scraper at a time.
  explicit key_series_selector(std::size_t max_named) : max_named_(max_named) {}

  /// Not thread-safe. Takes the current cumulative totals (which never
  /// decrease between calls), updates which keys are named, and returns the
  /// named series sorted by key followed by "__other__" (which also absorbs
  /// `unattributed`: samples that never got a key row).
  std::vector<series> update(const totals_map& totals, const counts& unattributed);

  /// Not thread-safe. Number of keys currently named.
  [[nodiscard]] std::size_t named_count() const noexcept { return named_count_; }

 private:
  struct key_state {
    bool named = false;
    bool fresh = true;   // first seen in the current update: no count exported yet
    counts mark{};       // totals when the key last changed side
    counts named_acc{};  // counted while named, before `mark`
    counts other_acc{};  // counted while unnamed, before `mark`
    std::uint64_t weight = 0;
    const counts* now = nullptr;  // this update's totals
  };
  using state_map = std::unordered_map<std::string, key_state, string_hash, std::equal_to<>>;

  static void promote(key_state& s) noexcept;
  static void demote(key_state& s) noexcept;
  void select(std::vector<state_map::value_type*>& candidates);

  std::size_t max_named_;
  std::size_t named_count_ = 0;
  state_map keys_;
};

}  // namespace ug::gateway
