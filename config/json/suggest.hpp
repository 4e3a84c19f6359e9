#pragma once
// "did you mean 'burstLimit'?" for misspelt field names, enum values and ids.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ug::config::detail {

/// The candidate closest to `wrong` by case-insensitive edit distance, if it
/// is close enough to be a likely typo (distance <= 1 for short names, up to
/// 3 for long ones). Ties go to the first candidate. Thread-safe.
[[nodiscard]] std::optional<std::string_view> closest_match(
    std::string_view wrong, std::span<const std::string_view> candidates);

/// "; did you mean 'x'?" or "" when nothing is close. Thread-safe.
[[nodiscard]] std::string did_you_mean(std::string_view wrong,
                                       std::span<const std::string_view> candidates);

}  // namespace ug::config::detail
