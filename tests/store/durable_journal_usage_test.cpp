// The journal's side of AWS GetUsage and UpdateUsage against a real usage.db:
// a read counts every admitted request, flushed or not; a set is live at
// once, committed before it returns (a crash right after restores it
// exactly), keeps the requests it replaced in the day's usage, and stays
// exact while threads count and the writer flushes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "limiter/admission.hpp"
#include "limiter/clock.hpp"
#include "limiter/state_registry.hpp"
#include "store/durable_journal.hpp"
#include "store/sqlite.hpp"
#include "store/usage_store.hpp"
#include "tests/support/process.hpp"

namespace ug::store {
namespace {

namespace fs = std::filesystem;
using limiter::quota_params;
using pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;

constexpr std::int64_t ns_per_day = 86'400'000'000'000;
// 2023-11-14 (a Tuesday) 01:00 UTC: day 19'675, in the month that began on day 19'662.
constexpr std::int64_t day0_utc_ns = 19'675 * ns_per_day + 3'600'000'000'000;
constexpr std::int64_t day0 = 19'675;
constexpr std::int64_t november_1st = 19'662;

quota_params month_quota(std::int64_t limit) {
  quota_params p;
  p.limit = limit;
  p.period = limiter::quota_period::month;
  p.first_period_index = std::numeric_limits<std::int64_t>::min();
  return p;
}

/// One gateway "process" with plan1 = {key1, key2}: its registry, store and
/// journal; requests go through limiter::admit as the data plane sends them.
struct gateway {
  limiter::state_registry registry;
  std::unique_ptr<usage_store> store;
  std::unique_ptr<durable_journal> journal;
  quota_params params;
  std::shared_ptr<limiter::key_plan_state> key1;
  std::shared_ptr<limiter::key_plan_state> key2;

  gateway(const fs::path& dir, const limiter::clock& clock, quota_params p,
          std::chrono::milliseconds flush_interval = std::chrono::milliseconds(1000))
      : params(p) {
    store = usage_store::open_for_gateway(dir);
    journal = std::make_unique<durable_journal>(*store, clock, journal_settings{flush_interval, 0});
    key1 = registry.key_plan("plan1", "key1");
    key2 = registry.key_plan("plan1", "key2");
    journal->attach({quota_binding{"plan1", "key1", params, key1},
                     quota_binding{"plan1", "key2", params, key2}});
  }

  bool request(const limiter::clock& clock, limiter::key_plan_state& state) {
    limiter::admission_chain chain;
    chain.quota = &params;
    chain.counter = &state.quota;
    chain.journal = journal.get();
    chain.state = &state;
    return limiter::admit(chain, clock.now()).allowed();
  }

  daily_usage live(std::int64_t from_day, std::int64_t to_day) {
    return journal->live_usage(
        "plan1", {usage_key{"key1", key1.get()}, usage_key{"key2", key2.get()}}, from_day, to_day);
  }
};

TEST(JournalUsage, ALiveReadCountsWhatTheLastFlushHasNotWritten) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  gateway g(dir.path(), clock, month_quota(1000));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(g.request(clock, *g.key1));
  }
  ASSERT_TRUE(g.journal->flush());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(g.request(clock, *g.key1));
  }
  EXPECT_EQ(g.store->usage_for("plan1", std::string_view("key1"), day0, day0).at("key1"),
            (pairs{{5, 995}}))
      << "the store alone lags by the unflushed requests";
  const daily_usage live = g.live(day0, day0 + 1);
  EXPECT_EQ(live.at("key1"), (pairs{{8, 992}, {0, 992}}));
  EXPECT_EQ(live.at("key2"), (pairs{{0, 1000}, {0, 1000}})) << "a tracked key that never asked";
  EXPECT_EQ(g.journal->live_usage("plan1", {usage_key{"ghost", nullptr}}, day0, day0).size(), 0u)
      << "no row and no state: absent";
  ASSERT_TRUE(g.journal->flush());
  EXPECT_EQ(g.store->usage_for("plan1", std::string_view("key1"), day0, day0).at("key1"),
            (pairs{{8, 992}}))
      << "and the flush writes what the live read showed";
}

TEST(JournalUsage, ALiveReadSpansDaysBeforeTheRangeAndHistory) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  gateway g(dir.path(), clock, month_quota(1000));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(g.request(clock, *g.key1));
  }
  ASSERT_TRUE(g.journal->flush());
  clock.advance_ns(ns_per_day);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(g.request(clock, *g.key1));
  }
  EXPECT_EQ(g.live(day0 - 1, day0 + 2).at("key1"),
            (pairs{{0, 1000}, {2, 998}, {4, 994}, {0, 994}}));
  EXPECT_EQ(g.live(day0 + 1, day0 + 1).at("key1"), (pairs{{4, 994}}))
      << "a range after the first row starts from the row before it";
}

TEST(JournalUsage, SetRemainingIsLiveAtOnce) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  gateway g(dir.path(), clock, month_quota(1000));
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(g.request(clock, *g.key1));
  }
  const remaining_set set = g.journal->set_remaining(*g.key1, 5);
  ASSERT_EQ(set.result, remaining_set::outcome::applied) << set.message;
  EXPECT_EQ(set.period_first_day, november_1st);
  EXPECT_EQ(set.today, day0);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(g.request(clock, *g.key1)) << i;
  }
  EXPECT_FALSE(g.request(clock, *g.key1)) << "exactly what was set";
  EXPECT_TRUE(g.request(clock, *g.key2)) << "the other key is untouched";
  EXPECT_EQ(g.live(day0, day0).at("key1"), (pairs{{35, 0}}))
      << "the 30 requests the set replaced still count in the day's usage";
}

