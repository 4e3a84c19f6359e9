#pragma once
// Where compile finds the time each usage plan started (the initialRequests
// quota offset reduces the limit of the period that time falls in, and of no
// other) and records the start of plans it meets for the first time. The hook
// lets a durable store (store/) keep starts across restarts while limiter/
// and config/ stay free of SQLite (docs/semantics.md, "Quotas").
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ug::limiter {

struct plan_start {
  std::string_view plan_id;
  std::int64_t start_utc_ns = 0;
};

class plan_start_ledger {
 public:
  virtual ~plan_start_ledger() = default;
  /// Thread-safe (compile calls it on the control thread). The start recorded
  /// for `plan_id`; nullopt when none is. Throws std::runtime_error, worded
  /// for the operator, when the ledger cannot be read.
  [[nodiscard]] virtual std::optional<std::int64_t> recorded_start(std::string_view plan_id) = 0;
  /// Thread-safe. Records `starts` before returning (durably, for a durable
  /// ledger), all or none; a plan already recorded keeps its start. Throws
  /// like recorded_start; nothing is recorded then.
  virtual void record_starts(const std::vector<plan_start>& starts) = 0;
};

/// The ledger without a state directory: starts last as long as the object
/// (the process), so a restart begins a new first period.
class memory_plan_start_ledger final : public plan_start_ledger {
 public:
  /// Thread-safe (internal mutex). Never throws but std::bad_alloc.
  [[nodiscard]] std::optional<std::int64_t> recorded_start(std::string_view plan_id) override;
  /// Thread-safe (internal mutex).
  void record_starts(const std::vector<plan_start>& starts) override;

 private:
  std::mutex mutex_;
  std::map<std::string, std::int64_t, std::less<>> starts_;
};

}  // namespace ug::limiter
