#include "store/durable_journal.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>

#include "limiter/quota_period.hpp"
#include "store/sqlite.hpp"

namespace ug::store {
namespace {

std::int64_t reserved_of(std::uint64_t word, std::int64_t period_index) noexcept {
  // Only meaningful for the period it was written for.
  return limiter::durable_reservation::in_period(word, period_index)
             ? limiter::durable_reservation::reserved_of(word)
             : 0;
}

}  // namespace

durable_journal::durable_journal(usage_store& store, const limiter::clock& clock,
                                 journal_settings settings)
    : store_(store), clock_(clock), settings_(settings) {}

durable_journal::~durable_journal() {
  if (writer_.joinable()) {
    stop();
  }
}

std::int64_t durable_journal::chunk_for(const limiter::quota_params& p) const noexcept {
  if (settings_.reserve_chunk > 0) {
    return settings_.reserve_chunk;
  }
  return std::max<std::int64_t>(64, p.limit / 100);
}

void durable_journal::attach(const std::vector<quota_binding>& bindings) {
  const limiter::instant now = clock_.now();
  std::lock_guard lock(mutex_);
  for (const quota_binding& b : bindings) {
    auto it = entries_.find(b.state.get());
    // The pool may hand a freed state's address to another (plan, key).
    if (it != entries_.end() && !it->second.state.expired() && it->second.plan_id == b.plan_id &&
        it->second.key_id == b.key_id) {
      it->second.params = b.params;  // a reload may change the plan's quota
      continue;
    }
    entry e;
    e.plan_id = std::string(b.plan_id);
    e.key_id = std::string(b.key_id);
    e.params = b.params;
    e.state = b.state;
    const std::int64_t period =
        limiter::period_containing(b.params.period, b.params.start_day_offset, now.utc_ns).index;
    if (const auto row = store_.load_quota(b.plan_id, b.key_id, period)) {
      // After a crash `reserved` is the high-water mark of what may have been
      // admitted: restoring it can refuse early, never admit one too many.
      const std::int64_t count = std::max(row->used, row->reserved);
      b.state->quota.restore(period, count);
      b.state->durable_reserved.store(limiter::durable_reservation::pack(period, count),
                                      std::memory_order_release);
      e.written_period = period;
      e.written_used = count;
    }
    entries_[b.state.get()] = std::move(e);
  }
}

bool durable_journal::on_counted(limiter::key_plan_state& state,
                                 const limiter::quota_params& params, std::int64_t used,
                                 std::int64_t period_index) noexcept {
  const std::uint64_t word = state.durable_reserved.load(std::memory_order_acquire);
  if (limiter::durable_reservation::covers(word, period_index, used)) {
    // Half a chunk before the reservation runs out, the writer extends it, so
    // requests normally never reach the synchronous path below.
    if (!limiter::durable_reservation::covers(word, period_index, used + chunk_for(params) / 2) &&
        !nudged_.load(std::memory_order_relaxed) &&
        !nudged_.exchange(true, std::memory_order_relaxed)) {
      wake_.notify_one();
    }
    return true;
  }
  return reserve_now(state, params, used, period_index);
}

bool durable_journal::reserve_now(limiter::key_plan_state& state,
                                  const limiter::quota_params& params, std::int64_t used,
                                  std::int64_t period_index) noexcept {
  if (failing_.load(std::memory_order_relaxed)) {
    return false;  // the writer's next flush tries again and extends the reservation
  }
  // Held until the failure is noted: released in between, it would let the
  // writer (or another request) try the same failing write and wait again.
  std::unique_lock lock = lock_before_readers();
  try {
    const std::uint64_t word = state.durable_reserved.load(std::memory_order_acquire);
    if (limiter::durable_reservation::covers(word, period_index, used)) {
      return true;  // another request (or the writer) reserved meanwhile
    }
    if (failing_.load(std::memory_order_relaxed)) {
      return false;  // the store failed while this request waited for the lock
    }
    auto it = entries_.find(&state);
    if (it == entries_.end()) {
      return false;  // not attached: nothing durable to count against
    }
    const std::int64_t reserved =
        std::max(reserved_of(word, period_index), used) + chunk_for(params);
    store_.reserve(it->second.plan_id, it->second.key_id, period_index, reserved);
    state.durable_reserved.store(limiter::durable_reservation::pack(period_index, reserved),
                                 std::memory_order_release);
    return true;
  } catch (const std::exception& e) {
    // admit() applies gateway.onStateFailure to the request.
    note_failure("reserve quota in", e.what());
    return false;
  }
}

void durable_journal::note_failure(const char* doing, const char* why) noexcept {
  if (!failing_.load(std::memory_order_relaxed)) {
    std::fprintf(stderr, "usagegate: state: cannot %s %s: %s (retrying)\n", doing,
                 store_.file().c_str(), why);
    failing_.store(true, std::memory_order_relaxed);
  }
}

durable_journal::pending_write durable_journal::pending_for(const entry& e,
                                                            const limiter::key_plan_state& state,
                                                            limiter::instant now,
                                                            bool exact) const noexcept {
  const limiter::period_bounds bounds =
      limiter::period_containing(e.params.period, e.params.start_day_offset, now.utc_ns);
  const std::int64_t used = state.quota.used(e.params, now.utc_ns);
  const std::uint64_t word = state.durable_reserved.load(std::memory_order_acquire);
  const std::int64_t chunk = chunk_for(e.params);
  const std::int64_t reserved_before = reserved_of(word, bounds.index);
  std::int64_t reserved = reserved_before;
  if (exact) {
    reserved = used;
  } else if ((used > 0 || limiter::durable_reservation::in_period(word, bounds.index)) &&
             !limiter::durable_reservation::covers(word, bounds.index, used + chunk / 2)) {
    // A count at or below 0 with a reservation is a key an UpdateUsage
    // extended: it is counting, so it is reserved ahead like any other.
    reserved = used + chunk;
  }
  const bool same_period = bounds.index == e.written_period;
  pending_write out;
  out.needed = true;
  if (same_period && used == e.written_used && reserved == reserved_before && e.pending_used == 0 &&
      !exact) {
    out.needed = false;
  }
  if (!same_period && used == 0 && e.pending_used == 0) {
    out.needed = false;  // nothing counted in this period yet
  }
  quota_write& w = out.row;
  w.plan_id = e.plan_id;
  w.key_id = e.key_id;
  w.period_index = bounds.index;
  w.used = used;
  w.reserved = reserved;
  w.day = utc_day_of(now.utc_ns);
  // Requests counted between the last flush and a period roll-over are
  // attributed to the new period's day (at most one interval's worth).
  w.used_delta = (same_period ? used - e.written_used : used) + e.pending_used;
  w.quota_limit =
      e.params.limit -
      (bounds.index == e.params.first_period_index ? e.params.first_period_reduction : 0);
  w.remaining = std::max<std::int64_t>(0, w.quota_limit - used);
  w.period_end_utc_ns = bounds.end_utc_ns;
  return out;
}

std::unique_lock<std::mutex> durable_journal::lock_before_readers() {
  lock_waiters_.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock lock(mutex_);
  lock_waiters_.fetch_sub(1, std::memory_order_relaxed);
  return lock;
}

bool durable_journal::flush(bool exact) noexcept {
  std::unique_lock lock = lock_before_readers();  // as in reserve_now: until a failure is noted
  try {
    const limiter::instant now = clock_.now();
    std::vector<quota_write> rows;
    struct publish {
      limiter::key_plan_state* state;
      entry* e;
      std::int64_t period, used, reserved;
    };
    std::vector<publish> publishes;
    std::vector<const limiter::key_plan_state*> gone;
    for (auto& [ptr, e] : entries_) {
      const std::shared_ptr<limiter::key_plan_state> state = e.state.lock();
      if (!state) {
        gone.push_back(ptr);  // key removed from the plan (or the plan deleted)
        continue;
      }
      const pending_write p = pending_for(e, *state, now, exact);
      if (!p.needed) {
        continue;
      }
      rows.push_back(p.row);
      publishes.push_back(publish{state.get(), &e, p.row.period_index, p.row.used, p.row.reserved});
    }
    if (rows.empty() && failing_.load(std::memory_order_relaxed)) {
      // Nothing was written, so nothing says the store works again (and
      // exact counts with nothing to write lose nothing).
      return exact;
    }
    store_.write(rows, exact);
    // Only now is the reservation durable: publish it to the hot path.
    for (const publish& p : publishes) {
      if (!exact) {
        p.state->durable_reserved.store(limiter::durable_reservation::pack(p.period, p.reserved),
                                        std::memory_order_release);
      }
      p.e->written_period = p.period;
      p.e->written_used = p.used;
      p.e->pending_used = 0;
    }
    for (const limiter::key_plan_state* ptr : gone) {
      entries_.erase(ptr);
    }
    if (failing_.load(std::memory_order_relaxed)) {
      std::fprintf(stderr, "usagegate: state: writing %s again\n", store_.file().c_str());
      failing_.store(false, std::memory_order_relaxed);
    }
    return true;
  } catch (const std::exception& e) {
    note_failure("write", e.what());
    return false;
  }
}

void durable_journal::start() {
  writer_ = std::thread([this] { run(); });
}

void durable_journal::run() {
  bool failed = false;
  while (!stopping_.load(std::memory_order_relaxed)) {
    {
      // After a failure, retry once per interval whatever the nudges: retrying
      // at once would keep the lock (and a request waiting for it) busy with
      // writes that fail the same way.
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, settings_.flush_interval, [this, failed] {
        return stopping_.load(std::memory_order_relaxed) ||
               (!failed && nudged_.load(std::memory_order_relaxed));
      });
    }
    nudged_.store(false, std::memory_order_relaxed);
    if (!stopping_.load(std::memory_order_relaxed)) {
      failed = !flush(false);
    }
  }
}

