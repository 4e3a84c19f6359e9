#include "config/json/json_path.hpp"

#include <charconv>

namespace ug::config::detail {
namespace {

bool is_identifier(std::string_view name) {
  if (name.empty())
    return false;
  const auto first = static_cast<unsigned char>(name.front());
  if (first >= '0' && first <= '9')
    return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '$';
    if (!ok)
      return false;
  }
  return true;
}

}  // namespace

void append_member(std::string& path, std::string_view name) {
  if (is_identifier(name)) {
    if (!path.empty())
      path += '.';
    path += name;
    return;
  }
  // Bracket form keeps names such as "api/v1" or "/endpoint/GET" readable and
  // unambiguous; quotes and backslashes are escaped as in JSON.
  path += "[\"";
  for (const char c : name) {
    if (c == '"' || c == '\\')
      path += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      path += '?';
      continue;
    }
    path += c;
  }
  path += "\"]";
}

void append_index(std::string& path, std::size_t index) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
  path += '[';
  if (ec == std::errc{})
    path.append(digits, end);
  path += ']';
}

std::string with_member(std::string path, std::string_view name) {
  append_member(path, name);
  return path;
}

std::string with_index(std::string path, std::size_t index) {
  append_index(path, index);
  return path;
}

std::string display_path(std::string_view path) {
  return path.empty() ? std::string("$") : std::string(path);
}

}  // namespace ug::config::detail
