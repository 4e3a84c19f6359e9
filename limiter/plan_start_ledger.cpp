#include "limiter/plan_start_ledger.hpp"

namespace ug::limiter {

std::optional<std::int64_t> memory_plan_start_ledger::recorded_start(std::string_view plan_id) {
  std::lock_guard lock(mutex_);
  const auto it = starts_.find(plan_id);
  if (it == starts_.end()) {
    return std::nullopt;
  }
  return it->second;
}

void memory_plan_start_ledger::record_starts(const std::vector<plan_start>& starts) {
  std::lock_guard lock(mutex_);
  for (const plan_start& s : starts) {
    starts_.emplace(std::string(s.plan_id), s.start_utc_ns);
  }
}

}  // namespace ug::limiter
