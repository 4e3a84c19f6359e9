// The admin listener with gateway.admin.credentials, without a socket: which
// requests must be signed (the control plane, POST /reload), the AWS-shaped
// 403s of a missing, wrong or foreign signature, the bearer token that still
// opens /metrics and POST /reload, and the checks a signature does not lift.
// The signatures are botocore's (SigV4Auth for "apigateway", region
// us-east-1, clock pinned at 2024-01-02T03:04:05Z), never the verifier's own
// steps.
#include "gateway/admin/admin_sigv4.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/sha256.hpp"
#include "gateway/admin/admin_access.hpp"
#include "gateway/admin/admin_control_routes.hpp"

namespace ug::gateway {
namespace {

constexpr const char* key_id = "AKIDADMIN0001";
constexpr const char* secret = "admin-secret-0123456789abcdef0123456789";
constexpr const char* token = "0123456789abcdef0123456789abcdef-admin";
constexpr std::int64_t ns_per_s = 1'000'000'000;
/// 2024-01-02T03:04:05Z, when botocore signed the requests below.
constexpr std::int64_t signed_at_ns = 1'704'164'645 * ns_per_s;
constexpr const char* amz_date = "20240102T030405Z";
constexpr const char* scope = "AKIDADMIN0001/20240102/us-east-1/apigateway/aws4_request";

/// A request that owns its text; view() is the admin_request the listener
/// would build from it.
struct owned_request {
  std::string method = "GET";
  std::string path;
  std::string query;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  void set(const std::string& name, std::string value) {
    for (auto& [n, v] : headers) {
      if (n == name) {
        v = std::move(value);
        return;
      }
    }
    headers.emplace_back(name, std::move(value));
  }

  [[nodiscard]] std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers)
      if (n == name)
        return v;
    return {};
  }

  [[nodiscard]] admin_request view() const {
    admin_request r;
    r.method = method;
    r.path = path;
    r.query = query;
    r.body = body;
    for (const auto& [n, v] : headers) {
      r.headers.emplace_back(n, v);
      if (n == "Host")
        r.host = v;
      else if (n == "Authorization")
        r.authorization = v;
      else if (n == "Content-Type") {
        r.content_type = v;
        r.has_content_type = true;
      } else if (n == "Origin") {
        r.origin = v;
        r.has_origin = true;
      }
    }
    return r;
  }
};

std::string authorization(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=" + std::string(scope) +
         ", SignedHeaders=" + std::string(signed_headers) + ", Signature=" + std::string(signature);
}

owned_request unsigned_request(std::string method, std::string path, std::string query = {},
                               std::string host = "127.0.0.1:9080") {
  owned_request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.set("Host", std::move(host));
  return r;
}

/// botocore: GET http://127.0.0.1:9080/usageplans?limit=2
owned_request signed_get_usage_plans() {
  owned_request r = unsigned_request("GET", "/usageplans", "limit=2");
  r.set("X-Amz-Date", amz_date);
  r.set("Authorization",
        authorization("host;x-amz-date",
                      "b0c1b256d12677872d04fdf7c2e26f7c1195827e408530bcda00e1f946d5c38b"));
  return r;
}

/// botocore: POST http://127.0.0.1:9080/reload, no body
owned_request signed_reload() {
  owned_request r = unsigned_request("POST", "/reload");
  r.set("X-Amz-Date", amz_date);
  r.set("Authorization",
        authorization("host;x-amz-date",
                      "b1f547d1131a0333df1e8c6c8de38d507cdb69b927324a7d4ef5c6c79216c52f"));
  return r;
}

/// botocore: POST http://127.0.0.1:9080/reload, Content-Type: application/json, body {}
owned_request signed_reload_with_body() {
  owned_request r = unsigned_request("POST", "/reload");
  r.body = "{}";
  r.set("Content-Type", "application/json");
  r.set("X-Amz-Date", amz_date);
  r.set("Authorization",
        authorization("content-type;host;x-amz-date",
                      "d79025713f33e96e9d189f7b3224d4dc3d8be3c6f6600ca2c6d1026ad5f51c39"));
  return r;
}

