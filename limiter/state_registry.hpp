#pragma once
// Mutable limiter state that outlives config snapshots: buckets and quota
// counters found by stable id (plan id, key id, stage, method), so a reload or
// a new key never resets anyone's bucket or quota. Used at compile/reload time
// only; the hot path reaches state through pointers held by the snapshot.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "limiter/plan_start_ledger.hpp"
#include "limiter/quota_counter.hpp"
#include "limiter/quota_journal.hpp"
#include "limiter/throttle.hpp"

namespace ug::limiter {

/// State of one API key in one usage plan: its plan bucket and quota counter.
struct key_plan_state {
  gcra_bucket plan_bucket;
  quota_counter quota;
  /// Added: what the durable store has written ahead for this quota
  /// (durable_reservation::pack; 0 = nothing). Written by the store after its
  /// transaction commits, read lock-free by quota_journal::on_counted.
  std::atomic<std::uint64_t> durable_reserved{0};
};

class state_registry {
 public:
  state_registry();
  ~state_registry();
  state_registry(const state_registry&) = delete;
  state_registry& operator=(const state_registry&) = delete;

  /// Thread-safe (internal mutex; not for the hot path). Returns the bucket
  /// stored under `id`, creating a full one the first time.
  std::shared_ptr<gcra_bucket> bucket(std::string_view id);
  /// Thread-safe (internal mutex). State of (plan, key), created on first use.
  std::shared_ptr<key_plan_state> key_plan(std::string_view plan_id, std::string_view key_id);
  /// Thread-safe (internal mutex; not for the hot path). State of (plan,
  /// key) if some compile created it, else null; never creates one (the
  /// control plane looks keys up by id without leaving state behind).
  [[nodiscard]] std::shared_ptr<key_plan_state> find_key_plan(std::string_view plan_id,
                                                              std::string_view key_id) const;
  /// Thread-safe. Drops entries no snapshot references any more (call after a swap).
  std::size_t collect_unused();
  /// Thread-safe. Number of live entries.
  [[nodiscard]] std::size_t size() const;
  /// Thread-safe. The journal every snapshot compiled from now on tells
  /// about counted requests (null: none, quotas live in memory only); it must
  /// outlive those snapshots.
  void set_journal(quota_journal* journal) noexcept;
  /// Thread-safe.
  [[nodiscard]] quota_journal* journal() const noexcept;
  /// Thread-safe. The ledger every compile from now on takes plan
  /// start times from and records new ones in (the durable store's); null:
  /// the registry's own, in memory, which lasts as long as the registry. It
  /// must outlive those compiles.
  void set_plan_start_ledger(plan_start_ledger* ledger) noexcept;
  /// Thread-safe. The ledger set, else the in-memory one (never null).
  [[nodiscard]] plan_start_ledger& plan_starts() noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::atomic<quota_journal*> journal_{nullptr};
  memory_plan_start_ledger memory_plan_starts_;
  std::atomic<plan_start_ledger*> plan_starts_{nullptr};
};

}  // namespace ug::limiter
