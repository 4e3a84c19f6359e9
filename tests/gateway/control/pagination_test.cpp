// Paging of list reads: default 25, at most 500, position only when more
// items follow, tokens the server issued and nothing else.
#include "gateway/control/pagination.hpp"

#include <gtest/gtest.h>

namespace ug::gateway::control {
namespace {

page select(std::size_t total, std::optional<std::string_view> limit,
            std::optional<std::string_view> position) {
  page_error error;
  const std::optional<page> p = select_page(total, limit, position, error);
  EXPECT_TRUE(p) << error.message;
  return p.value_or(page{});
}

TEST(Pagination, DefaultPageIs25AndCarriesThePositionOfTheNext) {
  const page first = select(30, std::nullopt, std::nullopt);
  EXPECT_EQ(first.begin, 0u);
  EXPECT_EQ(first.end, 25u);
  ASSERT_FALSE(first.next_position.empty());
  const page second = select(30, std::nullopt, first.next_position);
  EXPECT_EQ(second.begin, 25u);
  EXPECT_EQ(second.end, 30u);
  EXPECT_EQ(second.next_position, "");  // the last page has no position
}

TEST(Pagination, ExactlyOnePageHasNoPosition) {
  const page p = select(25, std::nullopt, std::nullopt);
  EXPECT_EQ(p.end, 25u);
  EXPECT_EQ(p.next_position, "");
  EXPECT_EQ(select(0, std::nullopt, std::nullopt).end, 0u);
}

TEST(Pagination, LimitIsCappedAt500) {
  EXPECT_EQ(select(1000, "100000", std::nullopt).end, 500u);
  EXPECT_EQ(select(1000, "2", std::nullopt).end, 2u);
}

TEST(Pagination, NonPositiveLimitGivesAnEmptyPage) {
  for (std::string_view limit : {"-1", "0"}) {
    const page p = select(10, limit, std::nullopt);
    EXPECT_EQ(p.begin, p.end);
    EXPECT_EQ(p.next_position, "");
  }
}

TEST(Pagination, WalkingPagesVisitsEveryItemOnce) {
  std::size_t seen = 0;
  std::optional<std::string> position;
  for (int pages = 0; pages < 10; ++pages) {
    const page p =
        select(7, "3", position ? std::optional<std::string_view>(*position) : std::nullopt);
    EXPECT_EQ(p.begin, seen);
    seen = p.end;
    if (p.next_position.empty())
      break;
    position = p.next_position;
  }
  EXPECT_EQ(seen, 7u);
}

TEST(Pagination, APositionPastTheEndIsAnEmptyPage) {
  const page p = select(3, std::nullopt, "p10");
  EXPECT_EQ(p.begin, 3u);
  EXPECT_EQ(p.end, 3u);
}

TEST(Pagination, BadLimitsAndPositionsAreRefused) {
  for (const auto& [limit, position] :
       std::vector<std::pair<std::optional<std::string_view>, std::optional<std::string_view>>>{
           {"ten", std::nullopt},
           {"", std::nullopt},
           {std::nullopt, "abc"},
           {std::nullopt, "p"},
           {std::nullopt, "p-1"},
           {std::nullopt, "p1x"}}) {
    page_error error;
    EXPECT_FALSE(select_page(10, limit, position, error));
    EXPECT_FALSE(error.message.empty());
  }
}

}  // namespace
}  // namespace ug::gateway::control
