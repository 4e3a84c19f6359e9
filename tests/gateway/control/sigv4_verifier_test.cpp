#include "gateway/control/sigv4_verifier.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/gateway/control/sigv4_test_support.hpp"

namespace ug::gateway::control {
namespace {

using testing::ns_per_s;
using testing::owned_request;

constexpr std::string_view suite_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::int64_t suite_now_s = 1'440'938'160;  // 20150830T123600Z, the suite's signing time
constexpr std::string_view suite_credential =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

// The AWS SigV4 test suite (aws-signing-test-suite/v4, service "service"):
// the request as written there and the signature AWS published for it.
struct suite_vector {
  std::string name;
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // besides Host and X-Amz-Date
  std::string signed_headers;
  std::string signature;
  std::string body;
};

std::vector<suite_vector> suite_vectors() {
  const std::string plain = "host;x-amz-date";
  return {
      {"get-vanilla",
       "GET",
       "/",
       {},
       plain,
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
       ""},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/?Param2=value2&Param1=value1",
       {},
       plain,
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
       ""},
      {"get-vanilla-query-order-encoded",
       "GET",
       "/?Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
       {},
       plain,
       "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac",
       ""},
      {"get-vanilla-query-unreserved",
       "GET",
       "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       plain,
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
       ""},
      {"get-vanilla-utf8-query",
       "GET",
       "/?\xE1\x88\xB4=bar",
       {},
       plain,
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
       ""},
      {"get-utf8",
       "GET",
       "/\xE1\x88\xB4",
       {},
       plain,
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
       ""},
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       plain,
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
       ""},
      {"get-space-normalized",
       "GET",
       "/example space/",
       {},
       plain,
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741",
       ""},
      {"get-slash-dot-slash-normalized",
       "GET",
       "/./",
       {},
       plain,
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
       ""},
      {"get-slashes-normalized",
       "GET",
       "//example//",
       {},
       plain,
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84",
       ""},
      {"get-relative-relative-normalized",
       "GET",
       "/example1/example2/../..",
       {},
       plain,
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
       ""},
      {"get-header-key-duplicate",
       "GET",
       "/",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
       ""},
      {"get-header-value-order",
       "GET",
       "/",
       {{"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "host;my-header1;x-amz-date",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01",
       ""},
      {"get-header-value-trim",
       "GET",
       "/",
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
       ""},
      {"post-vanilla",
       "POST",
       "/",
       {},
       plain,
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
       ""},
      {"post-header-value-case",
       "POST",
       "/",
       {{"My-Header1", "VALUE1"}},
       "host;my-header1;x-amz-date",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
       ""},
      {"post-x-www-form-urlencoded",
       "POST",
       "/",
       {{"Content-Type", "application/x-www-form-urlencoded"},
        {"Content-Length", "13"},
        {"x-amz-content-sha256",
         "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"}},
       "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
       "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b",
       "Param1=value1"},
  };
}

owned_request suite_request(const suite_vector& v) {
  owned_request request;
  request.method = v.method;
  request.target = v.target;
  request.body = v.body;
  request.headers = {{"Host", "example.amazonaws.com"}};
  for (const auto& header : v.extra_headers) {
    request.headers.push_back(header);
  }
  request.headers.emplace_back("X-Amz-Date", "20150830T123600Z");
  request.headers.emplace_back("Authorization", std::string(suite_credential) +
                                                    "SignedHeaders=" + v.signed_headers +
                                                    ", Signature=" + v.signature);
  return request;
}

sigv4_verifier suite_verifier_with(std::string secret) {
  return sigv4_verifier({"AKIDEXAMPLE", std::move(secret)}, "service");
}

TEST(Sigv4Verifier, AcceptsEveryAwsTestSuiteVector) {
  const sigv4_verifier verifier = suite_verifier_with(std::string(suite_secret));
  for (const suite_vector& v : suite_vectors()) {
    owned_request request = suite_request(v);
    const sigv4_verdict verdict = verifier.verify(request.view(), suite_now_s * ns_per_s);
    EXPECT_TRUE(verdict.valid()) << v.name << ": " << verdict.refusal->message;
  }
}

TEST(Sigv4Verifier, RefusesEveryAwsTestSuiteVectorUnderAnotherSecret) {
  const sigv4_verifier verifier = suite_verifier_with("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz");
  for (const suite_vector& v : suite_vectors()) {
    owned_request request = suite_request(v);
    const sigv4_verdict verdict = verifier.verify(request.view(), suite_now_s * ns_per_s);
    ASSERT_FALSE(verdict.valid()) << v.name;
    EXPECT_EQ(verdict.refusal->error, sigv4_error::invalid_signature) << v.name;
  }
}

TEST(Sigv4Verifier, AwsSessionTokenVectorIsSignedButItsTokenIsUnknown) {
  // get-vanilla-with-session-token: a valid signature over a token this
  // server never issued; AWS then answers that the token is invalid.
  owned_request request;
  request.headers = {
      {"Host", "example.amazonaws.com"},
      {"X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"},
      {"X-Amz-Date", "20150830T123600Z"},
      {"Authorization",
       std::string(suite_credential) +
           "SignedHeaders=host;x-amz-date;x-amz-security-token, "
           "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"}};
  const sigv4_verdict verdict =
      suite_verifier_with(std::string(suite_secret)).verify(request.view(), suite_now_s * ns_per_s);
  ASSERT_FALSE(verdict.valid());
  EXPECT_EQ(verdict.refusal->error, sigv4_error::unrecognized_client);
  EXPECT_EQ(verdict.refusal->message, "The security token included in the request is invalid");
}

TEST(Sigv4Verifier, AcceptsTheSuiteVectorAtTheEdgesOfTheClockSkew) {
  const sigv4_verifier verifier = suite_verifier_with(std::string(suite_secret));
  owned_request request = suite_request(suite_vectors().front());
  const std::int64_t skew = sigv4_verifier::max_clock_skew_s;
  EXPECT_TRUE(
      verifier.verify(request.view(), (suite_now_s + skew) * ns_per_s + 999'999'999).valid());
  EXPECT_TRUE(verifier.verify(request.view(), (suite_now_s - skew) * ns_per_s).valid());
  EXPECT_FALSE(verifier.verify(request.view(), (suite_now_s + skew + 1) * ns_per_s).valid());
  EXPECT_FALSE(verifier.verify(request.view(), (suite_now_s - skew - 1) * ns_per_s).valid());
}

TEST(Sigv4Verifier, ExpiredAndNotYetCurrentSignaturesGetAwsTexts) {
  const sigv4_verifier verifier = suite_verifier_with(std::string(suite_secret));
  owned_request request = suite_request(suite_vectors().front());

  const sigv4_verdict late = verifier.verify(request.view(), (suite_now_s + 16 * 60) * ns_per_s);
  ASSERT_FALSE(late.valid());
  EXPECT_EQ(late.refusal->error, sigv4_error::invalid_signature);
  EXPECT_EQ(late.refusal->message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z "
            "(20150830T125200Z - 15 min.)");

  const sigv4_verdict early = verifier.verify(request.view(), (suite_now_s - 16 * 60) * ns_per_s);
  ASSERT_FALSE(early.valid());
  EXPECT_EQ(early.refusal->error, sigv4_error::invalid_signature);
  EXPECT_EQ(early.refusal->message,
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z "
            "(20150830T122000Z + 15 min.)");
}

TEST(Sigv4Verifier, ErrorTypesAndStatusesAreAws) {
  EXPECT_EQ(sigv4_error_type(sigv4_error::missing_authentication_token),
            "MissingAuthenticationTokenException");
  EXPECT_EQ(sigv4_error_type(sigv4_error::incomplete_signature), "IncompleteSignatureException");
  EXPECT_EQ(sigv4_error_type(sigv4_error::invalid_signature), "InvalidSignatureException");
  EXPECT_EQ(sigv4_error_type(sigv4_error::unrecognized_client), "UnrecognizedClientException");
  for (const sigv4_error e :
       {sigv4_error::missing_authentication_token, sigv4_error::incomplete_signature,
        sigv4_error::invalid_signature, sigv4_error::unrecognized_client}) {
    EXPECT_EQ(sigv4_http_status(e), 403U);
  }
}

}  // namespace
}  // namespace ug::gateway::control