/// botocore: GET http://admin.internal:9080/usageplans (a host name)
owned_request signed_by_host_name() {
  owned_request r = unsigned_request("GET", "/usageplans", {}, "admin.internal:9080");
  r.set("X-Amz-Date", amz_date);
  r.set("Authorization",
        authorization("host;x-amz-date",
                      "bf3621d61c9fa0ec95b69935072a5a10c1d2334c83000cc5622295cf7f8a3f9a"));
  return r;
}

admin_access_policy with_credentials(std::string id = key_id, std::string key = secret) {
  admin_access_policy p;
  p.sigv4 =
      make_admin_sigv4_verifier(config::admin_settings::key_pair{std::move(id), std::move(key)});
  return p;
}

admin_access_policy with_credentials_and_token() {
  admin_access_policy p = with_credentials();
  p.bearer_token_sha256 = common::sha256(token);
  return p;
}

std::optional<admin_response> judge(const admin_access_policy& policy, const owned_request& r,
                                    std::int64_t now = signed_at_ns) {
  return refuse_admin_request(policy, r.view(), now);
}

std::vector<std::string> headers_named(const admin_response& r, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& [k, v] : r.headers)
    if (k == name)
      values.push_back(v);
  return values;
}

std::string error_type(const admin_response& r) {
  const std::vector<std::string> types = headers_named(r, "x-amzn-ErrorType");
  return types.size() == 1 ? types.front() : "(" + std::to_string(types.size()) + " types)";
}

/// A 403 as AWS sends it: JSON {"message": ...}, one x-amzn-ErrorType, a
/// request id, and never the secret.
void expect_aws_refusal(const std::optional<admin_response>& refusal, std::string_view type) {
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 403u);
  EXPECT_EQ(refusal->content_type, "application/json");
  EXPECT_EQ(error_type(*refusal), type) << refusal->body;
  EXPECT_EQ(headers_named(*refusal, "x-amzn-RequestId").size(), 1u);
  EXPECT_EQ(refusal->body.rfind(R"({"message":")", 0), 0u) << refusal->body;
  EXPECT_EQ(refusal->body.find(secret), std::string::npos) << refusal->body;
}

TEST(AdminSigv4, CredentialsGuardTheControlPlaneAndReloadOnly) {
  for (const char* path : {"/apikeys", "/apikeys/k1", "/usageplans", "/usageplans/p1/keys",
                           "/restapis", "/restapis/a1/stages/v1", "/account"}) {
    for (const char* method : {"GET", "POST", "PATCH", "DELETE"})
      EXPECT_TRUE(admin_request_needs_signature(unsigned_request(method, path).view())) << path;
  }
  EXPECT_TRUE(admin_request_needs_signature(unsigned_request("POST", "/reload").view()));
  for (const auto& [method, path] :
       std::vector<std::pair<const char*, const char*>>{{"GET", "/reload"},
                                                        {"GET", "/metrics"},
                                                        {"GET", "/healthz"},
                                                        {"GET", "/readyz"},
                                                        {"GET", "/nope"},
                                                        {"POST", "/metrics"}}) {
    EXPECT_FALSE(admin_request_needs_signature(unsigned_request(method, path).view())) << path;
  }
  EXPECT_EQ(make_admin_sigv4_verifier(std::nullopt), nullptr);
}

TEST(AdminSigv4, WithoutCredentialsNothingIsSigned) {
  const admin_access_policy open;
  EXPECT_FALSE(judge(open, unsigned_request("GET", "/usageplans")));
  EXPECT_FALSE(judge(open, unsigned_request("POST", "/reload")));
  // A signature made for other credentials is not even read.
  owned_request r = signed_get_usage_plans();
  r.query = "limit=3";
  EXPECT_FALSE(judge(open, r));
}

