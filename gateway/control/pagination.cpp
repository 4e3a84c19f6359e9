#include "gateway/control/pagination.hpp"

#include <charconv>
#include <cstdint>

namespace ug::gateway::control {
namespace {

constexpr std::string_view position_prefix = "p";

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    return std::nullopt;
  return n;
}

}  // namespace

std::optional<page> select_page(std::size_t total, std::optional<std::string_view> limit,
                                std::optional<std::string_view> position, page_error& error) {
  std::size_t size = default_page_limit;
  if (limit) {
    const std::optional<std::int64_t> n = parse_integer(*limit);
    if (!n) {
      error.message = "Invalid limit specified: the limit must be an integer";
      return std::nullopt;
    }
    if (*n <= 0)
      return page{};
    size = *n > static_cast<std::int64_t>(max_page_limit) ? max_page_limit
                                                          : static_cast<std::size_t>(*n);
  }
  std::size_t begin = 0;
  if (position) {
    std::optional<std::int64_t> index;
    if (position->starts_with(position_prefix))
      index = parse_integer(position->substr(position_prefix.size()));
    if (!index || *index < 0) {
      error.message = "Invalid position specified";
      return std::nullopt;
    }
    // Past the end when a reload shortened the list since the token was issued.
    begin = static_cast<std::uint64_t>(*index) > total ? total : static_cast<std::size_t>(*index);
  }
  page p;
  p.begin = begin;
  p.end = total - begin > size ? begin + size : total;
  if (p.end < total)
    p.next_position = std::string(position_prefix) + std::to_string(p.end);
  return p;
}

}  // namespace ug::gateway::control
