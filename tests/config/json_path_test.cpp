#include "config/json/json_path.hpp"

#include <gtest/gtest.h>

namespace ug::config::detail {
namespace {

TEST(JsonPath, WritesPathsAsAPersonReadsThem) {
  std::string path;
  append_member(path, "usagePlans");
  append_index(path, 1);
  append_member(path, "quota");
  append_member(path, "offset");
  EXPECT_EQ(path, "usagePlans[1].quota.offset");

  EXPECT_EQ(with_member(with_member("gateway", "stages"), "api/v1"), "gateway.stages[\"api/v1\"]");
  EXPECT_EQ(with_member("t", "/endpoint/GET"), "t[\"/endpoint/GET\"]");
  EXPECT_EQ(with_member("t", "a\"b\\c"), "t[\"a\\\"b\\\\c\"]");
  EXPECT_EQ(with_member("", "$schema"), "$schema");
  EXPECT_EQ(with_member("x", "9lives"), "x[\"9lives\"]");
  EXPECT_EQ(with_index("", 3), "[3]");
  EXPECT_EQ(display_path(""), "$");
  EXPECT_EQ(display_path("items[0]"), "items[0]");
}

}  // namespace
}  // namespace ug::config::detail