TEST(JournalUsage, ASetSurvivesACrashRightAfterIt) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  {
    gateway g(dir.path(), clock, month_quota(100));
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(g.request(clock, *g.key1));
    }
    ASSERT_FALSE(g.request(clock, *g.key1));
    ASSERT_EQ(g.journal->set_remaining(*g.key1, 250).result, remaining_set::outcome::applied);
    ASSERT_EQ(g.journal->set_remaining(*g.key2, 7).result, remaining_set::outcome::applied);
    // No stop(): the writer never ran and nothing more is written, as after kill -9.
  }
  gateway back(dir.path(), clock, month_quota(100));
  int admitted = 0;
  while (admitted < 1000 && back.request(clock, *back.key1)) {
    ++admitted;
  }
  EXPECT_EQ(admitted, 250) << "the extension, exactly";
  admitted = 0;
  while (admitted < 1000 && back.request(clock, *back.key2)) {
    ++admitted;
  }
  EXPECT_EQ(admitted, 7) << "the reduction, exactly";
  const daily_usage day = back.store->usage_for("plan1", std::nullopt, day0, day0);
  EXPECT_EQ(day.at("key2"), (pairs{{0, 7}})) << "the committed day row";
}

TEST(JournalUsage, ASetAndTheCountsAfterItSurviveAReopen) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  {
    gateway g(dir.path(), clock, month_quota(1000));
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(g.request(clock, *g.key1));
    }
    ASSERT_EQ(g.journal->set_remaining(*g.key1, 50).result, remaining_set::outcome::applied);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(g.request(clock, *g.key1));
    }
    ASSERT_TRUE(g.journal->stop());
  }
  gateway back(dir.path(), clock, month_quota(1000));
  EXPECT_EQ(back.live(day0, day0).at("key1"), (pairs{{35, 45}}));
  EXPECT_EQ(back.key1->quota.used(back.params, day0_utc_ns), 955);
  auto reader = usage_store::open_read_only(dir.path());
  EXPECT_EQ(reader->usage_for("plan1", std::string_view("key1"), day0, day0).at("key1"),
            (pairs{{35, 45}}));
}

TEST(JournalUsage, ASetWhileThreadsCountAndTheWriterFlushesIsExact) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  gateway g(dir.path(), clock, month_quota(1'000'000), std::chrono::milliseconds(2));
  g.journal->start();
  constexpr int threads = 4;
  constexpr std::int64_t remaining = 3'000;
  std::atomic<std::int64_t> admitted{0};
  std::atomic<bool> set_done{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      std::int64_t mine = 0;
      for (;;) {
        if (g.request(clock, *g.key1)) {
          ++mine;
        } else if (set_done.load()) {
          break;
        }
      }
      admitted.fetch_add(mine);
    });
  }
  while (g.key1->quota.used(g.params, day0_utc_ns) < 2'000) {
    std::this_thread::yield();
  }
  const remaining_set set = g.journal->set_remaining(*g.key1, remaining);
  set_done.store(true);
  for (std::thread& w : workers) {
    w.join();
  }
  ASSERT_EQ(set.result, remaining_set::outcome::applied) << set.message;
  ASSERT_TRUE(g.journal->stop());
  EXPECT_EQ(g.key1->quota.used(g.params, day0_utc_ns), 1'000'000);
  const daily_usage day = g.store->usage_for("plan1", std::string_view("key1"), day0, day0);
  EXPECT_EQ(day.at("key1"), (pairs{{admitted.load(), 0}}))
      << "every admitted request is in the day's usage once, before the set or after it";
}

TEST(JournalUsage, AStateNoQuotaCountsIsNotTracked) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  gateway g(dir.path(), clock, month_quota(10));
  const auto other = g.registry.key_plan("free", "key1");
  EXPECT_EQ(g.journal->set_remaining(*other, 5).result, remaining_set::outcome::not_tracked);
}

// Another connection holding the write lock: the set waits out busy_timeout,
// fails, changes nothing, and a second one is refused at once.
TEST(JournalUsage, ASetTheStoreCannotCommitChangesNothing) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  gateway g(dir.path(), clock, month_quota(1000));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(g.request(clock, *g.key1));
  }
  testing::internal::CaptureStderr();
  {
    database holder((dir.path() / "usage.db").string(), false, false);
    holder.exec("BEGIN EXCLUSIVE");
    const remaining_set failed = g.journal->set_remaining(*g.key1, 0);
    EXPECT_EQ(failed.result, remaining_set::outcome::store_failed);
    EXPECT_NE(failed.message.find("usage.db"), std::string::npos) << failed.message;
    EXPECT_TRUE(g.request(clock, *g.key1)) << "the old remaining still applies";
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(g.journal->set_remaining(*g.key1, 0).result, remaining_set::outcome::store_failing);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
    holder.exec("ROLLBACK");
  }
  EXPECT_TRUE(g.journal->flush());
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("cannot write the remaining quota to"), std::string::npos) << err;
  EXPECT_EQ(g.key1->quota.used(g.params, day0_utc_ns), 11);
  EXPECT_EQ(g.journal->set_remaining(*g.key1, 0).result, remaining_set::outcome::applied);
  EXPECT_FALSE(g.request(clock, *g.key1));
}

}  // namespace
}  // namespace ug::store
