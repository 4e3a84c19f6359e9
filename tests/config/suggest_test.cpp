#include "config/json/suggest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace ug::config::detail {
namespace {

constexpr std::string_view fields[] = {"burstLimit", "rateLimit", "quota", "apiStages", "id"};

TEST(Suggest, FindsCloseNames) {
  EXPECT_EQ(closest_match("burstlimit", fields), "burstLimit");  // case only
  EXPECT_EQ(closest_match("rateLimt", fields), "rateLimit");     // one deletion
  EXPECT_EQ(closest_match("qouta", fields), "quota");            // transposition = 2 edits
  EXPECT_EQ(closest_match("apiStage", fields), "apiStages");
  EXPECT_EQ(closest_match("ids", fields), "id");
}

TEST(Suggest, StaysQuietForUnrelatedNames) {
  EXPECT_FALSE(closest_match("colour", fields).has_value());
  EXPECT_FALSE(closest_match("x", fields).has_value());
  EXPECT_FALSE(closest_match("", fields).has_value());
  EXPECT_FALSE(closest_match(std::string(500, 'a'), fields).has_value());
  EXPECT_FALSE(closest_match("id", fields).has_value());  // an exact name is not a typo
}

TEST(Suggest, DidYouMeanSentence) {
  EXPECT_EQ(did_you_mean("burstlimit", fields), "; did you mean 'burstLimit'?");
  EXPECT_EQ(did_you_mean("colour", fields), "");
}

}  // namespace
}  // namespace ug::config::detail
