#pragma once
// ASCII text the protocols define without a locale: lower case, comparison
// that ignores case, and HTTP's optional white space (spaces and tabs) around
// a header value. Bytes outside 'A'-'Z' are never changed, whatever the
// process locale.
#include <cstddef>
#include <string>
#include <string_view>

namespace ug::common {

/// Pure, thread-safe. 'A'-'Z' lowered; every other byte as it is.
constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Pure, thread-safe. A lowered copy of `s`. Allocates the copy.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = ascii_lower(c);
  }
  return out;
}

/// Pure, thread-safe. True when `a` and `b` differ at most in the case of
/// ASCII letters.
constexpr bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) {
      return false;
    }
  }
  return true;
}

/// Pure, thread-safe. `s` without the spaces and tabs it starts or ends with.
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace ug::common
