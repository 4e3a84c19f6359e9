#pragma once
// What GetUsage and UpdateUsage need of the running gateway: the daily usage
// of a plan's keys, current to the last admitted request, and the live,
// durable setting of what remains of a key's quota. gateway/control/ sees
// only this interface (it links no store); the implementation over the
// durable journal and the state registry is gateway/app/journal_usage_access.hpp.
// Plain std types only, so either side can include it without linking the other.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ug::gateway::control {

/// One [used, remaining] pair per UTC day, oldest first (AWS GetUsage's
/// `values` entry of one key).
using daily_pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;

enum class usage_status {
  ok,
  /// No quota counts this (plan, key) in the running gateway.
  not_found,
  /// The state store cannot be read or written now; nothing was changed.
  store_unavailable,
};

struct usage_read {
  usage_status status = usage_status::ok;
  std::string message;  ///< why, when not ok
  /// Key id -> its days. A key that never made a request and that the
  /// running gateway does not count may be absent.
  std::map<std::string, daily_pairs> keys;
};

struct remaining_update {
  usage_status status = usage_status::ok;
  std::string message;                ///< why, when not ok
  std::int64_t period_first_day = 0;  ///< UTC day (since 1970) the current period began
  std::int64_t today = 0;             ///< UTC day of the update
};

class usage_access {
 public:
  virtual ~usage_access() = default;

  /// Thread-safe: called on the control plane's thread while workers count.
  /// Per key of `key_ids` (keys of `plan_id`), one pair per UTC day of
  /// [from_day, to_day] (days since 1970-01-01, from_day <= to_day):
  /// requests counted that day and what remained of the period's quota at
  /// its end (now, for today). Includes every request admitted before the
  /// call, flushed to the store or not.
  virtual usage_read daily_usage(std::string_view plan_id,
                                 const std::vector<std::string_view>& key_ids,
                                 std::int64_t from_day, std::int64_t to_day) = 0;

  /// Thread-safe, as daily_usage. AWS UpdateUsage `replace /remaining`:
  /// `remaining` (>= 0; above the limit is a temporary extension) is what is
  /// left of the current period for (plan, key) from now on. When it returns
  /// ok the next request counts against it and the change survives a
  /// restart or a crash.
  virtual remaining_update set_remaining(std::string_view plan_id, std::string_view key_id,
                                         std::int64_t remaining) = 0;
};

}  // namespace ug::gateway::control
