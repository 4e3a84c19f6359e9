// Durable usage at unit level: restart with exact counts, crash restore from
// reservations, period boundaries and daily history with a manual clock, and
// clear errors for corrupt or locked databases.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "limiter/admission.hpp"
#include "limiter/clock.hpp"
#include "limiter/state_registry.hpp"
#include "store/durable_journal.hpp"
#include "store/sqlite.hpp"
#include "store/usage_store.hpp"

namespace ug::store {
namespace {

namespace fs = std::filesystem;
using limiter::quota_params;

constexpr std::int64_t ns_per_day = 86'400'000'000'000;
// 2023-11-14 (a Tuesday) 00:00 UTC plus 1 h.
constexpr std::int64_t day0_utc_ns = 19'675 * ns_per_day + 3'600'000'000'000;

class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "ug-store-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp");
    }
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

quota_params month_quota(std::int64_t limit) {
  quota_params p;
  p.limit = limit;
  p.period = limiter::quota_period::month;
  return p;
}

quota_params day_quota(std::int64_t limit) {
  quota_params p;
  p.limit = limit;
  p.period = limiter::quota_period::day;
  return p;
}

/// One gateway "process": its own registry, clock reading, store and journal.
struct process {
  limiter::state_registry registry;
  std::unique_ptr<usage_store> store;
  std::unique_ptr<durable_journal> journal;
  std::shared_ptr<limiter::key_plan_state> state;
  quota_params params;

  process(const fs::path& dir, const limiter::clock& clock, quota_params p, std::int64_t chunk = 0)
      : params(p) {
    store = usage_store::open_for_gateway(dir);
    journal = std::make_unique<durable_journal>(
        *store, clock, journal_settings{std::chrono::milliseconds(1000), chunk});
    state = registry.key_plan("plan1", "key1");
    journal->attach({quota_binding{"plan1", "key1", params, state}});
  }

  /// What admit() does for the quota: count, then ask the journal.
  bool request(const limiter::clock& clock) {
    const std::int64_t now = clock.now().utc_ns;
    const limiter::quota_result q = state->quota.try_consume(params, now);
    if (!q.allowed) {
      return false;
    }
    if (!journal->on_counted(*state, params, q.limit - q.remaining, q.period_index)) {
      state->quota.refund(q.period_index);
      return false;
    }
    return true;
  }

  [[nodiscard]] std::int64_t used(const limiter::clock& clock) const {
    return state->quota.used(params, clock.now().utc_ns);
  }
};

TEST(UsageStore, CreatesTheSchemaAndReopensIt) {
  temp_dir dir;
  {
    auto store = usage_store::open_for_gateway(dir.path() / "state");
    EXPECT_EQ(store->version(), schema_version);
    EXPECT_TRUE(fs::exists(dir.path() / "state" / "usage.db"));
  }
  auto again = usage_store::open_for_gateway(dir.path() / "state");
  EXPECT_EQ(again->version(), schema_version);
  EXPECT_FALSE(again->load_quota("p", "k", 1).has_value());
}

TEST(DurableJournal, CleanShutdownRestoresExactCounts) {
  temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  {
    process first(dir.path(), clock, month_quota(1000));
    for (int i = 0; i < 137; ++i) {
      ASSERT_TRUE(first.request(clock));
    }
    EXPECT_TRUE(first.journal->stop());
  }
  {
    process second(dir.path(), clock, month_quota(1000));
    EXPECT_EQ(second.used(clock), 137);
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(second.request(clock));
    }
    EXPECT_TRUE(second.journal->stop());
  }
  process third(dir.path(), clock, month_quota(1000));
  EXPECT_EQ(third.used(clock), 147);
}

TEST(DurableJournal, CrashRestoresTheReservationNeverLess) {
  temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  std::int64_t admitted = 0;
  {
    process first(dir.path(), clock, month_quota(1000), 50);
    for (int i = 0; i < 120; ++i) {
      admitted += first.request(clock) ? 1 : 0;
      if (i == 60) {
        ASSERT_TRUE(first.journal->flush());
      }
    }
    // No stop(): the process dies here; only committed reservations survive.
  }
  EXPECT_EQ(admitted, 120);
  process second(dir.path(), clock, month_quota(1000), 50);
  const std::int64_t restored = second.used(clock);
  EXPECT_GE(restored, admitted);
  EXPECT_LE(restored, admitted + 50);
}

TEST(DurableJournal, SmallQuotaNeverOverAdmitsAcrossCrashes) {
  temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  std::int64_t admitted = 0;
  for (int run = 0; run < 5; ++run) {
    process p(dir.path(), clock, month_quota(200), 16);
    for (int i = 0; i < 37; ++i) {
      admitted += p.request(clock) ? 1 : 0;
      if (i % 9 == 0) {
        ASSERT_TRUE(p.journal->flush());
      }
    }
  }
  process last(dir.path(), clock, month_quota(200), 16);
  while (last.request(clock)) {
    ++admitted;
  }
  EXPECT_LE(admitted, 200);
  EXPECT_GE(admitted, 200 - 5 * 16);
}

