// Each refusal the verifier gives, with AWS's type and text, in AWS's order.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "gateway/control/sigv4_verifier.hpp"
#include "tests/gateway/control/sigv4_test_support.hpp"

namespace ug::gateway::control {
namespace {

using testing::ns_per_s;
using testing::owned_request;
using testing::signing_input;

constexpr std::string_view secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::int64_t now_s = 1'773'500'966;  // 20260314T150926Z

class Sigv4Refusal : public ::testing::Test {
 protected:
  Sigv4Refusal() {
    request_.method = "GET";
    request_.target = "/usageplans?limit=2";
    request_.headers = {{"Host", "127.0.0.1:9080"}, {"X-Amz-Date", "20260314T150926Z"}};
  }

  sigv4_verdict verify() { return verifier_.verify(request_.view(), now_s * ns_per_s); }

  void expect_refused(sigv4_error error, const std::string& message) {
    const sigv4_verdict verdict = verify();
    ASSERT_FALSE(verdict.valid());
    EXPECT_EQ(verdict.refusal->error, error);
    EXPECT_EQ(verdict.refusal->message, message);
    EXPECT_EQ(verdict.refusal->message.find(secret), std::string::npos);
  }

  void set_authorization(std::string value) {
    request_.set_header("Authorization", std::move(value));
  }

