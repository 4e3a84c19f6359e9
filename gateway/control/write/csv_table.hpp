#pragma once
// A CSV file as RFC 4180 reads it: fields split at commas, records at CRLF or
// LF, a quoted field may hold commas, line breaks and "" (one quote). What
// ImportApiKeys reads; pure, no I/O.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ug::gateway::control {

struct csv_record {
  std::size_t line = 0;  ///< 1-based line of the file the record starts on
  std::vector<std::string> fields;
};

struct csv_parse_result {
  /// Every record, the header first; nullopt when the text is not CSV.
  std::optional<std::vector<csv_record>> records;
  std::string error;  ///< why not, naming the line; "" on success
};

/// Pure. Records of `text`; a UTF-8 byte order mark at the start (what
/// spreadsheet programs write) is skipped, and an empty line is no record.
/// A quote inside an unquoted field is kept as it is; text after a closing
/// quote other than a comma or line break, and a quote never closed, are
/// errors.
[[nodiscard]] csv_parse_result parse_csv(std::string_view text);

}  // namespace ug::gateway::control