bool durable_journal::stop() noexcept {
  stopping_.store(true, std::memory_order_relaxed);
  wake_.notify_one();
  if (writer_.joinable()) {
    writer_.join();
  }
  return flush(true);
}

std::optional<std::int64_t> durable_journal::recorded_start(std::string_view plan_id) {
  try {
    std::lock_guard lock(mutex_);
    return store_.plan_start(plan_id);
  } catch (const sqlite_error& e) {
    const std::string file = store_.file().string();
    throw store_error("cannot read when usage plan " + std::string(plan_id) + " started from " +
                      file + " (" + e.what() + "); the configuration is not applied. " +
                      "Fix: check the file (sqlite3 " + file +
                      " 'PRAGMA integrity_check') or restore it from a backup.");
  }
}

void durable_journal::record_starts(const std::vector<limiter::plan_start>& starts) {
  try {
    std::lock_guard lock(mutex_);
    store_.record_plan_starts(starts);
  } catch (const sqlite_error& e) {
    const std::string file = store_.file().string();
    const std::string more =
        starts.size() > 1 ? " (and " + std::to_string(starts.size() - 1) + " more)" : "";
    // A start kept only in memory would begin a new first period at the
    // next restart: refusing the load is the only way to keep one.
    throw store_error("cannot record when usage plan " + std::string(starts.front().plan_id) +
                      more + " started in " + file + " (" + e.what() +
                      "); the configuration is not applied. Fix: free disk space and make " +
                      "the file writable by the user running usagegate, or check it (sqlite3 " +
                      file + " 'PRAGMA integrity_check').");
  }
}

std::size_t durable_journal::tracked() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace ug::store
