#include "store/control_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/sqlite.hpp"
#include "store/usage_store.hpp"

namespace ug::store {
namespace {

constexpr mode_t private_file_mode = 0600;

/// Creates the file with mode 0600 before SQLite sees it (SQLite would use
/// the umask), and brings an existing one back to 0600.
void make_private(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, private_file_mode);
  if (fd < 0) {
    throw store_error(file.string() + " cannot be created (" + std::strerror(errno) +
                      "). Fix: make its directory writable by the user running usagegate.");
  }
  const int rc = ::fchmod(fd, private_file_mode);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    throw store_error(file.string() + " cannot be made private (mode 0600: " + std::strerror(err) +
                      "). Fix: run usagegate as the file's owner.");
  }
}

void create_schema(database& db) {
  write_transaction(db, [&] {
    db.exec(
        "CREATE TABLE IF NOT EXISTS control_schema (version INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS control_objects ("
        " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
        " kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,"
        " UNIQUE (kind, id));");
    statement count(db, "SELECT COUNT(*), MAX(version) FROM control_schema");
    const bool empty = count.step() && count.column_int64(0) == 0;
    const std::int64_t version = count.column_is_null(1) ? 0 : count.column_int64(1);
    count.reset();
    if (empty) {
      statement insert(db, "INSERT INTO control_schema (version) VALUES (?1)");
      insert.bind(1, control_schema_version).run();
    } else if (version > control_schema_version) {
      throw sqlite_error(
          0, "written by a newer usagegate (schema version " + std::to_string(version) + ")");
    }
  });
}

std::string open_failure(const std::filesystem::path& file, const sqlite_error& e) {
  return file.string() + ": " + e.what() +
         ". Fix: restore it from a backup (it holds the objects created through the control "
         "plane; `usagegate export` reads them), or move it aside to start without them.";
}

}  // namespace

struct control_store::impl {
  impl(const std::string& path, bool read_only) : db(path, !read_only, read_only) {}
  database db;
};

control_store::control_store(std::unique_ptr<impl> self, std::filesystem::path file)
    : impl_(std::move(self)), file_(std::move(file)) {}

control_store::~control_store() = default;

std::unique_ptr<control_store> control_store::open_for_gateway(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "control.db";
  make_private(file);
  try {
    auto self = std::make_unique<impl>(file.string(), false);
    self->db.exec("PRAGMA busy_timeout = 5000");
    {
      statement set_mode(self->db, "PRAGMA journal_mode = WAL");
      const std::string mode = set_mode.step() ? set_mode.column_text(0) : std::string();
      if (mode != "wal") {
        throw store_error(file.string() +
                          " cannot use write-ahead logging (is the directory on a network file "
                          "system?). Fix: put gateway.stateDirectory on a local disk.");
      }
    }
    // FULL: a control-plane write is rare and its 2xx promises durability.
    self->db.exec("PRAGMA synchronous = FULL");
    create_schema(self->db);
    return std::unique_ptr<control_store>(new control_store(std::move(self), file));
  } catch (const sqlite_error& e) {
    throw store_error(open_failure(file, e));
  }
}

std::unique_ptr<control_store> control_store::open_read_only(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "control.db";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    return nullptr;
  try {
    auto self = std::make_unique<impl>(file.string(), true);
    self->db.exec("PRAGMA busy_timeout = 5000");
    return std::unique_ptr<control_store>(new control_store(std::move(self), file));
  } catch (const sqlite_error& e) {
    throw store_error(open_failure(file, e));
  }
}

std::vector<control_row> control_store::load_all() {
  statement select(impl_->db, "SELECT kind, id, json FROM control_objects ORDER BY kind, seq");
  std::vector<control_row> rows;
  while (select.step())
    rows.push_back({select.column_text(0), select.column_text(1), select.column_text(2)});
  return rows;
}

void control_store::apply(const std::vector<control_change>& changes) {
  if (changes.empty())
    return;
  database& db = impl_->db;
  write_transaction(db, [&] {
    // An update keeps its row (and so its place in load_all's order).
    statement upsert(db,
                     "INSERT INTO control_objects (kind, id, json) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json");
    statement erase(db, "DELETE FROM control_objects WHERE kind = ?1 AND id = ?2");
    for (const control_change& c : changes) {
      if (c.json) {
        upsert.bind(1, c.kind).bind(2, c.id).bind(3, *c.json).run();
      } else {
        erase.bind(1, c.kind).bind(2, c.id).run();
      }
    }
  });
}

}  // namespace ug::store
