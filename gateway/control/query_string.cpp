#include "gateway/control/query_string.hpp"

#include <algorithm>
#include <cctype>

namespace ug::gateway::control {
namespace {

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size())
      return std::nullopt;
    const int high = hex_digit(text[i + 1]);
    const int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0)
      return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::optional<query_params> query_params::parse(std::string_view raw) {
  query_params out;
  while (!raw.empty()) {
    const auto amp = raw.find('&');
    const std::string_view part = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (part.empty())
      continue;
    const auto eq = part.find('=');
    auto name = percent_decode(part.substr(0, eq));
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1));
    if (!name || !value)
      return std::nullopt;
    out.params_.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::optional<std::string_view> query_params::get(std::string_view name) const noexcept {
  const auto it = std::find_if(params_.begin(), params_.end(),
                               [name](const auto& p) { return p.first == name; });
  if (it == params_.end())
    return std::nullopt;
  return std::string_view(it->second);
}

bool query_params::flag(std::string_view name) const noexcept {
  const auto value = get(name);
  if (!value || value->size() != 4)
    return false;
  return std::equal(value->begin(), value->end(), "true", [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
}

}  // namespace ug::gateway::control
