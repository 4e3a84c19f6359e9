#include "common/ascii.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace ug::common {
namespace {

TEST(Ascii, LowersOnlyAsciiCapitals) {
  EXPECT_EQ(ascii_lower("Content-Type: X-API-Key"), "content-type: x-api-key");
  EXPECT_EQ(ascii_lower("az09-_@[`{~"), "az09-_@[`{~") << "the bytes around 'A'-'Z' stay";
  EXPECT_EQ(ascii_lower("@AZ["), "@az[");
  const std::string high("\xC3\x84\xE9\xFF", 4);  // UTF-8 'Ä', Latin-1 'é', 0xFF
  EXPECT_EQ(ascii_lower(high), high) << "bytes above 0x7F are never changed";
  EXPECT_EQ(ascii_lower(std::string_view("A\0B", 3)), std::string("a\0b", 3));
  EXPECT_EQ(ascii_lower(""), "");
  static_assert(ascii_lower('Q') == 'q' && ascii_lower('q') == 'q' && ascii_lower('5') == '5');
}

TEST(Ascii, ComparesIgnoringCaseOfAsciiLettersOnly) {
  EXPECT_TRUE(ascii_iequals("100-Continue", "100-continue"));
  EXPECT_TRUE(ascii_iequals("CHUNKED", "chunked"));
  EXPECT_TRUE(ascii_iequals("", ""));
  EXPECT_FALSE(ascii_iequals("chunked", "chunke")) << "lengths differ";
  EXPECT_FALSE(ascii_iequals("chunked", "chunkeD "));
  EXPECT_FALSE(ascii_iequals("@", "`")) << "0x40 and 0x60 are not one letter in two cases";
  EXPECT_FALSE(ascii_iequals("[", "{"));
  EXPECT_FALSE(ascii_iequals("\xC4", "\xE4")) << "Latin-1 'Ä' and 'ä' are not ASCII";
  static_assert(ascii_iequals("Keep-Alive", "keep-alive"));
}

TEST(Ascii, TrimsSpacesAndTabsAtBothEndsOnly) {
  EXPECT_EQ(trim_ows(" \t value \t "), "value");
  EXPECT_EQ(trim_ows("a b\tc"), "a b\tc") << "white space inside stays";
  EXPECT_EQ(trim_ows(" \t \t"), "");
  EXPECT_EQ(trim_ows(""), "");
  EXPECT_EQ(trim_ows("\r\nvalue\r\n"), "\r\nvalue\r\n") << "CR and LF are not optional white space";
  static_assert(trim_ows("  x ") == "x");
}

}  // namespace
}  // namespace ug::common
