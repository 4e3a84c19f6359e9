#pragma once
// Where a JSON text stops being JSON. simdjson rejects bad input with an error
// code but no position; this small strict scanner runs only after such a
// failure, to tell the user the line and column to look at.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ug::config::detail {

struct syntax_problem {
  std::size_t line = 1;    ///< 1-based
  std::size_t column = 1;  ///< 1-based, in bytes
  std::string what;        ///< "expected ',' or '}'"
};

/// The first RFC 8259 violation in `text` (including invalid UTF-8), or
/// nullopt if the scanner accepts it. Thread-safe; iterative (any depth).
[[nodiscard]] std::optional<syntax_problem> find_syntax_error(std::string_view text);

}  // namespace ug::config::detail
