#pragma once
// JSON paths as the user wrote them (`usagePlans[1].quota.offset`,
// `gateway.stages["api/v1"]`), built by appending while a document is walked,
// so that an error can name the exact member without re-reading the file.
#include <cstddef>
#include <string>
#include <string_view>

namespace ug::config::detail {

/// Appends `.name` (or `["name"]` when `name` is not an identifier; no dot at
/// the start of a path). Thread-safe (touches only its arguments).
void append_member(std::string& path, std::string_view name);

/// Appends `[index]`. Thread-safe.
void append_index(std::string& path, std::size_t index);

/// `path` with a member appended, for cold paths. Thread-safe.
[[nodiscard]] std::string with_member(std::string path, std::string_view name);
/// `path` with an index appended, for cold paths. Thread-safe.
[[nodiscard]] std::string with_index(std::string path, std::size_t index);

/// The path a person reads: "$" for the document itself. Thread-safe.
[[nodiscard]] std::string display_path(std::string_view path);

}  // namespace ug::config::detail