TEST(DurableJournal, PeriodBoundaryWithManualClock) {
  temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  {
    process p(dir.path(), clock, day_quota(10));
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(p.request(clock));
    }
    EXPECT_FALSE(p.request(clock));  // the day's quota is spent
    ASSERT_TRUE(p.journal->flush());
    clock.advance_ns(ns_per_day);  // the next UTC day: a new period
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(p.request(clock));
    }
    ASSERT_TRUE(p.journal->stop());
  }
  {
    process next_day(dir.path(), clock, day_quota(10));
    EXPECT_EQ(next_day.used(clock), 3);
    ASSERT_TRUE(next_day.journal->stop());
  }

  limiter::manual_clock yesterday({1, day0_utc_ns});
  process back(dir.path(), yesterday, day_quota(10));
  // Day 0's row kept its reservation (only the current period is written
  // exactly at shutdown): never less than what was admitted.
  EXPECT_GE(back.used(yesterday), 10);
  EXPECT_FALSE(back.request(yesterday));
}

TEST(DurableJournal, DailyHistoryAcrossDays) {
  temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  const std::int64_t day0 = utc_day_of(day0_utc_ns);
  {
    process p(dir.path(), clock, month_quota(1000));
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(p.request(clock));
    }
    ASSERT_TRUE(p.journal->flush());
    clock.advance_ns(ns_per_day);
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(p.request(clock));
    }
    ASSERT_TRUE(p.journal->flush());
    clock.advance_ns(2 * ns_per_day);  // day 2 has no requests
    ASSERT_TRUE(p.request(clock));
    ASSERT_TRUE(p.journal->stop());
  }
  auto reader = usage_store::open_read_only(dir.path());
  const daily_usage usage = reader->usage_for("plan1", std::nullopt, day0, day0 + 3);
  ASSERT_EQ(usage.size(), 1u);
  using pair = std::pair<std::int64_t, std::int64_t>;
  const std::vector<pair> expected = {{2, 998}, {4, 994}, {0, 994}, {1, 993}};
  EXPECT_EQ(usage.at("key1"), expected);
  EXPECT_TRUE(reader->usage_for("plan1", std::string_view("other"), day0, day0 + 3).empty());
  EXPECT_TRUE(reader->usage_for("plan2", std::nullopt, day0, day0 + 3).empty());
}

TEST(DurableJournal, DailyRemainingResetsWithADayQuota) {
  temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  const std::int64_t day0 = utc_day_of(day0_utc_ns);
  {
    process p(dir.path(), clock, day_quota(100));
    for (int i = 0; i < 7; ++i) {
      ASSERT_TRUE(p.request(clock));
    }
    ASSERT_TRUE(p.journal->flush());
    clock.advance_ns(2 * ns_per_day);
    ASSERT_TRUE(p.request(clock));
    ASSERT_TRUE(p.journal->stop());
  }
  auto reader = usage_store::open_read_only(dir.path());
  const daily_usage usage = reader->usage_for("plan1", std::string_view("key1"), day0, day0 + 2);
  using pair = std::pair<std::int64_t, std::int64_t>;
  const std::vector<pair> expected = {{7, 93}, {0, 100}, {1, 99}};
  EXPECT_EQ(usage.at("key1"), expected);
}

TEST(DurableJournal, FirstRequestReservesSynchronouslyAndWriterExtends) {
  temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  process p(dir.path(), clock, month_quota(100'000), 100);
  ASSERT_TRUE(p.request(clock));
  const std::int64_t period =
      limiter::period_containing(limiter::quota_period::month, 0, day0_utc_ns).index;
  auto row = p.store->load_quota("plan1", "key1", period);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->reserved, 101);  // used 1 + one chunk, before the request was admitted
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(p.request(clock));
  }
  ASSERT_TRUE(p.journal->flush());  // past half the chunk: the writer reserves ahead
  row = p.store->load_quota("plan1", "key1", period);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->used, 61);
  EXPECT_EQ(row->reserved, 161);
}