  sigv4_verifier verifier_{{"AKIDEXAMPLE", std::string(secret)}, "apigateway"};
  owned_request request_;
  signing_input signing_;
};

TEST_F(Sigv4Refusal, ASignedRequestIsValid) {
  testing::sign(request_, signing_);
  EXPECT_TRUE(verify().valid());
}

TEST_F(Sigv4Refusal, NoAuthorizationIsAMissingToken) {
  expect_refused(sigv4_error::missing_authentication_token, "Missing Authentication Token");
}

TEST_F(Sigv4Refusal, AnotherSchemeLacksEveryPart) {
  // As API Gateway answers Basic credentials (base64 padding makes the token
  // a key=value pair) and a bare JWT (one token: the "algorithm").
  request_.remove_header("x-amz-date");
  const std::string lacks_all =
      "Authorization header requires 'Credential' parameter. Authorization header requires "
      "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
      "Authorization=";
  set_authorization("Basic dXNlcjpwYXNzd29yZA==");
  expect_refused(sigv4_error::incomplete_signature, lacks_all + "Basic dXNlcjpwYXNzd29yZA==");
  set_authorization("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln");
  expect_refused(sigv4_error::incomplete_signature,
                 lacks_all + "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln");
}

TEST_F(Sigv4Refusal, AnEmptyAuthorizationLacksEveryPart) {
  set_authorization("");
  expect_refused(sigv4_error::incomplete_signature,
                 "Authorization header requires 'Credential' parameter. Authorization header "
                 "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
                 "parameter. Authorization=");
}

TEST_F(Sigv4Refusal, OnlyTheMissingPartsAreNamed) {
  set_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260314/us-east-1/apigateway/aws4_request");
  expect_refused(sigv4_error::incomplete_signature,
                 "Authorization header requires 'Signature' parameter. Authorization header "
                 "requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 "
                 "Credential=AKIDEXAMPLE/20260314/us-east-1/apigateway/aws4_request");
}

TEST_F(Sigv4Refusal, AComponentWithoutEqualSignIsNamed) {
  set_authorization(
      "AWS4-HMAC-SHA256 Credential= AKIDEXAMPLE/20260314/us-east-1/apigateway/"
      "aws4_request, SignedHeaders=host;x-amz-date, Signature=00");
  expect_refused(sigv4_error::incomplete_signature,
                 "'AKIDEXAMPLE/20260314/us-east-1/apigateway/aws4_request' not a valid key=value "
                 "pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential= "
                 "AKIDEXAMPLE/20260314/us-east-1/apigateway/aws4_request, "
                 "SignedHeaders=host;x-amz-date, Signature=00'.");
}

TEST_F(Sigv4Refusal, CommasWithoutSpacesSeparateComponents) {
  testing::sign(request_, signing_);
  std::string authorization = request_.header("authorization");
  for (std::size_t at = authorization.find(", "); at != std::string::npos;
       at = authorization.find(", ")) {
    authorization.erase(at + 1, 1);
  }
  set_authorization(authorization);
  EXPECT_TRUE(verify().valid()) << authorization;
}

TEST_F(Sigv4Refusal, AMalformedDateIsNamed) {
  testing::sign(request_, signing_);
  request_.set_header("X-Amz-Date", "2026-03-14T15:09:26Z");
  expect_refused(sigv4_error::incomplete_signature,
                 "Date must be in ISO-8601 'basic format'. Got '2026-03-14T15:09:26Z'. See "
                 "http://en.wikipedia.org/wiki/ISO_8601");
}

TEST_F(Sigv4Refusal, ADateHeaderAloneIsNotRead) {
  testing::sign(request_, signing_);
  request_.remove_header("x-amz-date");
  request_.set_header("Date", "Sat, 14 Mar 2026 15:09:26 GMT");
  expect_refused(sigv4_error::incomplete_signature,
                 "Date must be in ISO-8601 'basic format'. Got 'Sat, 14 Mar 2026 15:09:26 GMT'. "
                 "See http://en.wikipedia.org/wiki/ISO_8601");
}

TEST_F(Sigv4Refusal, HostMustBeSigned) {
  signing_.signed_headers = "x-amz-date";
  testing::sign(request_, signing_);
  expect_refused(sigv4_error::invalid_signature,
                 "'Host' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST_F(Sigv4Refusal, SignedHostIsFoundInAnyCase) {
  signing_.signed_headers = "Host;X-Amz-Date";
  testing::sign(request_, signing_);
  EXPECT_TRUE(verify().valid());
}

TEST_F(Sigv4Refusal, OnlyHmacSha256IsSupported) {
  testing::sign(request_, signing_);
  std::string authorization = request_.header("authorization");
  authorization.replace(0, 16, "AWS4-ECDSA-P256-SHA256");
  set_authorization(authorization);
  expect_refused(sigv4_error::incomplete_signature,
                 "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256' (only AWS4-HMAC-SHA256 "
                 "for now). ");
}

TEST_F(Sigv4Refusal, CredentialNeedsFiveElements) {
  set_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260314/us-east-1/apigateway, "
      "SignedHeaders=host;x-amz-date, Signature=00");
  expect_refused(sigv4_error::incomplete_signature,
                 "Credential must have exactly 5 slash-delimited elements, e.g. "
                 "keyid/date/region/service/term, got 'AKIDEXAMPLE/20260314/us-east-1/apigateway'");
}

TEST_F(Sigv4Refusal, ATrailingSlashInTheCredentialIsIgnored) {
  testing::sign(request_, signing_);
  std::string authorization = request_.header("authorization");
  authorization.insert(authorization.find("aws4_request") + 12, "/");
  set_authorization(authorization);
  EXPECT_TRUE(verify().valid()) << authorization;
}

TEST_F(Sigv4Refusal, EveryWrongScopePartIsReportedTogether) {
  set_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260313/US_EAST/s3/aws5_request, "
      "SignedHeaders=host;x-amz-date, Signature=00");
  expect_refused(sigv4_error::invalid_signature,
                 "Credential should be scoped to a valid region, not 'US_EAST'. Credential should "
                 "be scoped to correct service: 'apigateway'. Credential should be scoped with a "
                 "valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope "
                 "does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260313' != "
                 "'20260314', from '20260314T150926Z'.");
}

TEST_F(Sigv4Refusal, AnyRegionNameSignsForALocalGateway) {
  signing_.region = "eu-central-1";
  testing::sign(request_, signing_);
  EXPECT_TRUE(verify().valid());
}

TEST_F(Sigv4Refusal, AnUnknownAccessKeyIdIsAnUnrecognizedClient) {
  signing_.access_key_id = "AKIDOTHER";
  testing::sign(request_, signing_);
  expect_refused(sigv4_error::unrecognized_client,
                 "The security token included in the request is invalid.");
}

TEST_F(Sigv4Refusal, AWrongSignatureShowsWhatWasExpectedButNotTheSecret) {
  signing_.secret = "not-the-secret";
  testing::sign(request_, signing_);
  const sigv4_verdict verdict = verify();
  ASSERT_FALSE(verdict.valid());
  EXPECT_EQ(verdict.refusal->error, sigv4_error::invalid_signature);
  const std::string canonical =
      "GET\n/usageplans\nlimit=2\nhost:127.0.0.1:9080\nx-amz-date:20260314T150926Z\n\n"
      "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n20260314T150926Z\n20260314/us-east-1/apigateway/aws4_request\n" +
      common::to_hex(common::sha256(canonical));
  EXPECT_EQ(verdict.refusal->message,
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.\n\nThe Canonical String for this request should have "
            "been\n'" +
                canonical + "'\n\nThe String-to-Sign should have been\n'" + string_to_sign + "'\n");
  EXPECT_EQ(verdict.refusal->message.find(secret), std::string::npos);
}

TEST_F(Sigv4Refusal, AnUpperCaseSignatureIsNotTheSignature) {
  testing::sign(request_, signing_);
  std::string authorization = request_.header("authorization");
  for (std::size_t i = authorization.find("Signature=") + 10; i < authorization.size(); ++i) {
    authorization[i] =
        static_cast<char>(std::toupper(static_cast<unsigned char>(authorization[i])));
  }
  set_authorization(authorization);
  const sigv4_verdict verdict = verify();
  ASSERT_FALSE(verdict.valid());
  EXPECT_EQ(verdict.refusal->error, sigv4_error::invalid_signature);
}

TEST_F(Sigv4Refusal, ASignedContentSha256MustBeTheBodys) {
  request_.method = "POST";
  request_.body = R"({"name":"plan"})";
  signing_.signed_headers = "host;x-amz-content-sha256;x-amz-date";
  request_.set_header("x-amz-content-sha256", common::to_hex(common::sha256(request_.body)));
  testing::sign(request_, signing_);
  EXPECT_TRUE(verify().valid());

  request_.body = R"({"name":"PLAN"})";
  expect_refused(sigv4_error::invalid_signature,
                 "The provided 'x-amz-content-sha256' header does not match what was computed.");
}

TEST_F(Sigv4Refusal, AnUnsignedPayloadIsRefused) {
  request_.method = "POST";
  request_.body = R"({"name":"plan"})";
  signing_.signed_headers = "host;x-amz-content-sha256;x-amz-date";
  request_.set_header("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  testing::sign(request_, signing_);
  expect_refused(sigv4_error::invalid_signature,
                 "The provided 'x-amz-content-sha256' header does not match what was computed.");
}

TEST_F(Sigv4Refusal, ASessionTokenIsRefusedEvenWhenSigned) {
  request_.set_header("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE");
  signing_.signed_headers = "host;x-amz-date;x-amz-security-token";
  testing::sign(request_, signing_);
  expect_refused(sigv4_error::unrecognized_client,
                 "The security token included in the request is invalid");
}

TEST_F(Sigv4Refusal, ChecksRunInAwsOrder) {
  // Expired and signed for another service: the clock is reported first.
  signing_.service = "s3";
  testing::sign(request_, signing_);
  const sigv4_verdict verdict = verifier_.verify(request_.view(), (now_s + 3600) * ns_per_s);
  ASSERT_FALSE(verdict.valid());
  EXPECT_EQ(verdict.refusal->message.rfind("Signature expired: ", 0), 0U);
}

}  // namespace
}  // namespace ug::gateway::control
