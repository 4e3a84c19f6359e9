#include "gateway/control/sigv4_authorization.hpp"

#include <array>
#include <cstddef>
#include <string>

namespace ug::gateway::control {
namespace {

constexpr bool is_separator(char c) noexcept {
  return c == ',' || c == ' ' || c == '\t';
}

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

void take_first(std::string_view& slot, std::string_view value, bool& seen) noexcept {
  if (!seen) {
    slot = value;
    seen = true;
  }
}

}  // namespace

std::optional<sigv4_refusal> parse_sigv4_authorization(std::string_view header,
                                                       sigv4_authorization& out) {
  out = {};
  const std::string_view text = trim(header);
  std::size_t at = 0;
  while (at < text.size() && !is_space(text[at])) {
    ++at;
  }
  out.algorithm = text.substr(0, at);
  bool seen_credential = false;
  bool seen_signed_headers = false;
  bool seen_signature = false;
  while (at < text.size()) {
    while (at < text.size() && is_separator(text[at])) {
      ++at;
    }
    const std::size_t start = at;
    while (at < text.size() && !is_separator(text[at])) {
      ++at;
    }
    const std::string_view component = text.substr(start, at - start);
    if (component.empty()) {
      continue;
    }
    const std::size_t equals = component.find('=');
    if (equals == std::string_view::npos) {
      std::string message = "'";
      message.append(component);
      message.append(
          "' not a valid key=value pair (missing equal-sign) in Authorization header: '");
      message.append(header);
      message.append("'.");
      return sigv4_refusal{sigv4_error::incomplete_signature, std::move(message)};
    }
    const std::string_view key = component.substr(0, equals);
    const std::string_view value = component.substr(equals + 1);
    if (key == "Credential") {
      take_first(out.credential, value, seen_credential);
    } else if (key == "SignedHeaders") {
      take_first(out.signed_headers, value, seen_signed_headers);
    } else if (key == "Signature") {
      take_first(out.signature, value, seen_signature);
    }
  }
  return std::nullopt;
}

std::optional<sigv4_credential_scope> split_credential(std::string_view credential) noexcept {
  while (!credential.empty() && credential.back() == '/') {
    credential.remove_suffix(1);
  }
  std::array<std::string_view, 5> parts{};
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = credential.find('/', start);
    if (count == parts.size()) {
      return std::nullopt;
    }
    parts[count++] = credential.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  if (count != parts.size()) {
    return std::nullopt;
  }
  return sigv4_credential_scope{parts[0], parts[1], parts[2], parts[3], parts[4]};
}

}  // namespace ug::gateway::control