TEST(AdminSigv4, BotocoreSignaturesPass) {
  const admin_access_policy policy = with_credentials();
  EXPECT_FALSE(judge(policy, signed_get_usage_plans()));
  EXPECT_FALSE(judge(policy, signed_reload()));
  EXPECT_FALSE(judge(policy, signed_reload_with_body()));
  // The probes and /metrics stay open on a loopback admin without a token.
  for (const char* path : {"/metrics", "/healthz", "/readyz"})
    EXPECT_FALSE(judge(policy, unsigned_request("GET", path))) << path;
}

TEST(AdminSigv4, AnUnsignedRequestGetsMissingAuthenticationToken) {
  const admin_access_policy policy = with_credentials();
  for (const owned_request& r :
       {unsigned_request("GET", "/usageplans"), unsigned_request("POST", "/reload")}) {
    const auto refusal = judge(policy, r);
    expect_aws_refusal(refusal, "MissingAuthenticationTokenException");
    EXPECT_EQ(refusal->body, R"({"message":"Missing Authentication Token"})");
  }
}

TEST(AdminSigv4, AWrongSecretOrAChangedRequestIsAnInvalidSignature) {
  const std::string other_secret = std::string(secret) + "-other";
  const auto wrong_secret = judge(with_credentials(key_id, other_secret), signed_get_usage_plans());
  expect_aws_refusal(wrong_secret, "InvalidSignatureException");
  EXPECT_NE(wrong_secret->body.find("The request signature we calculated does not match"),
            std::string::npos)
      << wrong_secret->body;
  EXPECT_EQ(wrong_secret->body.find(other_secret), std::string::npos);

  const admin_access_policy policy = with_credentials();
  owned_request query = signed_get_usage_plans();
  query.query = "limit=3";
  expect_aws_refusal(judge(policy, query), "InvalidSignatureException");
  owned_request body = signed_reload_with_body();
  body.body = "{ }";  // the payload hash is signed: the body reached the check whole
  expect_aws_refusal(judge(policy, body), "InvalidSignatureException");
  owned_request host = signed_get_usage_plans();
  host.set("Host", "127.0.0.1:9081");
  expect_aws_refusal(judge(policy, host), "InvalidSignatureException");
}

TEST(AdminSigv4, AnotherAccessKeyIdIsAnUnrecognizedClient) {
  const auto refusal = judge(with_credentials("AKIDSOMEONEELSE"), signed_get_usage_plans());
  expect_aws_refusal(refusal, "UnrecognizedClientException");
  EXPECT_EQ(refusal->body,
            R"({"message":"The security token included in the request is invalid."})");
}

TEST(AdminSigv4, TheClockMayBeFifteenMinutesOffEitherWay) {
  const admin_access_policy policy = with_credentials();
  constexpr std::int64_t minute_ns = 60 * ns_per_s;
  EXPECT_FALSE(judge(policy, signed_get_usage_plans(), signed_at_ns + 15 * minute_ns));
  EXPECT_FALSE(judge(policy, signed_get_usage_plans(), signed_at_ns - 15 * minute_ns));
  const auto late = judge(policy, signed_get_usage_plans(), signed_at_ns + 16 * minute_ns);
  expect_aws_refusal(late, "InvalidSignatureException");
  EXPECT_NE(late->body.find("Signature expired: 20240102T030405Z is now earlier than"),
            std::string::npos)
      << late->body;
  const auto early = judge(policy, signed_get_usage_plans(), signed_at_ns - 16 * minute_ns);
  expect_aws_refusal(early, "InvalidSignatureException");
  EXPECT_NE(early->body.find("Signature not yet current"), std::string::npos) << early->body;
}

