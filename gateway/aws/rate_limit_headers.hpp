#pragma once
// Headers beyond AWS (off under gateway.aws_strict): Retry-After on 429s and
// the IETF httpapi RateLimit-Policy / RateLimit fields
// (draft-ietf-httpapi-ratelimit-headers-10, Structured Field lists):
//   RateLimit-Policy: "throttle";q=<burst>, "quota";q=<limit>;w=<period seconds>
//   RateLimit: "throttle";r=<tokens left>;t=<s until full>, "quota";r=<left>;t=<s until reset>
// Values come from the admission result of the request; nothing is read twice.
#include <array>
#include <cstdint>
#include <string_view>

#include "limiter/admission.hpp"

namespace ug::gateway {

struct rate_limit_fields {
  std::array<char, 96> policy{};
  std::size_t policy_len = 0;
  std::array<char, 96> limit{};
  std::size_t limit_len = 0;

  [[nodiscard]] std::string_view policy_value() const noexcept {
    return {policy.data(), policy_len};
  }
  [[nodiscard]] std::string_view limit_value() const noexcept { return {limit.data(), limit_len}; }
};

/// Pure, thread-safe. Formats both fields from `a`; false (and nothing
/// written) when neither a throttle nor a quota applies. `now_utc_ns` sizes
/// the current quota period (months differ in length).
bool format_rate_limit_fields(const limiter::admission_result& a, std::int64_t now_utc_ns,
                              rate_limit_fields& out) noexcept;

/// Pure. Whole seconds a refused client should wait: retry_after_ns rounded
/// up, at least 1 (also when the limit never refills).
std::int64_t retry_after_seconds(std::int64_t retry_after_ns) noexcept;

/// Pure. `ns` rounded up to whole seconds, never negative.
std::int64_t ceil_seconds(std::int64_t ns) noexcept;

}  // namespace ug::gateway
