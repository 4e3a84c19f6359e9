#include "common/json_string.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ug::common {
namespace {

std::string literal(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonString, EscapesWhatJsonRequires) {
  EXPECT_EQ(literal("plain /v1/chat"), R"("plain /v1/chat")");
  EXPECT_EQ(literal("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(literal("\n\r\t"), R"("\n\r\t")");
  EXPECT_EQ(literal(std::string_view("\x01\x1f\0", 3)), R"("\u0001\u001f\u0000")");
}

TEST(JsonString, KeepsValidUtf8AndReplacesTheRest) {
  EXPECT_EQ(literal("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(literal("\xff"), R"("\ufffd")");
  EXPECT_EQ(literal("\xc0\xaf"), R"("\ufffd\ufffd")") << "overlong";
  EXPECT_EQ(literal("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")") << "surrogate";
  EXPECT_EQ(literal("\xe2\x82"), R"("\ufffd\ufffd")") << "truncated";
}

TEST(JsonString, EscapedAppendsNoQuotes) {
  std::string out = "x";
  append_json_escaped(out, "a\"b");
  EXPECT_EQ(out, R"(xa\"b)");
}

}  // namespace
}  // namespace ug::common
