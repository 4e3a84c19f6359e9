// The usage database's schema: what a fresh file and a migrated one agree on.
#include "store/schema.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "store/sqlite.hpp"
#include "store/usage_store.hpp"
#include "tests/support/process.hpp"

namespace ug::store {
namespace {

std::int64_t enabled_of(database& db, std::string_view key_id) {
  statement s(db, "SELECT enabled FROM api_keys WHERE id = ?1");
  s.bind(1, key_id);
  EXPECT_TRUE(s.step()) << key_id;
  return s.column_int64(0);
}

/// A key row that leaves `enabled` to the column default.
void insert_key_without_enabled(database& db, std::string_view key_id, std::int64_t digest) {
  statement s(db,
              "INSERT INTO api_keys (id, value_sha256, created_date, last_updated_date) "
              "VALUES (?1, CAST(?2 AS BLOB), 1, 1)");
  s.bind(1, key_id).bind(2, digest);
  s.run();
}

TEST(Schema, AKeyStoredWithoutEnabledIsDisabledLikeAws) {
  test::temp_dir dir;
  { auto store = usage_store::open_for_gateway(dir.path()); }
  database db((dir.path() / "usage.db").string(), false, false);
  insert_key_without_enabled(db, "k1", 1);
  EXPECT_EQ(enabled_of(db, "k1"), 0);
}

TEST(Schema, MigrationFromVersion1KeepsRowsAndDisablesByDefault) {
  test::temp_dir dir;
  const std::string file = (dir.path() / "usage.db").string();
  {
    database db(file, true, false);
    migrate(db, file, 1);
    ASSERT_EQ(read_version(db), 1);
    insert_key_without_enabled(db, "old-default", 1);  // version 1 stored 1
    db.exec(
        "INSERT INTO api_keys (id, value_sha256, enabled, created_date, last_updated_date, "
        "tags_json) VALUES ('off', x'02', 0, 5, 6, '{\"team\":\"a\"}');"
        "INSERT INTO usage_plans (id, name, start_utc_ns) VALUES ('p1', 'plan', 0);"
        "INSERT INTO usage_plan_keys (plan_id, key_id) VALUES ('p1', 'old-default');");
  }
  auto store = usage_store::open_for_gateway(dir.path());
  EXPECT_EQ(store->version(), schema_version);
  database db(file, false, false);
  // Stored values are facts, not defaults: they stay as they were.
  EXPECT_EQ(enabled_of(db, "old-default"), 1);
  EXPECT_EQ(enabled_of(db, "off"), 0);
  {
    statement tags(db, "SELECT tags_json, created_date FROM api_keys WHERE id = 'off'");
    ASSERT_TRUE(tags.step());
    EXPECT_EQ(tags.column_text(0), "{\"team\":\"a\"}");
    EXPECT_EQ(tags.column_int64(1), 5);
  }
  // Rebuilding api_keys must not have cascaded into the plan memberships.
  {
    statement members(db, "SELECT count(*) FROM usage_plan_keys WHERE key_id = 'old-default'");
    ASSERT_TRUE(members.step());
    EXPECT_EQ(members.column_int64(0), 1);
  }
  insert_key_without_enabled(db, "new", 3);
  EXPECT_EQ(enabled_of(db, "new"), 0);
  // The rebuilt table keeps its constraints: digests stay unique.
  EXPECT_THROW(insert_key_without_enabled(db, "duplicate", 3), sqlite_error);
}

TEST(Schema, MigrationFromVersion2AddsPlanStartsAndKeepsUsage) {
  test::temp_dir dir;
  const std::string file = (dir.path() / "usage.db").string();
  {
    database db(file, true, false);
    migrate(db, file, 2);
    ASSERT_EQ(read_version(db), 2);
    db.exec(
        "INSERT INTO quota_usage (plan_id, key_id, period_index, used, reserved) "
        "VALUES ('p1', 'k1', 650, 2, 64)");
  }
  auto store = usage_store::open_for_gateway(dir.path());
  EXPECT_EQ(store->version(), schema_version);
  const auto row = store->load_quota("p1", "k1", 650);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->used, 2);
  EXPECT_EQ(row->reserved, 64);
  // A file from before plan starts were kept has none: each plan's start is
  // recorded at its next compile (the first period begins then).
  EXPECT_FALSE(store->plan_start("p1").has_value());
  store->record_plan_starts({{"p1", 7}});
  EXPECT_EQ(store->plan_start("p1"), 7);
}

}  // namespace
}  // namespace ug::store
