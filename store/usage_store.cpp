#include "store/usage_store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/utc_day.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

namespace ug::store {
namespace {

constexpr std::int64_t ns_per_day = 86'400'000'000'000;

std::string file_error(const std::filesystem::path& file, const sqlite_error& e) {
  const std::string name = file.string();
  switch (e.code()) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return name + " is not a usagegate state database or is corrupt (" + e.what() +
             "). Fix: restore it from a backup, or move it aside to start with empty usage "
             "(every quota then restarts at 0); usagegate never resets it by itself.";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return name + " is locked by another process (" + e.what() +
             "). Fix: stop the process that holds it, or give this gateway its own "
             "gateway.stateDirectory.";
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return name + " cannot be opened for reading and writing (" + e.what() +
             "). Fix: make the file and its directory writable by the user running usagegate.";
    default:
      return name + ": " + e.what() + ". Fix: check the file (sqlite3 " + name +
             " 'PRAGMA integrity_check') or restore it from a backup.";
  }
}

/// One gateway per state directory: two would each count only their own
/// requests and overwrite each other's rows. flock is released by the kernel
/// on any exit, kill -9 included, so a crash never leaves a stale lock.
int lock_directory(const std::filesystem::path& dir) {
  const std::filesystem::path lock = dir / "usage.db.lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw store_error(lock.string() + " cannot be created (" + std::strerror(errno) +
                      "). Fix: make " + dir.string() + " writable by the user running usagegate.");
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      throw store_error((dir / "usage.db").string() +
                        " is locked by another usagegate process using the same state "
                        "directory. Fix: stop that process, or give this gateway its own "
                        "gateway.stateDirectory.");
    }
    throw store_error(lock.string() + " cannot be locked (" + std::strerror(err) + ").");
  }
  return fd;
}

/// One daily_usage row of a key.
struct day_row {
  std::int64_t day, used, remaining, limit, period_end_utc_ns;
};

/// One [used, remaining] pair per day of [from_day, to_day] from a key's
/// rows (sorted by day, any before the range included). Days without
/// requests report 0 used and the remaining carried over, or the full limit
/// once a new period started.
std::vector<std::pair<std::int64_t, std::int64_t>> series_of(const std::vector<day_row>& rows,
                                                             std::int64_t from_day,
                                                             std::int64_t to_day) {
  std::vector<std::pair<std::int64_t, std::int64_t>> series;
  series.reserve(static_cast<std::size_t>(to_day - from_day + 1));
  std::size_t next = 0;
  const day_row* last = nullptr;  // the latest row on or before the current day
  for (std::int64_t day = from_day; day <= to_day; ++day) {
    while (next < rows.size() && rows[next].day <= day) {
      last = &rows[next++];
    }
    if (last != nullptr && last->day == day) {
      series.emplace_back(last->used, std::max<std::int64_t>(0, last->remaining));
    } else if (last != nullptr && day * ns_per_day < last->period_end_utc_ns) {
      series.emplace_back(0, std::max<std::int64_t>(0, last->remaining));
    } else {
      // A new period began since the last request (or none yet): the full
      // limit as last known.
      const std::int64_t limit = last != nullptr ? last->limit : rows.front().limit;
      series.emplace_back(0, std::max<std::int64_t>(0, limit));
    }
  }
  return series;
}

/// `rows` (sorted by day) as they would read after `w` was written: its
/// requests added to its day's row, whose remaining, limit and period end
/// it replaces (what the daily upsert does).
void merge_unflushed(std::vector<day_row>& rows, const quota_write& w) {
  auto at = std::lower_bound(rows.begin(), rows.end(), w.day,
                             [](const day_row& r, std::int64_t day) { return r.day < day; });
  if (at != rows.end() && at->day == w.day) {
    at->used += w.used_delta;
    at->remaining = w.remaining;
    at->limit = w.quota_limit;
    at->period_end_utc_ns = w.period_end_utc_ns;
    return;
  }
  rows.insert(at, day_row{w.day, w.used_delta, w.remaining, w.quota_limit, w.period_end_utc_ns});
}

}  // namespace

