#pragma once
// Numeric IP addresses for gateway.listener.address and gateway.admin.address:
// the form start-up binds (it never resolves host names), so the validator
// can refuse "localhost" before start-up would, and can tell a loopback
// address from one reachable by other hosts.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ug::config::detail {

struct ip_address {
  bool v6 = false;
  /// Network byte order; an IPv4 address uses the first 4 bytes.
  std::array<std::uint8_t, 16> bytes{};

  /// 127.0.0.0/8, ::1, or IPv4-mapped ::ffff:127.0.0.0/104. Thread-safe.
  [[nodiscard]] bool loopback() const noexcept;
  /// 0.0.0.0 or :: (every interface). Thread-safe.
  [[nodiscard]] bool unspecified() const noexcept;
  bool operator==(const ip_address&) const = default;
};

/// A dotted-quad IPv4 or an IPv6 address (no brackets, no zone "%eth0"), as
/// inet_pton reads it; nullopt for anything else, host names included.
/// Thread-safe.
[[nodiscard]] std::optional<ip_address> parse_ip_address(std::string_view text) noexcept;

/// Why `text` cannot be a listener address ("" if parse_ip_address reads
/// it), with the fix for the usual mistakes ("localhost", "[::1]").
/// Thread-safe.
[[nodiscard]] std::string bind_address_problem(std::string_view text);

}  // namespace ug::config::detail
