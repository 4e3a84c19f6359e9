// The control plane's access to the journal: AWS GetUsage answered from the
// store plus what was counted since the last flush, and AWS UpdateUsage
// applied to the live counter and committed before it is answered
// (docs/control-plane.md, "GetUsage and UpdateUsage").
#include <algorithm>
#include <exception>
#include <string>
#include <thread>

#include "limiter/quota_period.hpp"
#include "store/durable_journal.hpp"

namespace ug::store {

durable_journal::entry* durable_journal::tracked_entry(
    const limiter::key_plan_state& state) noexcept {
  const auto it = entries_.find(&state);
  if (it == entries_.end()) {
    return nullptr;
  }
  // The pool may have handed the address of a freed state to another one.
  const std::shared_ptr<limiter::key_plan_state> live = it->second.state.lock();
  return live.get() == &state ? &it->second : nullptr;
}

daily_usage durable_journal::live_usage(std::string_view plan_id,
                                        const std::vector<usage_key>& keys, std::int64_t from_day,
                                        std::int64_t to_day) {
  daily_usage out;
  std::vector<std::string_view> key_id(1);
  std::vector<quota_write> unflushed;
  for (const usage_key& k : keys) {
    key_id[0] = k.key_id;
    unflushed.clear();
    // The lock for one key at a time: its live count and its rows must come
    // from between the same two flushes (else a flush's interval counts twice
    // or not at all), but the writer and the requests that wait for a
    // reservation never wait for a whole page's read: they go first.
    while (lock_waiters_.load(std::memory_order_relaxed) > 0) {
      std::this_thread::yield();
    }
    std::lock_guard lock(mutex_);
    if (k.state != nullptr) {
      const entry* e = tracked_entry(*k.state);
      if (e != nullptr && e->plan_id == plan_id && e->key_id == k.key_id) {
        // Written even when nothing changed: today then shows what remains now.
        unflushed.push_back(pending_for(*e, *k.state, clock_.now(), false).row);
      }
    }
    daily_usage one = store_.usage_of_keys(plan_id, key_id, from_day, to_day, unflushed);
    out.merge(one);
  }
  return out;
}

remaining_set durable_journal::set_remaining(const limiter::key_plan_state& state,
                                             std::int64_t remaining) noexcept {
  remaining_set out;
  std::lock_guard lock(mutex_);
  entry* e = tracked_entry(state);
  if (e == nullptr) {
    return out;
  }
  if (failing_.load(std::memory_order_relaxed)) {
    // The writer retries every interval; a set that cannot be made durable
    // is not made at all.
    out.result = remaining_set::outcome::store_failing;
    out.message = store_.file().string() +
                  " cannot be written at the moment (the gateway's log says why); the "
                  "remaining quota was not changed. Retry once the state store recovers.";
    return out;
  }
  const std::shared_ptr<limiter::key_plan_state> live = e->state.lock();
  if (!live) {
    return out;
  }
  try {
    // A second attempt only when the period ended between the clock
    // reading and the set (a worker's newer reading rolled the counter over).
    for (int attempt = 0; attempt < 3; ++attempt) {
      const limiter::instant now = clock_.now();
      const limiter::period_bounds bounds =
          limiter::period_containing(e->params.period, e->params.start_day_offset, now.utc_ns);
      const std::int64_t used =
          limiter::quota_counter::used_leaving(e->params, bounds.index, remaining);
      quota_write w;
      w.plan_id = e->plan_id;
      w.key_id = e->key_id;
      w.period_index = bounds.index;
      w.used = used;
      // Nothing reserved ahead: a crash right after the answer restores
      // exactly what was set, not a chunk less. The writer, woken below,
      // reserves ahead again.
      w.reserved = used;
      w.day = utc_day_of(now.utc_ns);
      w.quota_limit =
          e->params.limit -
          (bounds.index == e->params.first_period_index ? e->params.first_period_reduction : 0);
      w.remaining = std::max<std::int64_t>(0, w.quota_limit - used);
      w.period_end_utc_ns = bounds.end_utc_ns;
      // Until the new reservation is published, every request of this key
      // that counts waits for this lock: the old reservation may cover
      // counts the new row does not.
      const std::uint64_t before = live->durable_reserved.exchange(0, std::memory_order_acq_rel);
      try {
        store_.write_remaining(w, remaining, now.utc_ns);
      } catch (...) {
        live->durable_reserved.store(before, std::memory_order_release);
        throw;
      }
      const limiter::quota_set_result set =
          live->quota.set_remaining(e->params, now.utc_ns, remaining);
      if (!set.applied) {
        live->durable_reserved.store(before, std::memory_order_release);
        continue;
      }
      // The requests the set replaced still belong to the day's usage.
      e->pending_used += set.period_index == e->written_period ? set.used_before - e->written_used
                                                               : set.used_before;
      e->written_period = set.period_index;
      e->written_used = set.used_after;
      live->durable_reserved.store(
          limiter::durable_reservation::pack(set.period_index, set.used_after),
          std::memory_order_release);
      nudged_.store(true, std::memory_order_relaxed);
      wake_.notify_one();
      out.result = remaining_set::outcome::applied;
      out.period_first_day = utc_day_of(bounds.start_utc_ns);
      out.today = w.day;
      return out;
    }
    out.result = remaining_set::outcome::store_failed;
    out.message = "the quota period kept ending while the remaining quota was set; retry";
    return out;
  } catch (const std::exception& ex) {
    note_failure("write the remaining quota to", ex.what());
    out.result = remaining_set::outcome::store_failed;
    out.message = std::string("cannot write ") + store_.file().string() + ": " + ex.what() +
                  "; the remaining quota was not changed";
    return out;
  }
}

}  // namespace ug::store
