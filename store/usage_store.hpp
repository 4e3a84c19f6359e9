#pragma once
// The durable usage database (<stateDirectory>/usage.db): schema and
// migrations, quota rows per (plan, key, period), daily rows per (plan, key,
// UTC day), plan start times, and the read API behind `usagegate usage`
// (AWS GetUsage).
//
// Durability: WAL with synchronous=NORMAL. A commit is in the WAL before
// commit returns; only an fsync is deferred to the next checkpoint, so a
// process crash (kill -9) loses nothing committed, while a power loss may lose
// the last transactions (docs/reliability.md).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "limiter/plan_start_ledger.hpp"

namespace ug::store {

/// A start-up failure, worded for the operator: names the file and the fix.
class store_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The schema version this build writes (migrations bring older files up to it).
inline constexpr std::int64_t schema_version = 3;

struct quota_row {
  std::int64_t used = 0;
  std::int64_t reserved = 0;  ///< written ahead of `used` (crash safety)
};

/// One (plan, key) in one flush.
struct quota_write {
  std::string_view plan_id;
  std::string_view key_id;
  std::int64_t period_index = 0;
  std::int64_t used = 0;
  std::int64_t reserved = 0;
  std::int64_t day = 0;          ///< UTC day (days since 1970-01-01) the delta counts in
  std::int64_t used_delta = 0;   ///< requests since the previous flush
  std::int64_t remaining = 0;    ///< quota left in the period at this flush
  std::int64_t quota_limit = 0;  ///< of the period (for days without requests)
  std::int64_t period_end_utc_ns = 0;
};

/// usage_for's answer: key id -> one [used, remaining] pair per day of the range.
using daily_usage = std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>>;

class usage_store {
 public:
  /// Opens or creates `<dir>/usage.db` for the gateway (takes the directory's
  /// lock: one gateway per state directory). Throws store_error.
  static std::unique_ptr<usage_store> open_for_gateway(const std::filesystem::path& dir);
  /// Opens an existing database read-only (the CLI; works next to a running
  /// gateway). Throws store_error.
  static std::unique_ptr<usage_store> open_read_only(const std::filesystem::path& dir);
  ~usage_store();
  usage_store(const usage_store&) = delete;
  usage_store& operator=(const usage_store&) = delete;

  /// Every member: not thread-safe (the journal serialises access).
  [[nodiscard]] std::optional<quota_row> load_quota(std::string_view plan_id,
                                                    std::string_view key_id,
                                                    std::int64_t period_index);
  /// One transaction. `exact`: the counts are final (clean shutdown), so
  /// reserved is set to what was given instead of only ever growing. Throws
  /// sqlite_error (the transaction is rolled back).
  void write(const std::vector<quota_write>& rows, bool exact);
  /// Writes a reservation for one key now (the rare synchronous path).
  void reserve(std::string_view plan_id, std::string_view key_id, std::int64_t period_index,
               std::int64_t reserved);
  /// When `plan_id` started (nullopt: not recorded). Throws sqlite_error.
  [[nodiscard]] std::optional<std::int64_t> plan_start(std::string_view plan_id);
  /// One transaction; a plan already recorded keeps its start. Throws
  /// sqlite_error (the transaction is rolled back: none is recorded).
  void record_plan_starts(const std::vector<limiter::plan_start>& starts);
  /// AWS GetUsage: per key of `plan_id` (or only `key_id` when set), one
  /// [used, remaining] pair per UTC day in [from_day, to_day]. Days without
  /// requests report 0 used and the remaining carried over (or the full limit
  /// once a new period started). Keys without any row are absent.
  [[nodiscard]] daily_usage usage_for(std::string_view plan_id,
                                      std::optional<std::string_view> key_id, std::int64_t from_day,
                                      std::int64_t to_day);
  /// AWS GetUsage for the keys of one page, current: for each of `key_ids`
  /// with a row or an entry in `unflushed`, the series usage_for gives, as
  /// if `unflushed` (what a journal flush would write now; at most one per
  /// key) had been written. Reads only the rows it needs: per key those of
  /// the range and the last one before it. Throws sqlite_error.
  [[nodiscard]] daily_usage usage_of_keys(std::string_view plan_id,
                                          const std::vector<std::string_view>& key_ids,
                                          std::int64_t from_day, std::int64_t to_day,
                                          const std::vector<quota_write>& unflushed);
  /// AWS UpdateUsage, in one transaction: the quota row of `row`'s period
  /// set to exactly row.used and row.reserved (a set may lower either), the
  /// day's row (row.used_delta added, its remaining and limit replaced), and
  /// the set itself in remaining_overrides (`remaining` as asked, at
  /// `set_utc_ns`). Throws sqlite_error (the transaction is rolled back).
  void write_remaining(const quota_write& row, std::int64_t remaining, std::int64_t set_utc_ns);
  [[nodiscard]] std::int64_t version();
  [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

 private:
  struct impl;
  explicit usage_store(std::unique_ptr<impl> self, std::filesystem::path file);
  std::unique_ptr<impl> impl_;
  std::filesystem::path file_;
};

/// UTC day number of `utc_ns` (floor division: days before 1970 are negative).
[[nodiscard]] std::int64_t utc_day_of(std::int64_t utc_ns) noexcept;

}  // namespace ug::store