std::int64_t utc_day_of(std::int64_t utc_ns) noexcept {
  return common::utc_day_of_ns(utc_ns);
}

struct usage_store::impl {
  int lock_fd = -1;
  database db;
  std::unique_ptr<statement> load;
  std::unique_ptr<statement> upsert_quota;
  std::unique_ptr<statement> upsert_quota_exact;
  std::unique_ptr<statement> upsert_daily;
  std::unique_ptr<statement> load_plan_start;
  std::unique_ptr<statement> insert_plan_start;
  std::unique_ptr<statement> key_days;  // usage_of_keys, prepared on first use

  impl(const std::string& path, bool read_only) : db(path, !read_only, read_only) {}
  ~impl() {
    if (lock_fd >= 0) {
      ::close(lock_fd);
    }
  }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  void prepare_writes() {
    load = std::make_unique<statement>(
        db,
        "SELECT used, reserved FROM quota_usage WHERE plan_id = ?1 AND key_id = ?2 AND "
        "period_index = ?3");
    upsert_quota = std::make_unique<statement>(
        db,
        "INSERT INTO quota_usage (plan_id, key_id, period_index, used, reserved) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (plan_id, key_id, period_index) DO UPDATE SET "
        "used = excluded.used, reserved = max(reserved, excluded.reserved)");
    upsert_quota_exact = std::make_unique<statement>(
        db,
        "INSERT INTO quota_usage (plan_id, key_id, period_index, used, reserved) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (plan_id, key_id, period_index) DO UPDATE SET "
        "used = excluded.used, reserved = excluded.reserved");
    upsert_daily = std::make_unique<statement>(
        db,
        "INSERT INTO daily_usage (plan_id, key_id, day, used, remaining, quota_limit, "
        "period_end_utc_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT (plan_id, key_id, day) DO UPDATE SET used = used + excluded.used, "
        "remaining = excluded.remaining, quota_limit = excluded.quota_limit, "
        "period_end_utc_ns = excluded.period_end_utc_ns");
    load_plan_start =
        std::make_unique<statement>(db, "SELECT start_utc_ns FROM plan_starts WHERE plan_id = ?1");
    insert_plan_start = std::make_unique<statement>(
        db,
        "INSERT INTO plan_starts (plan_id, start_utc_ns) VALUES (?1, ?2) "
        "ON CONFLICT (plan_id) DO NOTHING");
  }
};

usage_store::usage_store(std::unique_ptr<impl> self, std::filesystem::path file)
    : impl_(std::move(self)), file_(std::move(file)) {}
usage_store::~usage_store() = default;

std::unique_ptr<usage_store> usage_store::open_for_gateway(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw store_error("state directory " + dir.string() + " cannot be created (" + ec.message() +
                      "). Fix: create it writable by the user running usagegate, or set "
                      "gateway.stateDirectory to \"\" to keep no durable state.");
  }
  const int lock_fd = lock_directory(dir);
  const std::filesystem::path file = dir / "usage.db";
  std::unique_ptr<impl> self;
  try {
    self = std::make_unique<impl>(file.string(), false);
  } catch (const sqlite_error& e) {
    ::close(lock_fd);
    throw store_error(file_error(file, e));
  }
  self->lock_fd = lock_fd;
  try {
    // busy_timeout first: a reader (the CLI) may hold the file briefly.
    self->db.exec("PRAGMA busy_timeout = 5000");
    std::string mode;
    {
      statement set_mode(self->db, "PRAGMA journal_mode = WAL");
      mode = set_mode.step() ? set_mode.column_text(0) : std::string();
    }
    if (mode != "wal") {
      throw store_error(file.string() +
                        " cannot use write-ahead logging (is the directory on a network file "
                        "system?). Fix: put gateway.stateDirectory on a local disk.");
    }
    self->db.exec("PRAGMA synchronous = NORMAL");
    migrate(self->db, file.string());
    self->prepare_writes();
  } catch (const sqlite_error& e) {
    throw store_error(file_error(file, e));
  }
  return std::unique_ptr<usage_store>(new usage_store(std::move(self), file));
}

