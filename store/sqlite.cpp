#include "store/sqlite.hpp"

#include <sqlite3.h>

namespace ug::store {
namespace {

[[noreturn]] void fail(sqlite3* db, int code, std::string_view doing) {
  std::string msg(doing);
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw sqlite_error(code & 0xff, msg);
}

}  // namespace

database::database(const std::string& path, bool create, bool read_only) {
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !read_only) {
    flags |= SQLITE_OPEN_CREATE;
  }
  // NOMUTEX: the owner serialises access; no second lock per call.
  flags |= SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw sqlite_error(rc & 0xff, "open: " + why);
  }
  sqlite3_extended_result_codes(db_, 0);
}

database::~database() {
  sqlite3_close(db_);
}

void database::exec(std::string_view sql) {
  const std::string text(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw sqlite_error(rc & 0xff, msg);
  }
}

std::string database::last_message() const {
  return sqlite3_errmsg(db_);
}

statement::statement(database& db, std::string_view sql) : db_(db) {
  const int rc =
      sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    fail(db.handle(), rc, "prepare");
  }
}

statement::~statement() {
  sqlite3_finalize(stmt_);
}

statement& statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) {
    fail(db_.handle(), rc, "bind");
  }
  return *this;
}

statement& statement::bind(int index, std::string_view text) {
  // SQLITE_STATIC (a null destructor): the caller keeps the text alive.
  const int rc =
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), nullptr);
  if (rc != SQLITE_OK) {
    fail(db_.handle(), rc, "bind");
  }
  return *this;
}

statement& statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  sqlite3_reset(stmt_);
  fail(db_.handle(), rc, "step");
}

void statement::run() {
  while (step()) {
  }
  reset();
}

void statement::reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::column_int64(int index) const noexcept {
  return sqlite3_column_int64(stmt_, index);
}

std::string statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  const int size = sqlite3_column_bytes(stmt_, index);
  if (text == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

bool statement::column_is_null(int index) const noexcept {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

}  // namespace ug::store
