#pragma once
// The objects created through the AWS control plane (<stateDirectory>/control.db):
// one row per object, (kind, id) -> the object's JSON as a config file
// writes it. The store does not read the JSON; gateway/app/ builds and checks
// it. A change set is one transaction with synchronous=FULL: once apply()
// returns, the rows survive a crash of the process and of the machine, which
// is what a 2xx control-plane answer promises.
//
// The file holds API key values (the API returns them), so it is created
// with mode 0600 and kept there; SQLite gives its -wal and -shm files the
// mode of the database file.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ug::store {

struct control_row {
  std::string kind;  ///< "apiKey", "usagePlan", "usagePlanKey", "restApi"
  std::string id;
  std::string json;
};

/// One row to write (`json` set) or delete (`json` unset).
struct control_change {
  std::string kind;
  std::string id;
  std::optional<std::string> json;
};

/// The schema version this build writes.
inline constexpr std::int64_t control_schema_version = 1;

class control_store {
 public:
  /// Opens or creates `<dir>/control.db` (the gateway, which already holds
  /// the state directory's lock through its usage store). Throws store_error.
  static std::unique_ptr<control_store> open_for_gateway(const std::filesystem::path& dir);
  /// Opens an existing `<dir>/control.db` read-only (`usagegate export`);
  /// nullptr when there is none. Throws store_error.
  static std::unique_ptr<control_store> open_read_only(const std::filesystem::path& dir);
  ~control_store();
  control_store(const control_store&) = delete;
  control_store& operator=(const control_store&) = delete;

  /// Every member: not thread-safe (one owner thread).
  /// Every row, ordered by kind, then by the order the rows were first written.
  [[nodiscard]] std::vector<control_row> load_all();
  /// One transaction: every change or none. Throws sqlite_error.
  void apply(const std::vector<control_change>& changes);
  [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

 private:
  struct impl;
  control_store(std::unique_ptr<impl> self, std::filesystem::path file);
  std::unique_ptr<impl> impl_;
  std::filesystem::path file_;
};

}  // namespace ug::store
