// Who may use the admin listener, without a socket: the bearer token (401),
// DNS rebinding through Host (403), and the cross-site request rules for
// mutations: Origin and Content-Type (403).
#include "gateway/admin/admin_access.hpp"

#include <gtest/gtest.h>

#include <string>

#include "limiter/key_table.hpp"

namespace ug::gateway {
namespace {

constexpr const char* token = "0123456789abcdef0123456789abcdef-admin";
/// The clock reading; without credentials no check reads it.
constexpr std::int64_t now = 1'700'000'000'000'000'000;

/// A POST /reload as curl sends it to a loopback admin: no Origin, no body.
admin_request reload_from_curl() {
  admin_request r;
  r.method = "POST";
  r.path = "/reload";
  r.host = "127.0.0.1:9080";
  return r;
}

admin_request get(std::string_view path) {
  admin_request r;
  r.method = "GET";
  r.path = path;
  r.host = "127.0.0.1:9080";
  return r;
}

admin_access_policy with_token() {
  return admin_access_policy{common::sha256(token)};
}

std::string header(const admin_response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name)
      return v;
  return {};
}

TEST(AdminAccess, WithoutATokenCurlStyleRequestsPass) {
  const admin_access_policy open;
  EXPECT_FALSE(refuse_admin_request(open, reload_from_curl(), now));
  EXPECT_FALSE(refuse_admin_request(open, get("/metrics"), now));
  admin_request json = reload_from_curl();
  json.body = "{}";
  json.content_type = "application/json; charset=utf-8";
  json.has_content_type = true;
  EXPECT_FALSE(refuse_admin_request(open, json, now));
}

TEST(AdminAccess, LoopbackNamesAndIpAddressesAreSafeHosts) {
  const admin_access_policy open;
  for (const char* host : {"127.0.0.1", "127.0.0.1:9080", "localhost", "LOCALHOST:9080",
                           "localhost.:9080", "[::1]:9080", "[::1]", "10.0.0.5:9080", ""}) {
    admin_request r = reload_from_curl();
    r.host = host;
    EXPECT_FALSE(refuse_admin_request(open, r, now)) << host;
  }
}

TEST(AdminAccess, AHostNameIsRefusedAsDnsRebinding) {
  const admin_access_policy open;
  for (const char* host : {"attacker.example:9080", "127.0.0.1.nip.io", "localhost.evil.com", "::1",
                           "[::1", "[::1]x", "127.0.0.1:9080:1"}) {
    for (admin_request r : {reload_from_curl(), get("/metrics")}) {
      r.host = host;
      const auto refusal = refuse_admin_request(open, r, now);
      ASSERT_TRUE(refusal) << host;
      EXPECT_EQ(refusal->status, 403u);
      EXPECT_EQ(refusal->content_type, "application/json");
      EXPECT_NE(refusal->body.find("DNS-rebinding"), std::string::npos) << refusal->body;
    }
  }
}

TEST(AdminAccess, AForeignOriginCannotMutate) {
  const admin_access_policy open;
  for (const char* origin :
       {"http://attacker.example", "null", "", "http://127.0.0.1:9081", "https://127.0.0.1:9080"}) {
    admin_request r = reload_from_curl();
    r.origin = origin;
    r.has_origin = true;
    r.body = "{}";
    r.content_type = "application/json";
    r.has_content_type = true;
    const auto refusal = refuse_admin_request(open, r, now);
    ASSERT_TRUE(refusal) << origin;
    EXPECT_EQ(refusal->status, 403u);
    EXPECT_NE(refusal->body.find("cross-origin"), std::string::npos) << refusal->body;
  }
  // The admin's own origin with a JSON body is a same-origin request.
  admin_request own = reload_from_curl();
  own.origin = "http://127.0.0.1:9080";
  own.has_origin = true;
  own.body = "{}";
  own.content_type = "application/json";
  own.has_content_type = true;
  EXPECT_FALSE(refuse_admin_request(open, own, now));
  // A GET with any Origin reads nothing a browser would show the page (no CORS).
  admin_request read = get("/metrics");
  read.origin = "http://attacker.example";
  read.has_origin = true;
  EXPECT_FALSE(refuse_admin_request(open, read, now));
}

TEST(AdminAccess, BodiesABrowserCanSendCrossSiteAreRefused) {
  const admin_access_policy open;
  for (const char* type :
       {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", ""}) {
    admin_request r = reload_from_curl();
    r.body = "x=1";
    r.content_type = type;
    r.has_content_type = true;
    const auto refusal = refuse_admin_request(open, r, now);
    ASSERT_TRUE(refusal) << type;
    EXPECT_EQ(refusal->status, 403u);
    EXPECT_NE(refusal->body.find("application/json"), std::string::npos) << refusal->body;
  }
  admin_request untyped = reload_from_curl();
  untyped.body = "{}";
  EXPECT_EQ(refuse_admin_request(open, untyped, now)->status, 403u);
  admin_request typed_empty = reload_from_curl();
  typed_empty.content_type = "text/plain";
  typed_empty.has_content_type = true;
  EXPECT_EQ(refuse_admin_request(open, typed_empty, now)->status, 403u);
}

admin_request key_file_import(std::string_view query) {
  admin_request r;
  r.method = "POST";
  r.path = "/apikeys";
  r.query = query;
  r.host = "127.0.0.1:9080";
  r.body = "Key,Name\nsome-key-value-000000000001,a\n";
  return r;
}

TEST(AdminAccess, AKeyFileImportMayBeCsvOrUntypedButNotFromABrowser) {
  const admin_access_policy open;
  // The AWS CLI sends the CSV with no Content-Type.
  EXPECT_FALSE(refuse_admin_request(open, key_file_import("mode=import&format=csv"), now));
  EXPECT_FALSE(refuse_admin_request(open, key_file_import("format=csv&mode=import"), now));
  admin_request csv = key_file_import("mode=import&format=csv");
  csv.content_type = "text/csv; charset=utf-8";
  csv.has_content_type = true;
  EXPECT_FALSE(refuse_admin_request(open, csv, now));
  // A page's untyped body comes with Origin; its text/plain is a simple request.
  admin_request from_page = key_file_import("mode=import&format=csv");
  from_page.origin = "http://127.0.0.1:9080";
  from_page.has_origin = true;
  EXPECT_EQ(refuse_admin_request(open, from_page, now)->status, 403u);
  admin_request plain = key_file_import("mode=import&format=csv");
  plain.content_type = "text/plain";
  plain.has_content_type = true;
  EXPECT_EQ(refuse_admin_request(open, plain, now)->status, 403u);
  // Only the import: CreateApiKey and other paths keep the JSON rule.
  EXPECT_EQ(refuse_admin_request(open, key_file_import("format=csv"), now)->status, 403u);
  EXPECT_EQ(refuse_admin_request(open, key_file_import("mode=imported"), now)->status, 403u);
  admin_request reload = key_file_import("mode=import");
  reload.path = "/reload";
  EXPECT_EQ(refuse_admin_request(open, reload, now)->status, 403u);
}

TEST(AdminAccess, AnEmptyUntypedMutationMustNotComeFromABrowser) {
  admin_request r = reload_from_curl();
  r.origin = "http://127.0.0.1:9080";  // even its own origin: only a page sends Origin
  r.has_origin = true;
  const auto refusal = refuse_admin_request(admin_access_policy{}, r, now);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 403u);
}

TEST(AdminAccess, ATokenIsRequiredEverywhereButTheProbes) {
  const admin_access_policy policy = with_token();
  for (admin_request r : {reload_from_curl(), get("/metrics"), get("/nope")}) {
    const auto refusal = refuse_admin_request(policy, r, now);
    ASSERT_TRUE(refusal) << r.path;
    EXPECT_EQ(refusal->status, 401u);
    EXPECT_EQ(refusal->content_type, "application/json");
    EXPECT_EQ(header(*refusal, "WWW-Authenticate"), R"(Bearer realm="usagegate admin")");
  }
  EXPECT_FALSE(refuse_admin_request(policy, get("/healthz"), now));
  EXPECT_FALSE(refuse_admin_request(policy, get("/readyz"), now));
  admin_request post_health = get("/healthz");
  post_health.method = "POST";
  EXPECT_EQ(refuse_admin_request(policy, post_health, now)->status, 401u);
}

TEST(AdminAccess, TheRightBearerTokenPassesAndAWrongOneIsInvalid) {
  const admin_access_policy policy = with_token();
  for (const std::string& value : {std::string("Bearer ") + token, std::string("bearer ") + token,
                                   std::string("BEARER  ") + token + " "}) {
    admin_request r = reload_from_curl();
    r.authorization = value;
    EXPECT_FALSE(refuse_admin_request(policy, r, now)) << value;
  }
  for (const std::string& value :
       {std::string("Bearer ") + token + "x", std::string("Bearer ") + std::string(token, 10),
        std::string("Basic ") + token, std::string(token), std::string("Bearer")}) {
    admin_request r = reload_from_curl();
    r.authorization = value;
    const auto refusal = refuse_admin_request(policy, r, now);
    ASSERT_TRUE(refusal) << value;
    EXPECT_EQ(refusal->status, 401u);
    EXPECT_EQ(header(*refusal, "WWW-Authenticate"),
              R"(Bearer realm="usagegate admin", error="invalid_token")");
    EXPECT_EQ(refusal->body.find(token), std::string::npos);
  }
}

TEST(AdminAccess, ATokenHolderMayUseAnyHostNameButNotAForeignOrigin) {
  const admin_access_policy policy = with_token();
  const std::string authorization = std::string("Bearer ") + token;
  admin_request r = reload_from_curl();
  r.host = "admin.internal:9080";
  r.authorization = authorization;
  EXPECT_FALSE(refuse_admin_request(policy, r, now));
  r.origin = "http://attacker.example";
  r.has_origin = true;
  EXPECT_EQ(refuse_admin_request(policy, r, now)->status, 403u);
  // An unauthenticated probe still may not come through a rebound name.
  admin_request probe = get("/healthz");
  probe.host = "attacker.example";
  EXPECT_EQ(refuse_admin_request(policy, probe, now)->status, 403u);
}

}  // namespace
}  // namespace ug::gateway
