// What a GetUsage read costs the data plane. The read takes the journal's
// lock (the one the writer and a key's synchronous reservation take) for
// each key's rows in turn; requests never take it unless their key runs past
// its reservation. Measured here: how long one read takes (a page of 25 and
// of 500 keys over 90 days, each key with a year of history), and the
// latency of admissions on four threads with and without a reader looping.
// An admission waits for the lock only on its synchronous path (its count
// is beyond the key's reservation): those are counted and timed apart, for
// keys counting as fast as a thread can and for keys at 20 000 requests/s.
// Prints the figures (docs/control-plane.md quotes a Release run); asserts
// only that every admission was counted.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "limiter/admission.hpp"
#include "limiter/clock.hpp"
#include "limiter/state_registry.hpp"
#include "store/durable_journal.hpp"
#include "store/usage_store.hpp"
#include "tests/support/process.hpp"

namespace ug::store {
namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::int64_t ns_per_day = 86'400'000'000'000;
constexpr std::int64_t day0 = 19'675;
constexpr std::int64_t day0_utc_ns = day0 * ns_per_day + 3'600'000'000'000;
constexpr int key_count = 500;
constexpr int history_days = 365;

struct fixture {
  limiter::state_registry registry;
  std::unique_ptr<usage_store> store;
  std::unique_ptr<durable_journal> journal;
  limiter::quota_params params;
  std::vector<std::string> key_ids;
  std::vector<std::shared_ptr<limiter::key_plan_state>> states;

  fixture(const std::filesystem::path& dir, const limiter::clock& clock) {
    params.limit = 1'000'000'000;
    params.period = limiter::quota_period::month;
    params.first_period_index = std::numeric_limits<std::int64_t>::min();
    store = usage_store::open_for_gateway(dir);
    for (int k = 0; k < key_count; ++k) {
      key_ids.push_back("key" + std::to_string(1'000'000 + k));
    }
    // A year of daily rows per key, counted in a long-gone period.
    std::vector<quota_write> history;
    for (const std::string& key : key_ids) {
      for (std::int64_t day = day0 - history_days; day < day0; ++day) {
        quota_write w;
        w.plan_id = "plan1";
        w.key_id = key;
        w.period_index = 0;
        w.day = day;
        w.used_delta = 100;
        w.remaining = 1000;
        w.quota_limit = params.limit;
        w.period_end_utc_ns = (day + 1) * ns_per_day;
        history.push_back(w);
      }
    }
    store->write(history, false);
    // The chunk a 1 000 000-request quota gets by default.
    journal = std::make_unique<durable_journal>(
        *store, clock, journal_settings{std::chrono::milliseconds(1000), 10'000});
    std::vector<quota_binding> bindings;
    for (const std::string& key : key_ids) {
      states.push_back(registry.key_plan("plan1", key));
      bindings.push_back(quota_binding{"plan1", key, params, states.back()});
    }
    journal->attach(bindings);
  }

  std::vector<usage_key> page(int size) const {
    std::vector<usage_key> keys;
    for (int k = 0; k < size; ++k) {
      keys.push_back(usage_key{key_ids[static_cast<std::size_t>(k)],
                               states[static_cast<std::size_t>(k)].get()});
    }
    return keys;
  }
};

/// The journal, with the admissions that took its synchronous path (their
/// count beyond the key's reservation: they may wait for the lock) counted
/// and timed.
struct watching_journal final : limiter::quota_journal {
  explicit watching_journal(durable_journal& j) : inner(j) {}
  bool on_counted(limiter::key_plan_state& state, const limiter::quota_params& params,
                  std::int64_t used, std::int64_t period_index) noexcept override {
    if (limiter::durable_reservation::covers(state.durable_reserved.load(std::memory_order_acquire),
                                             period_index, used)) {
      return inner.on_counted(state, params, used, period_index);
    }
    const auto start = clock_type::now();
    const bool ok = inner.on_counted(state, params, used, period_index);
    const std::int64_t took =
        std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - start).count();
    waits.fetch_add(1);
    std::int64_t seen = worst_wait_ns.load();
    while (took > seen && !worst_wait_ns.compare_exchange_weak(seen, took)) {
    }
    return ok;
  }
  durable_journal& inner;
  std::atomic<std::int64_t> waits{0};
  std::atomic<std::int64_t> worst_wait_ns{0};
};

struct run_figures {
  std::int64_t admitted = 0;
  std::int64_t p50_ns = 0, p999_ns = 0;
  std::int64_t synchronous = 0, worst_synchronous_ns = 0;
};

/// Four threads admit on four keys for `how_long`, each as fast as it can
/// (per_second 0) or paced to `per_second`.
run_figures admit_for(fixture& f, const limiter::clock& clock, std::chrono::milliseconds how_long,
                      std::int64_t per_second) {
  constexpr int threads = 4;
  watching_journal journal(*f.journal);
  std::vector<std::vector<std::int64_t>> samples(threads);
  std::vector<std::thread> workers;
  const auto begin = clock_type::now();
  const auto until = begin + how_long;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      limiter::key_plan_state& state = *f.states[static_cast<std::size_t>(t)];
      limiter::admission_chain chain;
      chain.quota = &f.params;
      chain.counter = &state.quota;
      chain.journal = &journal;
      chain.state = &state;
      std::vector<std::int64_t>& mine = samples[static_cast<std::size_t>(t)];
      mine.reserve(1 << 20);
      std::int64_t sent = 0;
      for (auto now = clock_type::now(); now < until; now = clock_type::now()) {
        if (per_second > 0 &&
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - begin).count() <
                sent * 1'000'000'000 / per_second) {
          std::this_thread::yield();
          continue;
        }
        const bool allowed = limiter::admit(chain, clock.now()).allowed();
        const auto took = clock_type::now() - now;
        EXPECT_TRUE(allowed);
        ++sent;
        mine.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count());
      }
    });
  }
  for (std::thread& w : workers) {
    w.join();
  }
  std::vector<std::int64_t> all;
  for (const auto& s : samples) {
    all.insert(all.end(), s.begin(), s.end());
  }
  std::sort(all.begin(), all.end());
  run_figures out;
  out.admitted = static_cast<std::int64_t>(all.size());
  if (!all.empty()) {
    out.p50_ns = all[all.size() / 2];
    out.p999_ns = all[all.size() * 999 / 1000];
  }
  out.synchronous = journal.waits.load();
  out.worst_synchronous_ns = journal.worst_wait_ns.load();
  return out;
}

