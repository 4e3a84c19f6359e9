#include "common/json_string.hpp"

namespace ug::common {

/// Length of the valid UTF-8 sequence at s[i], 0 if the bytes there are not
/// one (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c >= 0xC2 && c <= 0xDF)
    return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2))
      return 0;
    if (c == 0xE0 && b(1) < 0xA0)
      return 0;  // overlong
    if (c == 0xED && b(1) >= 0xA0)
      return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3))
      return 0;
    if (c == 0xF0 && b(1) < 0x90)
      return 0;  // overlong
    if (c == 0xF4 && b(1) >= 0x90)
      return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

void append_json_escaped(std::string& out, std::string_view s) {
  escape_json(s, [&out](std::string_view piece) { out.append(piece); });
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  append_json_escaped(out, s);
  out.push_back('"');
}

}  // namespace ug::common
