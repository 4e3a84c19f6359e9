#pragma once
// control::usage_access over the running gateway's durable journal and state
// registry: GetUsage reads the store plus what the limiter counted since the
// journal's last flush; UpdateUsage sets the live counter and commits the row
// before it answers. Header-only so that only what links ug_store (the
// usagegate program, and its tests) compiles it: the gateway libraries stay
// free of SQLite (docs/architecture.md), and gateway/control sees only the
// interface.
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/control/usage_access.hpp"
#include "limiter/state_registry.hpp"
#include "store/durable_journal.hpp"

namespace ug::gateway {

class journal_usage_access final : public control::usage_access {
 public:
  /// `journal` and `state` outlive this object; `journal` is the one the
  /// registry's snapshots count into (state.set_journal).
  journal_usage_access(store::durable_journal& journal, limiter::state_registry& state) noexcept
      : journal_(journal), state_(state) {}

  /// Thread-safe (takes the journal's lock one key at a time).
  control::usage_read daily_usage(std::string_view plan_id,
                                  const std::vector<std::string_view>& key_ids,
                                  std::int64_t from_day, std::int64_t to_day) override {
    // Held for the call, so no state is freed while the journal reads it.
    std::vector<std::shared_ptr<limiter::key_plan_state>> held;
    std::vector<store::usage_key> keys;
    held.reserve(key_ids.size());
    keys.reserve(key_ids.size());
    for (const std::string_view key_id : key_ids) {
      held.push_back(state_.find_key_plan(plan_id, key_id));
      keys.push_back(store::usage_key{key_id, held.back().get()});
    }
    control::usage_read out;
    try {
      out.keys = journal_.live_usage(plan_id, keys, from_day, to_day);
    } catch (const std::exception& e) {
      out.status = control::usage_status::store_unavailable;
      out.message = std::string("cannot read the usage from the state store: ") + e.what();
    }
    return out;
  }

  /// Thread-safe (the journal's lock, for one committed write).
  control::remaining_update set_remaining(std::string_view plan_id, std::string_view key_id,
                                          std::int64_t remaining) override {
    control::remaining_update out;
    const std::shared_ptr<limiter::key_plan_state> s = state_.find_key_plan(plan_id, key_id);
    if (!s) {
      out.status = control::usage_status::not_found;
      return out;
    }
    const store::remaining_set set = journal_.set_remaining(*s, remaining);
    switch (set.result) {
      case store::remaining_set::outcome::applied:
        out.period_first_day = set.period_first_day;
        out.today = set.today;
        break;
      case store::remaining_set::outcome::not_tracked:
        out.status = control::usage_status::not_found;
        break;
      case store::remaining_set::outcome::store_failing:
      case store::remaining_set::outcome::store_failed:
        out.status = control::usage_status::store_unavailable;
        out.message = set.message;
        break;
    }
    return out;
  }

 private:
  store::durable_journal& journal_;
  limiter::state_registry& state_;
};

}  // namespace ug::gateway
