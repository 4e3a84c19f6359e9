#pragma once
// A control-plane request as the SigV4 verifier sees it: views of what
// arrived on the wire, before any decoding.
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "common/sha256.hpp"

namespace ug::gateway::control {

struct sigv4_header {
  std::string_view name;   ///< as received (any case)
  std::string_view value;  ///< as received (surrounding and inner spaces kept)
};

struct sigv4_request {
  std::string_view method;  ///< as received, e.g. "GET"
  /// The request target as received: path and query, still percent-encoded
  /// ("/usageplans?limit=2&position=abc").
  std::string_view target;
  /// Every header field in arrival order; a repeated name appears repeatedly.
  std::span<const sigv4_header> headers;
  /// SHA-256 of the body bytes as received (common::sha256(""), for no body).
  common::sha256_digest body_sha256{};
};

/// Pure, thread-safe. ASCII case-insensitive equality (header names).
constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

/// Pure, thread-safe. The value of the first header called `name` (any case).
constexpr std::optional<std::string_view> first_header_value(std::span<const sigv4_header> headers,
                                                             std::string_view name) noexcept {
  for (const sigv4_header& header : headers) {
    if (equals_ignoring_case(header.name, name)) {
      return header.value;
    }
  }
  return std::nullopt;
}

}  // namespace ug::gateway::control
