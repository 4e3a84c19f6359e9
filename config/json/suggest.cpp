#include "config/json/suggest.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace ug::config::detail {
namespace {

// Names longer than this are never typos of our field names; the bound keeps
// the distance rows on the stack (the fuzzer feeds arbitrary member names).
constexpr std::size_t max_compared_chars = 64;

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::size_t edit_distance(std::string_view a, std::string_view b) noexcept {
  std::array<std::size_t, max_compared_chars + 1> previous{};
  std::array<std::size_t, max_compared_chars + 1> current{};
  for (std::size_t j = 0; j <= b.size(); ++j)
    previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution =
          previous[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    previous = current;
  }
  return previous[b.size()];
}

std::size_t allowed_distance(std::size_t length) noexcept {
  if (length <= 4)
    return 1;
  if (length <= 9)
    return 2;
  return 3;
}

}  // namespace

std::optional<std::string_view> closest_match(std::string_view wrong,
                                              std::span<const std::string_view> candidates) {
  if (wrong.empty() || wrong.size() > max_compared_chars)
    return std::nullopt;
  std::optional<std::string_view> best;
  std::size_t best_distance = allowed_distance(wrong.size()) + 1;
  for (const std::string_view candidate : candidates) {
    if (candidate.size() > max_compared_chars || candidate == wrong)
      continue;
    const std::size_t distance = edit_distance(wrong, candidate);
    if (distance < best_distance && distance <= allowed_distance(candidate.size())) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view wrong, std::span<const std::string_view> candidates) {
  const auto match = closest_match(wrong, candidates);
  if (!match)
    return {};
  std::string text = "; did you mean '";
  text += *match;
  text += "'?";
  return text;
}

}  // namespace ug::config::detail