TEST(AdminSigv4, TheBearerTokenOpensReloadAndMetricsButNotTheControlPlane) {
  const admin_access_policy policy = with_credentials_and_token();
  const std::string bearer = std::string("Bearer ") + token;
  owned_request reload = unsigned_request("POST", "/reload");
  reload.set("Authorization", bearer);
  EXPECT_FALSE(judge(policy, reload));
  EXPECT_FALSE(judge(policy, signed_reload()));  // or the signature
  owned_request metrics = unsigned_request("GET", "/metrics");
  metrics.set("Authorization", bearer);
  EXPECT_FALSE(judge(policy, metrics));
  // /metrics takes the token only, as without credentials.
  const auto unsigned_metrics = judge(policy, unsigned_request("GET", "/metrics"));
  ASSERT_TRUE(unsigned_metrics);
  EXPECT_EQ(unsigned_metrics->status, 401u);
  EXPECT_EQ(judge(policy, signed_get_usage_plans()), std::nullopt);

  // A wrong token on /reload is the token's 401, as without credentials.
  reload.set("Authorization", std::string("Bearer ") + token + "x");
  const auto wrong = judge(policy, reload);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401u);
  EXPECT_EQ(headers_named(*wrong, "WWW-Authenticate"),
            std::vector<std::string>{R"(Bearer realm="usagegate admin", error="invalid_token")"});

  // The control plane wants the signature; the token is refused without
  // being repeated in the answer.
  owned_request plans = unsigned_request("GET", "/usageplans");
  plans.set("Authorization", bearer);
  const auto refusal = judge(policy, plans);
  expect_aws_refusal(refusal, "IncompleteSignatureException");
  EXPECT_EQ(refusal->body.find(token), std::string::npos) << refusal->body;
}

TEST(AdminSigv4, WithoutATokenABearerHeaderOnReloadIsNoSignature) {
  owned_request reload = unsigned_request("POST", "/reload");
  reload.set("Authorization", std::string("bearer ") + token);
  const auto refusal = judge(with_credentials(), reload);
  expect_aws_refusal(refusal, "IncompleteSignatureException");
  EXPECT_EQ(refusal->body.find(token), std::string::npos) << refusal->body;
}

TEST(AdminSigv4, ASignatureLiftsTheHostCheckButNotTheCrossSiteChecks) {
  const admin_access_policy policy = with_credentials();
  // Signed for admin.internal: the page of a rebinding attack cannot sign.
  EXPECT_FALSE(judge(policy, signed_by_host_name()));
  // An unsigned probe through a rebound name is still refused.
  const auto probe = judge(policy, unsigned_request("GET", "/healthz", {}, "attacker.example"));
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->status, 403u);
  // Origin is not a signed header: a signed reload from a foreign page is refused.
  owned_request cross = signed_reload_with_body();
  cross.set("Origin", "http://attacker.example");
  const auto refusal = judge(policy, cross);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 403u);
  EXPECT_NE(refusal->body.find("cross-origin"), std::string::npos) << refusal->body;
}

TEST(AdminSigv4, TheControlPlaneMarkKeepsTheSignatureErrorType) {
  const owned_request r = unsigned_request("GET", "/usageplans");
  auto refusal = judge(with_credentials(), r);
  ASSERT_TRUE(refusal);
  mark_control_plane_refusal(r.view(), *refusal);
  EXPECT_EQ(headers_named(*refusal, "x-amzn-ErrorType"),
            std::vector<std::string>{"MissingAuthenticationTokenException"});
  // A refusal of the other checks still gets its AccessDeniedException.
  owned_request cross = unsigned_request("POST", "/apikeys");
  cross.set("Origin", "http://attacker.example");
  auto denied = judge(admin_access_policy{}, cross);
  ASSERT_TRUE(denied);
  mark_control_plane_refusal(cross.view(), *denied);
  EXPECT_EQ(denied->status, 403u);
  EXPECT_EQ(error_type(*denied), "AccessDeniedException");
}

}  // namespace
}  // namespace ug::gateway
