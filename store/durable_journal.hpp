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

/// A key a usage read reports on: its id and its live state (null: none,
/// then only what the store holds).
struct usage_key {
  std::string_view key_id;
  const limiter::key_plan_state* state = nullptr;
};

/// What set_remaining did.
struct remaining_set {
  enum class outcome {
    applied,        ///< live and committed
    not_tracked,    ///< no quota of a snapshot counts this state (a plan without quota)
    store_failing,  ///< the store failed and has not recovered: nothing was tried or changed
    store_failed,   ///< the write failed now: nothing changed
  };
  outcome result = outcome::not_tracked;
  std::string message;                ///< why, when the store failed
  std::int64_t period_first_day = 0;  ///< UTC day the current period began (applied)
  std::int64_t today = 0;             ///< UTC day of the set (applied)
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
  /// Thread-safe (the control plane's thread while workers count; takes the
  /// journal's lock once per key, for that key's read). AWS GetUsage,
  /// current: for each of `keys` the store's daily series over [from_day,
  /// to_day] with what was counted since the last flush added to today, as a
  /// flush now would write it (docs/control-plane.md, "GetUsage and
  /// UpdateUsage"). A key with neither rows nor tracked state is absent.
  /// Throws sqlite_error.
  [[nodiscard]] daily_usage live_usage(std::string_view plan_id, const std::vector<usage_key>& keys,
                                       std::int64_t from_day, std::int64_t to_day);
  /// Thread-safe (the control plane's thread while workers count), never
  /// throws. AWS UpdateUsage: sets what remains of the current period for
  /// `state`, committed before it returns (a crash after `applied` restores
  /// it exactly) and live at once (the next request counts against it).
  /// Requests of this key that count while the row is written wait for it.
  remaining_set set_remaining(const limiter::key_plan_state& state,
                              std::int64_t remaining) noexcept;
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
    /// Requests counted before an UpdateUsage replaced their count and not
    /// yet in a daily row: the next flush adds them to its day.
    std::int64_t pending_used = 0;
  };
  /// What a flush at `now` writes for `e`: `needed` is false when nothing
  /// changed since its last commit. With mutex_ held.
  struct pending_write {
    quota_write row;
    bool needed = false;
  };
  pending_write pending_for(const entry& e, const limiter::key_plan_state& state,
                            limiter::instant now, bool exact) const noexcept;
  /// mutex_, for the request path and the writer: counted while waiting, so
  /// that a usage read lets them go first between two keys.
  std::unique_lock<std::mutex> lock_before_readers();
  /// With mutex_ held. The tracked entry of `state`, or null.
  entry* tracked_entry(const limiter::key_plan_state& state) noexcept;

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
  /// Threads in lock_before_readers (std::mutex is not fair: a reader taking
  /// it key after key could keep them waiting for a whole page).
  std::atomic<int> lock_waiters_{0};
  /// Written with mutex_ held; read without it by on_counted's fast refusal.
  std::atomic<bool> failing_{false};
  std::condition_variable wake_;
  std::atomic<bool> nudged_{false};
  std::atomic<bool> stopping_{false};
  std::thread writer_;
};

}  // namespace ug::store
