#pragma once
// JSON string literals for every JSON usagegate writes itself (access log,
// GetUsage, gateway responses, the mock-llm fixture): one escaper, so that
// every output is valid JSON whatever bytes a client or a config sent.
#include <string>
#include <string_view>

namespace ug::common {

/// Pure, thread-safe. Appends `s` escaped for the inside of a JSON string
/// (no quotes): '"', '\\' and control characters escaped; bytes that are not
/// valid UTF-8 become U+FFFD, so the result is always valid JSON. Copies runs
/// that need no escaping in one append.
void append_json_escaped(std::string& out, std::string_view s);

/// Pure, thread-safe. `s` as a JSON string literal, with its quotes.
void append_json_string(std::string& out, std::string_view s);

}  // namespace ug::common
