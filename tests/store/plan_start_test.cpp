// Plan start times in the state store: recorded once and kept across
// reopening, read and recorded through the journal (the ledger compile uses),
// and a store that refuses the write is a clear error that records nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "limiter/clock.hpp"
#include "limiter/plan_start_ledger.hpp"
#include "store/durable_journal.hpp"
#include "store/sqlite.hpp"
#include "store/usage_store.hpp"
#include "tests/support/process.hpp"

namespace ug::store {
namespace {

// 2024-03-05T12:00:00Z.
constexpr std::int64_t t0_utc = 1'709'640'000'000'000'000;

TEST(UsageStore, PlanStartsAreRecordedOnceAndSurviveReopening) {
  test::temp_dir dir;
  {
    auto store = usage_store::open_for_gateway(dir.path());
    EXPECT_FALSE(store->plan_start("p1").has_value());
    store->record_plan_starts({{"p1", t0_utc}, {"p2", t0_utc + 1}});
    // A plan already recorded keeps its start: only p3 is new.
    store->record_plan_starts({{"p1", t0_utc + 99}, {"p3", t0_utc + 3}});
    EXPECT_EQ(store->plan_start("p1"), t0_utc);
  }
  auto store = usage_store::open_for_gateway(dir.path());
  EXPECT_EQ(store->plan_start("p1"), t0_utc);
  EXPECT_EQ(store->plan_start("p2"), t0_utc + 1);
  EXPECT_EQ(store->plan_start("p3"), t0_utc + 3);
  EXPECT_FALSE(store->plan_start("p4").has_value());
}

TEST(DurableJournal, IsAPlanStartLedgerBackedByTheStore) {
  test::temp_dir dir;
  limiter::manual_clock clock({1, t0_utc});
  {
    auto store = usage_store::open_for_gateway(dir.path());
    durable_journal journal(*store, clock, journal_settings{});
    limiter::plan_start_ledger& ledger = journal;
    EXPECT_FALSE(ledger.recorded_start("p1").has_value());
    ledger.record_starts({{"p1", t0_utc}});
    EXPECT_EQ(ledger.recorded_start("p1"), t0_utc);
  }
  // Committed before record_starts returned: no flush or stop was needed.
  auto store = usage_store::open_for_gateway(dir.path());
  durable_journal journal(*store, clock, journal_settings{});
  EXPECT_EQ(journal.recorded_start("p1"), t0_utc);
}

TEST(DurableJournal, AStartTheStoreRefusesIsAClearErrorAndNoneIsRecorded) {
  test::temp_dir dir;
  limiter::manual_clock clock({1, t0_utc});
  auto store = usage_store::open_for_gateway(dir.path());
  durable_journal journal(*store, clock, journal_settings{});
  const std::string file = (dir.path() / "usage.db").string();
  {
    // Stands in for a full disk or an I/O error: this row cannot be written.
    database other(file, false, false);
    other.exec(
        "CREATE TRIGGER refuse_p2 BEFORE INSERT ON plan_starts WHEN NEW.plan_id = 'p2' "
        "BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END");
  }
  try {
    journal.record_starts({{"p1", t0_utc}, {"p2", t0_utc}});
    FAIL() << "a start the store refused was reported as recorded";
  } catch (const store_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file), std::string::npos) << what;
    EXPECT_NE(what.find("usage plan p1 (and 1 more)"), std::string::npos) << what;
    EXPECT_NE(what.find("disk I/O error (test)"), std::string::npos) << what;
    EXPECT_NE(what.find("not applied"), std::string::npos) << what;
    EXPECT_NE(what.find("Fix:"), std::string::npos) << what;
  }
  // All or none: p1 was rolled back with p2.
  EXPECT_FALSE(journal.recorded_start("p1").has_value());
  // The store stays usable for what it can write.
  journal.record_starts({{"p1", t0_utc}});
  EXPECT_EQ(journal.recorded_start("p1"), t0_utc);
}

}  // namespace
}  // namespace ug::store
