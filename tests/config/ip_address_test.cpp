// Numeric listener addresses: what parse_ip_address reads (what start-up can
// bind), loopback and wildcard detection, and the reasons given for names.
#include "config/document/ip_address.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace ug::config::detail {
namespace {

using ::testing::HasSubstr;

TEST(IpAddress, ReadsIpv4AndIpv6) {
  const auto v4 = parse_ip_address("10.1.2.3");
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->v6);
  EXPECT_EQ(v4->bytes[0], 10);
  EXPECT_EQ(v4->bytes[3], 3);
  const auto v6 = parse_ip_address("fd00::7");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->v6);
  EXPECT_EQ(v6->bytes[0], 0xfd);
  EXPECT_EQ(v6->bytes[15], 7);
}

TEST(IpAddress, RefusesNamesBracketsPortsZonesAndOddSpellings) {
  for (const char* text : {"", "localhost", "gw.example.com", "[::1]", "127.0.0.1:80", "fe80::1%lo",
                           "127.1", "1.2.3.4.5", " 127.0.0.1", "::1 ", "256.0.0.1"}) {
    EXPECT_FALSE(parse_ip_address(text)) << text;
    EXPECT_FALSE(bind_address_problem(text).empty()) << text;
  }
  EXPECT_FALSE(parse_ip_address(std::string(100, '1')));
}

TEST(IpAddress, LoopbackMeansThisHostOnly) {
  for (const char* text : {"127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"})
    EXPECT_TRUE(parse_ip_address(text)->loopback()) << text;
  for (const char* text :
       {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "::2", "::ffff:10.0.0.1", "fe80::1"})
    EXPECT_FALSE(parse_ip_address(text)->loopback()) << text;
}

TEST(IpAddress, UnspecifiedIsEveryInterface) {
  EXPECT_TRUE(parse_ip_address("0.0.0.0")->unspecified());
  EXPECT_TRUE(parse_ip_address("::")->unspecified());
  EXPECT_TRUE(parse_ip_address("0:0:0:0:0:0:0:0")->unspecified());
  EXPECT_FALSE(parse_ip_address("0.0.0.1")->unspecified());
  EXPECT_EQ(*parse_ip_address("::"), *parse_ip_address("0:0::0"));
}

TEST(IpAddress, ProblemsNameTheFix) {
  EXPECT_EQ(bind_address_problem("::1"), "");
  EXPECT_THAT(bind_address_problem("LocalHost"), HasSubstr(R"(use "127.0.0.1" (or "::1"))"));
  EXPECT_THAT(bind_address_problem("[::1]"), HasSubstr(R"(without them ("::1"))"));
  EXPECT_THAT(bind_address_problem("fe80::1%eth0"), HasSubstr("zone"));
  EXPECT_THAT(bind_address_problem("gw.internal"), HasSubstr("resolves no host names"));
  // A control character is not echoed back into a terminal.
  EXPECT_EQ(bind_address_problem("a\x1b[2Jb").find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace ug::config::detail
