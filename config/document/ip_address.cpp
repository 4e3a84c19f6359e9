#include "config/document/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

namespace ug::config::detail {

bool ip_address::loopback() const noexcept {
  if (!v6)
    return bytes[0] == 127;
  constexpr std::array<std::uint8_t, 12> v4_mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(v4_mapped_prefix.begin(), v4_mapped_prefix.end(), bytes.begin()))
    return bytes[12] == 127;
  return std::all_of(bytes.begin(), bytes.begin() + 15, [](std::uint8_t b) { return b == 0; }) &&
         bytes[15] == 1;
}

bool ip_address::unspecified() const noexcept {
  const auto end = bytes.begin() + (v6 ? 16 : 4);
  return std::all_of(bytes.begin(), end, [](std::uint8_t b) { return b == 0; });
}

std::optional<ip_address> parse_ip_address(std::string_view text) noexcept {
  // inet_pton needs a terminated string; anything longer than the longest
  // IPv6 spelling is not an address anyway.
  constexpr std::size_t max_text = INET6_ADDRSTRLEN;
  if (text.empty() || text.size() >= max_text)
    return std::nullopt;
  char terminated[max_text] = {};
  std::copy(text.begin(), text.end(), terminated);
  ip_address address;
  if (::inet_pton(AF_INET, terminated, address.bytes.data()) == 1)
    return address;
  address.v6 = true;
  if (::inet_pton(AF_INET6, terminated, address.bytes.data()) == 1)
    return address;
  return std::nullopt;
}

std::string bind_address_problem(std::string_view text) {
  if (parse_ip_address(text))
    return {};
  constexpr std::string_view rule =
      "the gateway binds a numeric IPv4 or IPv6 address (for example \"127.0.0.1\", \"::1\" or "
      "\"0.0.0.0\") and resolves no host names";
  const bool printable = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (text.empty() || !printable)
    return "must be a numeric IP address: " + std::string(rule);
  std::string quoted = "\"" + std::string(text) + "\"";
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (lower == "localhost" || lower == "localhost.")
    return quoted + " is a host name: " + std::string(rule) + "; use \"127.0.0.1\" (or \"::1\")";
  if (text.size() > 2 && text.front() == '[' && text.back() == ']' &&
      parse_ip_address(text.substr(1, text.size() - 2)))
    return quoted + " has brackets: write the IPv6 address without them (\"" +
           std::string(text.substr(1, text.size() - 2)) + "\")";
  if (text.find('%') != std::string_view::npos)
    return quoted + " has a zone (\"%...\"), which is not supported: " + std::string(rule);
  return quoted + " is not a numeric IP address: " + std::string(rule);
}

}  // namespace ug::config::detail
