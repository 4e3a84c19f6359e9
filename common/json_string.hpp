#pragma once
// JSON string literals for every JSON usagegate writes itself (access log,
// GetUsage, admin answers, gateway responses, the mock-llm fixture): one
// escaper, so that every output is valid JSON whatever bytes a client or a
// config sent. The template form writes into any sink (a std::string, a
// fixed buffer on the request path) without allocating.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace ug::common {

/// Pure, thread-safe. Length of the valid UTF-8 sequence at s[i], 0 if the
/// bytes there are not one (RFC 3629: no overlongs, no surrogates, nothing
/// above U+10FFFF).
[[nodiscard]] std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept;

/// Pure. Calls `append(std::string_view)` with the pieces of `s` escaped for
/// the inside of a JSON string (no quotes): '"', '\\' and control characters
/// escaped, bytes that are not valid UTF-8 replaced by U+FFFD. Runs that need
/// no escaping go out as one piece (most text is plain ASCII).
template <class Append>
void escape_json(std::string_view s, Append&& append) {
  constexpr char hex[] = "0123456789abcdef";
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t run = i;
    while (run < s.size()) {
      const auto r = static_cast<unsigned char>(s[run]);
      if (r < 0x20 || r >= 0x80 || r == '"' || r == '\\') {
        break;
      }
      ++run;
    }
    if (run > i) {
      append(s.substr(i, run - i));
      i = run;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s, i);
      append(n == 0 ? std::string_view("\\ufffd") : s.substr(i, n));
      i += n == 0 ? 1 : n;
      continue;
    }
    switch (c) {
      case '"':
        append("\\\"");
        break;
      case '\\':
        append("\\\\");
        break;
      case '\n':
        append("\\n");
        break;
      case '\r':
        append("\\r");
        break;
      case '\t':
        append("\\t");
        break;
      default: {
        const std::array<char, 6> escaped{'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
        append(std::string_view(escaped.data(), escaped.size()));
      }
    }
    ++i;
  }
}

/// Pure, thread-safe. Appends `s` escaped (escape_json), without quotes.
void append_json_escaped(std::string& out, std::string_view s);

/// Pure, thread-safe. `s` as a JSON string literal, with its quotes.
void append_json_string(std::string& out, std::string_view s);

}  // namespace ug::common
