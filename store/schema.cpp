#include "store/schema.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "store/usage_store.hpp"

namespace ug::store {
namespace {

// migrations[i] brings version i to i + 1. Never edit a shipped step: add one.
constexpr std::array<std::string_view, 3> migrations = {
    R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (0);

-- Quota usage per (plan, key, period). `reserved` is written ahead of `used`:
-- after a crash the count restarts at max(used, reserved), never below.
CREATE TABLE quota_usage (
  plan_id      TEXT    NOT NULL,
  key_id       TEXT    NOT NULL,
  period_index INTEGER NOT NULL,
  used         INTEGER NOT NULL,
  reserved     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (plan_id, key_id, period_index)
) WITHOUT ROWID;

-- AWS GetUsage: requests per (plan, key, UTC day) and what remained of the
-- period's quota at the end of the day.
CREATE TABLE daily_usage (
  plan_id           TEXT    NOT NULL,
  key_id            TEXT    NOT NULL,
  day               INTEGER NOT NULL, -- days since 1970-01-01 (UTC)
  used              INTEGER NOT NULL,
  remaining         INTEGER NOT NULL,
  quota_limit       INTEGER NOT NULL,
  period_end_utc_ns INTEGER NOT NULL,
  PRIMARY KEY (plan_id, key_id, day)
) WITHOUT ROWID;

-- AWS UpdateUsage: a "remaining" override for one period.
CREATE TABLE remaining_overrides (
  plan_id      TEXT    NOT NULL,
  key_id       TEXT    NOT NULL,
  period_index INTEGER NOT NULL,
  remaining    INTEGER NOT NULL,
  set_utc_ns   INTEGER NOT NULL,
  PRIMARY KEY (plan_id, key_id, period_index)
) WITHOUT ROWID;

-- Control plane: keys are stored as SHA-256 digests, never as values.
CREATE TABLE api_keys (
  id                TEXT    PRIMARY KEY,
  value_sha256      BLOB    NOT NULL UNIQUE,
  name              TEXT,
  description       TEXT,
  customer_id       TEXT,
  enabled           INTEGER NOT NULL DEFAULT 1,
  created_date      INTEGER NOT NULL,
  last_updated_date INTEGER NOT NULL,
  stage_keys_json   TEXT    NOT NULL DEFAULT '[]',
  tags_json         TEXT    NOT NULL DEFAULT '{}'
);

CREATE TABLE usage_plans (
  id               TEXT    PRIMARY KEY,
  name             TEXT    NOT NULL,
  description      TEXT,
  api_stages_json  TEXT    NOT NULL DEFAULT '[]',
  throttle_json    TEXT,
  quota_json       TEXT,
  product_code     TEXT,
  tags_json        TEXT    NOT NULL DEFAULT '{}',
  start_utc_ns     INTEGER NOT NULL
);

CREATE TABLE usage_plan_keys (
  plan_id  TEXT NOT NULL REFERENCES usage_plans (id) ON DELETE CASCADE,
  key_id   TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  key_type TEXT NOT NULL DEFAULT 'API_KEY',
  PRIMARY KEY (plan_id, key_id)
) WITHOUT ROWID;
)sql",
    R"sql(
-- A key created without `enabled` is disabled, as AWS CreateApiKey and the
-- config file have it. SQLite cannot change a column default in place: the
-- table is rebuilt (SQLite's documented order, with foreign keys off so that
-- dropping the old table leaves usage_plan_keys alone). Stored values stay.
CREATE TABLE api_keys_rebuilt (
  id                TEXT    PRIMARY KEY,
  value_sha256      BLOB    NOT NULL UNIQUE,
  name              TEXT,
  description       TEXT,
  customer_id       TEXT,
  enabled           INTEGER NOT NULL DEFAULT 0,
  created_date      INTEGER NOT NULL,
  last_updated_date INTEGER NOT NULL,
  stage_keys_json   TEXT    NOT NULL DEFAULT '[]',
  tags_json         TEXT    NOT NULL DEFAULT '{}'
);
INSERT INTO api_keys_rebuilt (id, value_sha256, name, description, customer_id, enabled,
                              created_date, last_updated_date, stage_keys_json, tags_json)
  SELECT id, value_sha256, name, description, customer_id, enabled,
         created_date, last_updated_date, stage_keys_json, tags_json FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_rebuilt RENAME TO api_keys;
)sql",
    R"sql(
-- When each usage plan first appeared in a compiled configuration: the
-- initialRequests quota offset reduces the limit of the period this falls in
-- and of no later one, restarts included. Not usage_plans.start_utc_ns: that
-- table holds the control plane's plan definitions, while this row is a fact
-- about counting, like quota_usage, and stays when the plan leaves the file.
CREATE TABLE plan_starts (
  plan_id      TEXT    PRIMARY KEY,
  start_utc_ns INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
};

static_assert(migrations.size() == schema_version);

}  // namespace

std::int64_t read_version(database& db) {
  statement exists(db,
                   "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                   "name = 'schema_version'");
  if (!exists.step() || exists.column_int64(0) == 0) {
    exists.reset();
    // A file with tables but no schema_version is someone else's database.
    statement any(db, "SELECT count(*) FROM sqlite_master");
    if (any.step() && any.column_int64(0) > 0) {
      throw sqlite_error(26 /* SQLITE_NOTADB */, "no schema_version table");
    }
    return 0;
  }
  exists.reset();
  statement v(db, "SELECT version FROM schema_version");
  return v.step() ? v.column_int64(0) : 0;
}

void migrate(database& db, const std::string& file, std::int64_t to_version) {
  // Outside the transaction: SQLite ignores this pragma inside one. A step
  // that rebuilds a parent table must not cascade into its children.
  db.exec("PRAGMA foreign_keys = OFF");
  write_transaction(db, [&] {
    const std::int64_t found = read_version(db);
    if (found > schema_version) {
      throw store_error(file + " has schema version " + std::to_string(found) +
                        ", newer than this usagegate's " + std::to_string(schema_version) +
                        ". Fix: run the newer usagegate, or restore a backup made for this one.");
    }
    for (std::int64_t v = found; v < std::min(to_version, schema_version); ++v) {
      db.exec(migrations[static_cast<std::size_t>(v)]);
      statement set(db, "UPDATE schema_version SET version = ?1");
      set.bind(1, v + 1);
      set.run();
    }
  });
}

}  // namespace ug::store