std::unique_ptr<usage_store> usage_store::open_read_only(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "usage.db";
  if (!std::filesystem::exists(file)) {
    throw store_error(file.string() +
                      " does not exist. Fix: pass the gateway's gateway.stateDirectory "
                      "(--state DIR); the file appears once a gateway ran with it.");
  }
  std::unique_ptr<impl> self;
  try {
    self = std::make_unique<impl>(file.string(), true);
    self->db.exec("PRAGMA busy_timeout = 5000");
    const std::int64_t found = read_version(self->db);
    if (found != schema_version) {
      throw store_error(file.string() + " has schema version " + std::to_string(found) +
                        ", this usagegate reads version " + std::to_string(schema_version) +
                        ". Fix: use the usagegate that wrote it (a gateway start migrates it).");
    }
  } catch (const sqlite_error& e) {
    throw store_error(file_error(file, e));
  }
  return std::unique_ptr<usage_store>(new usage_store(std::move(self), file));
}

std::optional<quota_row> usage_store::load_quota(std::string_view plan_id, std::string_view key_id,
                                                 std::int64_t period_index) {
  statement& s = *impl_->load;
  s.bind(1, plan_id).bind(2, key_id).bind(3, period_index);
  std::optional<quota_row> out;
  if (s.step()) {
    out = quota_row{s.column_int64(0), s.column_int64(1)};
  }
  s.reset();
  return out;
}

void usage_store::write(const std::vector<quota_write>& rows, bool exact) {
  if (rows.empty()) {
    return;
  }
  impl& self = *impl_;
  write_transaction(self.db, [&] {
    statement& quota = exact ? *self.upsert_quota_exact : *self.upsert_quota;
    for (const quota_write& w : rows) {
      quota.bind(1, w.plan_id).bind(2, w.key_id).bind(3, w.period_index);
      quota.bind(4, w.used).bind(5, w.reserved);
      quota.run();
      self.upsert_daily->bind(1, w.plan_id).bind(2, w.key_id).bind(3, w.day);
      self.upsert_daily->bind(4, w.used_delta).bind(5, w.remaining).bind(6, w.quota_limit);
      self.upsert_daily->bind(7, w.period_end_utc_ns);
      self.upsert_daily->run();
    }
  });
}

void usage_store::reserve(std::string_view plan_id, std::string_view key_id,
                          std::int64_t period_index, std::int64_t reserved) {
  statement s(impl_->db,
              "INSERT INTO quota_usage (plan_id, key_id, period_index, used, reserved) "
              "VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT (plan_id, key_id, period_index) DO UPDATE "
              "SET reserved = max(reserved, excluded.reserved)");
  s.bind(1, plan_id).bind(2, key_id).bind(3, period_index).bind(4, reserved);
  s.run();
}

std::optional<std::int64_t> usage_store::plan_start(std::string_view plan_id) {
  statement& s = *impl_->load_plan_start;
  s.bind(1, plan_id);
  std::optional<std::int64_t> out;
  if (s.step()) {
    out = s.column_int64(0);
  }
  s.reset();
  return out;
}

void usage_store::record_plan_starts(const std::vector<limiter::plan_start>& starts) {
  if (starts.empty()) {
    return;
  }
  impl& self = *impl_;
  write_transaction(self.db, [&] {
    for (const limiter::plan_start& start : starts) {
      self.insert_plan_start->bind(1, start.plan_id).bind(2, start.start_utc_ns);
      self.insert_plan_start->run();
    }
  });
}

