#include "config/document/admin_credentials.hpp"

namespace ug::config::detail {
namespace {

// AWS's AccessKeyId pattern (\w): none of the '/', ',', '=' or spaces that
// delimit it inside an Authorization header.
bool access_key_id_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Visible ASCII: what an environment variable, a credentials file and a
// secret file carry without quoting, and no space a copy could add or lose.
bool secret_char(char c) noexcept {
  return c > ' ' && c < '\x7f';
}

}  // namespace

std::string access_key_id_problem(std::string_view id) {
  if (id.empty())
    return "the access key id must not be empty";
  if (id.size() > max_access_key_id_chars)
    return "the access key id must be at most " + std::to_string(max_access_key_id_chars) +
           " characters";
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (!access_key_id_char(id[i]))
      return "the access key id may contain only letters, digits and _ (AWS's AccessKeyId "
             "characters); character " +
             std::to_string(i + 1) + " is not one of them";
  }
  return {};
}

std::string secret_access_key_problem(std::string_view secret) {
  if (secret.size() < min_secret_access_key_chars)
    return "the secret access key must be at least " + std::to_string(min_secret_access_key_chars) +
           " characters (it has " + std::to_string(secret.size()) +
           "); make one with `openssl rand -base64 30`";
  if (secret.size() > max_secret_access_key_chars)
    return "the secret access key must be at most " + std::to_string(max_secret_access_key_chars) +
           " characters";
  for (std::size_t i = 0; i < secret.size(); ++i) {
    if (!secret_char(secret[i]))
      return "the secret access key may contain only visible ASCII characters (no spaces or "
             "control characters); character " +
             std::to_string(i + 1) + " is not one of them";
  }
  return {};
}

}  // namespace ug::config::detail