TEST(DurableJournal, ReattachOnReloadKeepsTheInMemoryCount) {
  temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  process p(dir.path(), clock, month_quota(1000));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(p.request(clock));
  }
  ASSERT_TRUE(p.journal->flush());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(p.request(clock));
  }
  // A reload attaches the same state again: it must not restore the older row.
  p.journal->attach({quota_binding{"plan1", "key1", month_quota(2000), p.state}});
  EXPECT_EQ(p.used(clock), 8);
  EXPECT_EQ(p.journal->tracked(), 1u);
  // A key added by the reload is tracked and starts from its row (none: 0).
  auto added = p.registry.key_plan("plan1", "key2");
  p.journal->attach({quota_binding{"plan1", "key2", month_quota(1000), added}});
  EXPECT_EQ(p.journal->tracked(), 2u);
  // A removed key is dropped at the next flush once no snapshot holds it.
  added.reset();
  p.registry.collect_unused();
  ASSERT_TRUE(p.journal->flush());
  EXPECT_EQ(p.journal->tracked(), 1u);
}

TEST(DurableJournal, AdmitRefusesWhenTheJournalCannotReserve) {
  struct refusing_journal final : limiter::quota_journal {
    bool on_counted(limiter::key_plan_state&, const quota_params&, std::int64_t,
                    std::int64_t) noexcept override {
      return false;
    }
  } journal;
  limiter::state_registry registry;
  auto state = registry.key_plan("p", "k");
  const quota_params q = month_quota(10);
  limiter::admission_chain chain;
  chain.quota = &q;
  chain.counter = &state->quota;
  chain.journal = &journal;
  chain.state = state.get();
  const limiter::instant now{1, day0_utc_ns};
  const limiter::admission_result r = limiter::admit(chain, now);
  EXPECT_EQ(r.refused, limiter::refusal::quota_exceeded);
  EXPECT_EQ(state->quota.used(q, now.utc_ns), 0);  // given back
}

// Another connection holding the write lock (a backup, a stray sqlite3
// shell) makes every write fail with SQLITE_BUSY once busy_timeout ran out.
TEST(DurableJournal, AFailingStoreCostsOneWaitAndOneLogLine) {
  temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  process p(dir.path(), clock, month_quota(1000), 4);
  ASSERT_TRUE(p.request(clock));  // reserves 1 + 4 synchronously
  testing::internal::CaptureStderr();
  {
    database holder((dir.path() / "usage.db").string(), false, false);
    holder.exec("BEGIN EXCLUSIVE");
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(p.request(clock)) << "within the reservation";
    }
    EXPECT_FALSE(p.request(clock)) << "beyond it: the write waits out busy_timeout and fails";
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) {
      EXPECT_FALSE(p.request(clock));
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1))
        << "while the store fails, no request waits for it";
    EXPECT_FALSE(p.journal->flush()) << "the writer's retry fails too";
    holder.exec("ROLLBACK");
  }
  EXPECT_TRUE(p.journal->flush());
  const std::string err = testing::internal::GetCapturedStderr();
  const auto count = [&err](const std::string& what) {
    std::size_t n = 0;
    for (auto at = err.find(what); at != std::string::npos; at = err.find(what, at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(count("usagegate: state: cannot "), 1u) << err;
  EXPECT_EQ(count("cannot reserve quota in " + (dir.path() / "usage.db").string()), 1u) << err;
  EXPECT_EQ(count("usagegate: state: writing "), 1u) << err;
  EXPECT_TRUE(p.request(clock)) << "the first good flush extended the reservation";
  EXPECT_EQ(p.used(clock), 6);
}

TEST(UsageStore, CorruptFileIsAClearErrorAndIsLeftAlone) {
  temp_dir dir;
  const fs::path file = dir.path() / "usage.db";
  {
    std::ofstream out(file, std::ios::binary);
    out << std::string(8192, 'x');
  }
  try {
    (void)usage_store::open_for_gateway(dir.path());
    FAIL() << "opened a corrupt file";
  } catch (const store_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file.string()), std::string::npos) << what;
    EXPECT_NE(what.find("corrupt"), std::string::npos) << what;
    EXPECT_NE(what.find("Fix:"), std::string::npos) << what;
  }
  EXPECT_EQ(fs::file_size(file), 8192u);  // never silently reset
}

TEST(UsageStore, ASecondGatewayOnTheSameDirectoryIsRefused) {
  temp_dir dir;
  auto first = usage_store::open_for_gateway(dir.path());
  try {
    (void)usage_store::open_for_gateway(dir.path());
    FAIL() << "two gateways share one state directory";
  } catch (const store_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("locked"), std::string::npos) << what;
    EXPECT_NE(what.find((dir.path() / "usage.db").string()), std::string::npos) << what;
  }
}

TEST(UsageStore, MissingDatabaseForTheCliNamesTheFile) {
  temp_dir dir;
  try {
    (void)usage_store::open_read_only(dir.path());
    FAIL();
  } catch (const store_error& e) {
    EXPECT_NE(std::string(e.what()).find("usage.db"), std::string::npos);
  }
}

}  // namespace
}  // namespace ug::store