TEST(JournalUsageTiming, AReadHoldsTheLockBrieflyAndAdmissionsDoNotWaitForIt) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  fixture f(dir.path(), clock);
  f.journal->start();

  for (const int size : {25, 500}) {
    const std::vector<usage_key> keys = f.page(size);
    std::int64_t worst_ns = 0;
    std::int64_t total_ns = 0;
    constexpr int reads = 20;
    for (int i = 0; i < reads; ++i) {
      const auto start = clock_type::now();
      const daily_usage usage = f.journal->live_usage("plan1", keys, day0 - 89, day0);
      const auto took =
          std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - start).count();
      worst_ns = std::max<std::int64_t>(worst_ns, took);
      total_ns += took;
      ASSERT_EQ(usage.size(), static_cast<std::size_t>(size));
      ASSERT_EQ(usage.begin()->second.size(), 90u);
    }
    std::printf("GetUsage read of %d keys x 90 days: mean %.2f ms, worst %.2f ms\n", size,
                static_cast<double>(total_ns) / reads / 1e6, static_cast<double>(worst_ns) / 1e6);
  }

  std::int64_t admitted = 0;
  for (const std::int64_t per_second : {std::int64_t{0}, std::int64_t{20'000}}) {
    const run_figures quiet = admit_for(f, clock, std::chrono::milliseconds(500), per_second);
    std::atomic<bool> reading{true};
    std::int64_t read_count = 0;
    std::thread reader([&] {
      const std::vector<usage_key> keys = f.page(500);
      while (reading.load()) {
        (void)f.journal->live_usage("plan1", keys, day0 - 89, day0);
        ++read_count;
      }
    });
    const run_figures busy = admit_for(f, clock, std::chrono::milliseconds(500), per_second);
    reading.store(false);
    reader.join();
    admitted += quiet.admitted + busy.admitted;
    const std::string pace = per_second == 0 ? "unpaced" : std::to_string(per_second) + "/s";
    for (const auto& [name, r] : {std::pair{"alone", quiet}, std::pair{"with reads", busy}}) {
      std::printf(
          "keys %-8s %-10s: %8lld admitted on 4 threads in 0.5 s, p50 %lld ns, p99.9 %lld ns, "
          "%lld synchronous (worst %.2f ms)\n",
          pace.c_str(), name, static_cast<long long>(r.admitted), static_cast<long long>(r.p50_ns),
          static_cast<long long>(r.p999_ns), static_cast<long long>(r.synchronous),
          static_cast<double>(r.worst_synchronous_ns) / 1e6);
    }
    std::printf("  reads of 500 keys x 90 days meanwhile: %lld\n",
                static_cast<long long>(read_count));
  }
  ASSERT_TRUE(f.journal->stop());
  const daily_usage today = f.store->usage_for("plan1", std::nullopt, day0, day0);
  std::int64_t counted = 0;
  for (int t = 0; t < 4; ++t) {
    counted += today.at(f.key_ids[static_cast<std::size_t>(t)]).front().first;
  }
  EXPECT_EQ(counted, admitted) << "every admission is in the day's usage";
}

}  // namespace
}  // namespace ug::store
