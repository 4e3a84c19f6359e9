#include "common/sha256.hpp"

#include <gtest/gtest.h>

namespace ug::common {
namespace {

// FIPS 180-2, appendix B.1.
constexpr std::string_view abc_hex =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(Sha256, KnownVectorAndHexRoundTrip) {
  const sha256_digest d = sha256("abc");
  EXPECT_EQ(to_hex(d), abc_hex);
  EXPECT_EQ(parse_sha256_hex(abc_hex), d);
  std::string upper(abc_hex);
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(parse_sha256_hex(upper), d);
}

TEST(Sha256, ParseRefusesAnythingButSixtyFourHexDigits) {
  EXPECT_FALSE(parse_sha256_hex(abc_hex.substr(1)));
  EXPECT_FALSE(parse_sha256_hex(std::string(abc_hex) + "0"));
  std::string bad(abc_hex);
  bad[10] = 'g';
  EXPECT_FALSE(parse_sha256_hex(bad));
}

TEST(Sha256, IncrementalEqualsOneShotAndStaysUsable) {
  sha256_hasher h;
  h.update("a");
  h.update("");
  h.update("bc");
  EXPECT_EQ(h.hex_digest(), abc_hex);
  h.update("d");
  EXPECT_EQ(h.hex_digest(), to_hex(sha256("abcd")));
}

}  // namespace
}  // namespace ug::common
