#include "gateway/control/sigv4_canonical_request.hpp"

#include <gtest/gtest.h>

#include <string>

#include "gateway/control/sigv4_amz_date.hpp"
#include "gateway/control/sigv4_authorization.hpp"

namespace ug::gateway::control {
namespace {

TEST(Sigv4CanonicalUri, NormalisesThenEncodesOnceMore) {
  EXPECT_EQ(sigv4_canonical_uri(""), "/");
  EXPECT_EQ(sigv4_canonical_uri("/"), "/");
  EXPECT_EQ(sigv4_canonical_uri("//"), "/");
  EXPECT_EQ(sigv4_canonical_uri("/a/./b/../c/"), "/a/c/");
  EXPECT_EQ(sigv4_canonical_uri("/a/.."), "/");
  EXPECT_EQ(sigv4_canonical_uri("/../../a"), "/a");
  EXPECT_EQ(sigv4_canonical_uri("/stages/v%2F1"), "/stages/v%252F1");
  EXPECT_EQ(sigv4_canonical_uri("/~1pets~1GET"), "/~1pets~1GET");
  EXPECT_EQ(sigv4_canonical_uri("/a b+c:@"), "/a%20b%2Bc%3A%40");
  EXPECT_EQ(sigv4_canonical_uri("/%2E%2E/x"), "/%252E%252E/x");  // an escaped dot is no dot
}

TEST(Sigv4CanonicalQuery, DecodesEncodesAndSorts) {
  EXPECT_EQ(sigv4_canonical_query(""), "");
  EXPECT_EQ(sigv4_canonical_query("b=2&a=1&A=0"), "A=0&a=1&b=2");
  EXPECT_EQ(sigv4_canonical_query("k=b&k=a&flag&&j="), "flag=&j=&k=a&k=b");
  EXPECT_EQ(sigv4_canonical_query("a-b=1&a=2"), "a=2&a-b=1");  // by key, then value
  EXPECT_EQ(sigv4_canonical_query("q=%2f%7E+x"), "q=%2F~%2Bx");
  EXPECT_EQ(sigv4_canonical_query("q=100%&r=%zz"), "q=100%25&r=%25zz");
  EXPECT_EQ(sigv4_canonical_query("e=a=b"), "e=a%3Db");
}

TEST(Sigv4TrimmedHeaderValue, TrimsAndFoldsSpacesAndTabs) {
  EXPECT_EQ(sigv4_trimmed_header_value("   a   b \t c    d  "), "a b c d");
  EXPECT_EQ(sigv4_trimmed_header_value(" \t "), "");
  EXPECT_EQ(sigv4_trimmed_header_value("\"a   b\""), "\"a b\"");
}

TEST(Sigv4CanonicalRequest, JoinsRepeatedHeadersAndLowersNames) {
  const sigv4_header headers[] = {{"Host", "h"},
                                  {"My-Header", " v2 "},
                                  {"my-header", "v1"},
                                  {"X-Amz-Date", "20150830T123600Z"}};
  const sigv4_request request{"GET", "/p?b=2&a=1", headers, {}};
  EXPECT_EQ(sigv4_canonical_request(request, "Host;my-header;x-amz-date;absent", "hash"),
            "GET\n/p\na=1&b=2\nhost:h\nmy-header:v2,v1\nx-amz-date:20150830T123600Z\nabsent:\n\n"
            "host;my-header;x-amz-date;absent\nhash");
}

TEST(Sigv4AmzDate, ParsesOnlyTheBasicFormat) {
  EXPECT_EQ(parse_amz_date("20150830T123600Z"), 1'440'938'160);
  EXPECT_EQ(parse_amz_date("19700101T000000Z"), 0);
  EXPECT_EQ(parse_amz_date("20240229T235959Z"), 1'709'251'199);
  EXPECT_FALSE(parse_amz_date("20230229T000000Z"));  // not a leap year
  EXPECT_FALSE(parse_amz_date("20150830T243600Z"));
  EXPECT_FALSE(parse_amz_date("20150830T123660Z"));
  EXPECT_FALSE(parse_amz_date("2015-08-30T12:36:00Z"));
  EXPECT_FALSE(parse_amz_date("20150830T123600"));
  EXPECT_FALSE(parse_amz_date("20150830t123600Z"));
  EXPECT_FALSE(parse_amz_date("2015083OT123600Z"));
  EXPECT_FALSE(parse_amz_date(""));
}

TEST(Sigv4AmzDate, FormatsWhatItParses) {
  EXPECT_EQ(format_amz_date(1'440'938'160), "20150830T123600Z");
  EXPECT_EQ(format_amz_date(0), "19700101T000000Z");
  EXPECT_EQ(format_amz_date(1'709'251'199), "20240229T235959Z");
}

TEST(Sigv4Authorization, SplitsOnCommasAndWhitespace) {
  sigv4_authorization parsed;
  ASSERT_FALSE(parse_sigv4_authorization(
      "  AWS4-HMAC-SHA256   Credential=A/B/C/D/E,SignedHeaders=host\tSignature=ab, Extra=1 ",
      parsed));
  EXPECT_EQ(parsed.algorithm, "AWS4-HMAC-SHA256");
  EXPECT_EQ(parsed.credential, "A/B/C/D/E");
  EXPECT_EQ(parsed.signed_headers, "host");
  EXPECT_EQ(parsed.signature, "ab");
}

TEST(Sigv4Authorization, TheFirstOfARepeatedComponentWins) {
  sigv4_authorization parsed;
  ASSERT_FALSE(
      parse_sigv4_authorization("AWS4-HMAC-SHA256 Signature=first, Signature=second", parsed));
  EXPECT_EQ(parsed.signature, "first");
}

TEST(Sigv4Credential, HasExactlyFiveParts) {
  const auto scope = split_credential("AKID/20150830/us-east-1/apigateway/aws4_request//");
  ASSERT_TRUE(scope);
  EXPECT_EQ(scope->access_key_id, "AKID");
  EXPECT_EQ(scope->date, "20150830");
  EXPECT_EQ(scope->region, "us-east-1");
  EXPECT_EQ(scope->service, "apigateway");
  EXPECT_EQ(scope->terminator, "aws4_request");
  EXPECT_FALSE(split_credential("AKID/20150830/us-east-1/apigateway"));
  EXPECT_FALSE(split_credential("AKID/20150830/us-east-1/apigateway/aws4_request/x"));
  EXPECT_FALSE(split_credential(""));
  EXPECT_FALSE(split_credential("////"));     // trailing slashes go first: nothing is left
  EXPECT_TRUE(split_credential("/d/r/s/t"));  // an empty key id: UnrecognizedClient later
}

}  // namespace
}  // namespace ug::gateway::control
