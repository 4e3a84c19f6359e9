#include "config/document/admin_token.hpp"

namespace ug::config::detail {
namespace {

// RFC 6750 b64token: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/", then "="s.
bool token_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

}  // namespace

std::string admin_token_problem(std::string_view token) {
  if (token.size() < min_admin_token_chars)
    return "the admin token must be at least " + std::to_string(min_admin_token_chars) +
           " characters (it has " + std::to_string(token.size()) +
           "); make one with `openssl rand -hex 32`";
  if (token.size() > max_admin_token_chars)
    return "the admin token must be at most " + std::to_string(max_admin_token_chars) +
           " characters";
  std::size_t end = token.size();
  while (end > 0 && token[end - 1] == '=')
    --end;
  for (std::size_t i = 0; i < end; ++i) {
    if (!token_char(token[i]))
      return "the admin token may contain only letters, digits and - . _ ~ + / (and = at the "
             "end), the characters of an HTTP bearer token; character " +
             std::to_string(i + 1) + " is not one of them";
  }
  if (end == 0)
    return "the admin token must not be only '=' characters";
  return {};
}

std::string_view strip_final_line_end(std::string_view content) noexcept {
  if (content.empty() || content.back() != '\n')
    return content;
  content.remove_suffix(1);
  if (!content.empty() && content.back() == '\r')
    content.remove_suffix(1);
  return content;
}

}  // namespace ug::config::detail
