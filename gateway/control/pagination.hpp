#pragma once
// AWS's paging of list reads: query `limit` (default 25, at most 500) and
// `position`, an opaque token naming where the next page starts; the answer
// carries `position` only when more items follow. usagegate's token is
// "p" + the index of the next item in the filtered list (a client treats it
// as opaque; docs/control-plane.md says what a reload between pages does).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ug::gateway::control {

inline constexpr std::size_t default_page_limit = 25;
inline constexpr std::size_t max_page_limit = 500;

/// One page of a list of `total` items: [begin, end).
struct page {
  std::size_t begin = 0;
  std::size_t end = 0;
  /// The position token of the next page; "" when this page is the last.
  std::string next_position;
};

/// Why a page request is refused (400 BadRequestException with this text).
struct page_error {
  std::string message;
};

/// Pure. The page `limit` and `position` (raw query values, nullopt when
/// absent) select from `total` items. A limit above 500 reads as 500; a
/// limit of 0 or below gives an empty page without a position (AWS answered
/// {"item": []} for limit=-1). A position this server could not have issued
/// is a page_error; one past the end (the list shrank) gives an empty page.
[[nodiscard]] std::optional<page> select_page(std::size_t total,
                                              std::optional<std::string_view> limit,
                                              std::optional<std::string_view> position,
                                              page_error& error);

}  // namespace ug::gateway::control
