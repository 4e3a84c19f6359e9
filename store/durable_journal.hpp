#pragma once
// Keeps the limiter's quota counters durable: restores them when a (plan,
// key) is first attached, reserves ahead of the in-memory counts (so a crash
// never forgets an admitted request), and commits counts and daily usage from
// a background thread, one transaction per interval (docs/semantics.md,
// "Durable usage"; docs/reliability.md). Also the plan-start ledger compile
// reads and records plan start times in: the journal owns the one lock that
// serialises use of the store.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "limiter/clock.hpp"
#include "limiter/plan_start_ledger.hpp"
#include "limiter/quota_journal.hpp"
#include "limiter/state_registry.hpp"
#include "store/usage_store.hpp"

namespace ug::store {

/// One (plan with a quota, key) of a compiled snapshot.
struct quota_binding {
  std::string_view plan_id;
  std::string_view key_id;
  limiter::quota_params params;
  std::shared_ptr<limiter::key_plan_state> state;
};

struct journal_settings {
  std::chrono::milliseconds flush_interval{1000};
  std::int64_t reserve_chunk = 0;  ///< 0: max(64, 1 % of each quota's limit)
};

class durable_journal final : public limiter::quota_journal, public limiter::plan_start_ledger {
 public:
  /// `store` and `clock` outlive the journal.
  durable_journal(usage_store& store, const limiter::clock& clock, journal_settings settings);
  ~durable_journal() override;
  durable_journal(const durable_journal&) = delete;
  durable_journal& operator=(const durable_journal&) = delete;

  /// Thread-safe (control thread, after each compile, before the snapshot is
  /// published). Starts tracking bindings not seen before and restores their
  /// count for the current period from the store: max(used, reserved).
  /// Throws sqlite_error when the store cannot be read.
  void attach(const std::vector<quota_binding>& bindings);
  /// Thread-safe, lock-free in the common case (see quota_journal). While
  /// the store is failing (the last write failed, until a flush succeeds) a
  /// count beyond the reservation is answered false at once, without a lock
  /// or a write: the writer retries every interval, so an outage costs no
  /// request a synchronous wait (a locked file waits out busy_timeout).
  bool on_counted(limiter::key_plan_state& state, const limiter::quota_params& params,
                  std::int64_t used, std::int64_t period_index) noexcept override;
  /// Thread-safe. Commits what changed since the last flush (the writer calls
  /// it every interval; tests call it with a manual clock). `exact`: final
  /// counts (no request is admitted any more). Returns false if the store
  /// failed (reported on stderr once per failure streak, whichever write
  /// failed first; retried next time).
  bool flush(bool exact = false) noexcept;
  /// Starts the writer thread. Not thread-safe: once, from the owner.
  void start();
  /// Stops the writer and commits exact counts (clean shutdown: call after the
  /// workers stopped). Not thread-safe: from the owner. Returns flush's result.
  bool stop() noexcept;
  /// Thread-safe (control thread, from compile). The start the store holds
  /// for `plan_id`. Throws store_error naming the file and the fix.
  [[nodiscard]] std::optional<std::int64_t> recorded_start(std::string_view plan_id) override;
  /// Thread-safe (control thread, from compile). Commits `starts` in one
  /// transaction before returning; a plan already recorded keeps its start.
  /// Throws store_error naming the file and the fix (none is recorded then).
  void record_starts(const std::vector<limiter::plan_start>& starts) override;
  /// Thread-safe. The reservation chunk for a quota.
  [[nodiscard]] std::int64_t chunk_for(const limiter::quota_params& p) const noexcept;
  /// Thread-safe. Tracked (plan, key) pairs.
  [[nodiscard]] std::size_t tracked() const;

 private:
  struct entry {
    std::string plan_id;
    std::string key_id;
    limiter::quota_params params;
    std::weak_ptr<limiter::key_plan_state> state;
    std::int64_t written_period = INT64_MIN;  ///< of the last committed row
    std::int64_t written_used = 0;
  };

  void run();
  bool reserve_now(limiter::key_plan_state& state, const limiter::quota_params& params,
                   std::int64_t used, std::int64_t period_index) noexcept;
  /// With mutex_ held. Starts a failure streak (logged once) or continues it.
  void note_failure(const char* doing, const char* why) noexcept;

  usage_store& store_;
  const limiter::clock& clock_;
  const journal_settings settings_;
  mutable std::mutex mutex_;  // guards entries_ and store_ (never on the common path)
  std::unordered_map<const limiter::key_plan_state*, entry> entries_;
  /// Written with mutex_ held; read without it by on_counted's fast refusal.
  std::atomic<bool> failing_{false};
  std::condition_variable wake_;
  std::atomic<bool> nudged_{false};
  std::atomic<bool> stopping_{false};
  std::thread writer_;
};

}  // namespace ug::store
