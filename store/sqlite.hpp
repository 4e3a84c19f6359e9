#pragma once
// Thin RAII over the SQLite C API: one connection, prepared statements, and
// errors as exceptions carrying SQLite's result code (never a key value:
// statements bind parameters, messages name tables and files only).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ug::store {

class sqlite_error : public std::runtime_error {
 public:
  sqlite_error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  /// SQLite's primary result code (SQLITE_BUSY, SQLITE_NOTADB, ...).
  [[nodiscard]] int code() const noexcept { return code_; }

 private:
  int code_;
};

class statement;

/// Not thread-safe: one thread at a time (the owner serialises access).
class database {
 public:
  /// Opens (creating it when `create`) the file; throws sqlite_error.
  database(const std::string& path, bool create, bool read_only);
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database();

  /// Runs one or more statements without results; throws sqlite_error.
  void exec(std::string_view sql);
  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }
  [[nodiscard]] std::string last_message() const;

 private:
  sqlite3* db_ = nullptr;
};

/// Not thread-safe (as `db`). Runs `body` inside BEGIN IMMEDIATE .. COMMIT;
/// if anything throws, rolls back (a ROLLBACK SQLite already did itself, e.g.
/// after SQLITE_FULL, is not an error) and rethrows.
template <class Body>
void write_transaction(database& db, Body&& body) {
  db.exec("BEGIN IMMEDIATE");
  try {
    body();
    db.exec("COMMIT");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (const sqlite_error&) {
      // Already rolled back by SQLite.
    }
    throw;
  }
}

/// Not thread-safe. Parameters are 1-based as in SQLite; text is bound
/// without a copy and must outlive step().
class statement {
 public:
  statement(database& db, std::string_view sql);
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  statement& bind(int index, std::int64_t value);
  statement& bind(int index, std::string_view text);
  statement& bind_null(int index);
  /// True while a row is available; throws sqlite_error.
  bool step();
  /// Steps to completion, ignoring rows; then resets for reuse.
  void run();
  void reset() noexcept;
  [[nodiscard]] std::int64_t column_int64(int index) const noexcept;
  [[nodiscard]] std::string column_text(int index) const;
  [[nodiscard]] bool column_is_null(int index) const noexcept;

 private:
  database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace ug::store