daily_usage usage_store::usage_for(std::string_view plan_id, std::optional<std::string_view> key_id,
                                   std::int64_t from_day, std::int64_t to_day) {
  daily_usage out;
  if (to_day < from_day) {
    return out;
  }
  statement s(impl_->db,
              "SELECT key_id, day, used, remaining, quota_limit, period_end_utc_ns "
              "FROM daily_usage WHERE plan_id = ?1 AND (?2 IS NULL OR key_id = ?2) "
              "AND day <= ?3 ORDER BY key_id, day");
  s.bind(1, plan_id);
  if (key_id) {
    s.bind(2, *key_id);
  } else {
    s.bind_null(2);
  }
  s.bind(3, to_day);

  std::map<std::string, std::vector<day_row>> by_key;
  while (s.step()) {
    by_key[s.column_text(0)].push_back(day_row{s.column_int64(1), s.column_int64(2),
                                               s.column_int64(3), s.column_int64(4),
                                               s.column_int64(5)});
  }
  for (const auto& [key, rows] : by_key) {
    out[key] = series_of(rows, from_day, to_day);
  }
  return out;
}

daily_usage usage_store::usage_of_keys(std::string_view plan_id,
                                       const std::vector<std::string_view>& key_ids,
                                       std::int64_t from_day, std::int64_t to_day,
                                       const std::vector<quota_write>& unflushed) {
  daily_usage out;
  if (to_day < from_day) {
    return out;
  }
  // Per key: the rows of the range and the last one before it (what a day
  // without requests at the range's start carries over), not its history.
  if (!impl_->key_days) {
    impl_->key_days = std::make_unique<statement>(
        impl_->db,
        "SELECT day, used, remaining, quota_limit, period_end_utc_ns FROM daily_usage "
        "WHERE plan_id = ?1 AND key_id = ?2 AND day >= ?3 AND day <= ?4 "
        "UNION ALL SELECT * FROM (SELECT day, used, remaining, quota_limit, "
        "period_end_utc_ns FROM daily_usage WHERE plan_id = ?1 AND key_id = ?2 AND "
        "day < ?3 ORDER BY day DESC LIMIT 1) ORDER BY 1");
  }
  statement& s = *impl_->key_days;
  std::vector<day_row> rows;
  for (const std::string_view key : key_ids) {
    rows.clear();
    {
      // Reset even when a step throws: the statement is kept for the next call.
      struct reset_after {
        statement& s;
        ~reset_after() { s.reset(); }
      } reset{s};
      s.bind(1, plan_id).bind(2, key).bind(3, from_day).bind(4, to_day);
      while (s.step()) {
        rows.push_back(day_row{s.column_int64(0), s.column_int64(1), s.column_int64(2),
                               s.column_int64(3), s.column_int64(4)});
      }
    }
    for (const quota_write& w : unflushed) {
      if (w.key_id == key && w.day <= to_day) {
        merge_unflushed(rows, w);
      }
    }
    if (!rows.empty()) {
      out[std::string(key)] = series_of(rows, from_day, to_day);
    }
  }
  return out;
}

void usage_store::write_remaining(const quota_write& row, std::int64_t remaining,
                                  std::int64_t set_utc_ns) {
  impl& self = *impl_;
  write_transaction(self.db, [&] {
    statement& quota = *self.upsert_quota_exact;
    quota.bind(1, row.plan_id).bind(2, row.key_id).bind(3, row.period_index);
    quota.bind(4, row.used).bind(5, row.reserved);
    quota.run();
    self.upsert_daily->bind(1, row.plan_id).bind(2, row.key_id).bind(3, row.day);
    self.upsert_daily->bind(4, row.used_delta).bind(5, row.remaining).bind(6, row.quota_limit);
    self.upsert_daily->bind(7, row.period_end_utc_ns);
    self.upsert_daily->run();
    statement set(self.db,
                  "INSERT INTO remaining_overrides (plan_id, key_id, period_index, remaining, "
                  "set_utc_ns) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (plan_id, key_id, "
                  "period_index) DO UPDATE SET remaining = excluded.remaining, "
                  "set_utc_ns = excluded.set_utc_ns");
    set.bind(1, row.plan_id).bind(2, row.key_id).bind(3, row.period_index);
    set.bind(4, remaining).bind(5, set_utc_ns);
    set.run();
  });
}

std::int64_t usage_store::version() {
  return read_version(impl_->db);
}

}  // namespace ug::store
