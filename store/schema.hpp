#pragma once
// The usage database's schema and its migrations (one per version step).
#include <cstdint>
#include <string>

#include "store/sqlite.hpp"
#include "store/usage_store.hpp"

namespace ug::store {

/// Not thread-safe. The version recorded in schema_version (0: empty file).
std::int64_t read_version(database& db);
/// Not thread-safe. Brings the file to `to_version` (store::schema_version;
/// an older one only for tests of a later step) in one transaction, with
/// foreign keys off (the store never turns them on); throws store_error for a
/// file written by a newer usagegate.
void migrate(database& db, const std::string& file, std::int64_t to_version = schema_version);

}  // namespace ug::store
