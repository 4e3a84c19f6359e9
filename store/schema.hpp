#pragma once
// The usage database's schema and its migrations (one per version step).
#include <cstdint>
#include <string>

#include "store/sqlite.hpp"

namespace ug::store {

/// Not thread-safe. The version recorded in schema_version (0: empty file).
std::int64_t read_version(database& db);
/// Not thread-safe. Brings the file to store::schema_version in one
/// transaction; throws store_error for a file written by a newer usagegate.
void migrate(database& db, const std::string& file);

}  // namespace ug::store
