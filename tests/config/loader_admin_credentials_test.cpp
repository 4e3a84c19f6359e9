// gateway.admin.credentials: the AWS key pair whose SigV4 signature the
// control plane and POST /reload require. What the loader accepts (an inline
// secret or a secret file), what it refuses (and where it says so), the rule
// that an admin beyond loopback needs credentials as well as a token, and the
// promise that no error message ever contains the secret.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "tests/config/loader_sections.hpp"
#include "tests/support/process.hpp"  // temp_dir

namespace ug::config {
namespace {

using loader_fixture::all_errors;
using loader_fixture::gateway_with;
using loader_fixture::sections;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* key_id = "AKIDADMIN0001";
constexpr const char* secret = "SECRET-admin-0123456789abcdef-distinctive";
constexpr const char* admin_token = "0123456789abcdef0123456789abcdef-admin";

std::string credentials_json(const std::string& members) {
  return R"("credentials": {)" + members + "}";
}

std::string inline_credentials(const std::string& id = key_id, const std::string& key = secret) {
  return credentials_json(R"("accessKeyId": ")" + id + R"(", "secretAccessKey": ")" + key + "\"");
}

std::string admin_with(const std::string& members) {
  return gateway_with(R"("admin": {)" + members + "}");
}

/// The one error of `r`; fails the test if there is not exactly one.
config_error only_error(const load_result& r) {
  EXPECT_EQ(r.errors.size(), 1u) << all_errors(r);
  return r.errors.empty() ? config_error{} : r.errors.front();
}

TEST(LoaderAdminCredentials, WithoutCredentialsNoneAreKept) {
  const load_result r = load_string(sections{}.json());
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_FALSE(r.doc->gateway.admin.credentials.has_value());
}

TEST(LoaderAdminCredentials, AnInlineSecretIsKeptForTheHmac) {
  sections s;
  s.gateway = admin_with(inline_credentials());
  const load_result r = load_string(s.json());
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const auto& credentials = r.doc->gateway.admin.credentials;
  ASSERT_TRUE(credentials.has_value());
  EXPECT_EQ(credentials->access_key_id, key_id);
  EXPECT_EQ(credentials->secret_access_key, secret);
  EXPECT_EQ(r.doc->gateway.admin.address, "127.0.0.1");  // loopback needs no token
}

TEST(LoaderAdminCredentials, AnotherKeyPairIsAnotherAdminSetting) {
  // The reload's restart-only comparison sees a rotated secret or id.
  sections s;
  s.gateway = admin_with(inline_credentials());
  const load_result a = load_string(s.json());
  const load_result same = load_string(s.json());
  s.gateway = admin_with(inline_credentials(key_id, std::string(secret) + "-rotated"));
  const load_result rotated = load_string(s.json());
  s.gateway = admin_with(inline_credentials("AKIDADMIN0002"));
  const load_result other_id = load_string(s.json());
  ASSERT_TRUE(a.doc && same.doc && rotated.doc && other_id.doc);
  EXPECT_EQ(a.doc->gateway.admin, same.doc->gateway.admin);
  EXPECT_NE(a.doc->gateway.admin, rotated.doc->gateway.admin);
  EXPECT_NE(a.doc->gateway.admin, other_id.doc->gateway.admin);
  EXPECT_NE(a.doc->gateway.admin, load_string(sections{}.json()).doc->gateway.admin);
}

TEST(LoaderAdminCredentials, TheSecretFileIsReadWithoutItsLineEndAndKeptOutOfTheContentHash) {
  const test::temp_dir dir;
  sections s;
  s.gateway = admin_with(credentials_json(R"("accessKeyId": ")" + std::string(key_id) +
                                          R"(", "secretAccessKeyFile": "secrets/aws-secret")"));
  dir.write("secrets/aws-secret", std::string(secret) + "\r\n");
  const load_result first = load_string(s.json(), dir.path());
  ASSERT_TRUE(first.doc.has_value()) << all_errors(first);
  ASSERT_TRUE(first.doc->gateway.admin.credentials.has_value());
  EXPECT_EQ(first.doc->gateway.admin.credentials->secret_access_key, secret);
  const auto& files = first.doc->source_files;
  EXPECT_NE(std::find(files.begin(), files.end(), (dir.path() / "secrets/aws-secret").string()),
            files.end());

  dir.write("secrets/aws-secret", std::string(secret) + "-rotated\n");
  const load_result second = load_string(s.json(), dir.path());
  ASSERT_TRUE(second.doc.has_value()) << all_errors(second);
  EXPECT_EQ(second.doc->gateway.admin.credentials->secret_access_key,
            std::string(secret) + "-rotated");
  EXPECT_EQ(first.content_sha256_hex, second.content_sha256_hex);

  dir.write("secrets/aws-secret", std::string(secret));  // no line end at all
  const load_result bare = load_string(s.json(), dir.path());
  ASSERT_TRUE(bare.doc.has_value()) << all_errors(bare);
  EXPECT_EQ(bare.doc->gateway.admin.credentials->secret_access_key, secret);

  dir.write("secrets/aws-secret", "SECRET-short\n");
  const config_error bad = only_error(load_string(s.json(), dir.path()));
  EXPECT_EQ(bad.json_path, "gateway.admin.credentials.secretAccessKeyFile");
  EXPECT_THAT(bad.message, HasSubstr("at least 32 characters (it has 12)"));
}

struct credentials_case {
  const char* name;
  std::string admin_members;
  std::string path;
  std::string phrase;
};

std::vector<credentials_case> credentials_cases() {
  const std::string id = R"("accessKeyId": ")" + std::string(key_id) + "\"";
  const std::string key = R"("secretAccessKey": ")" + std::string(secret) + "\"";
  return {
      {"NotAnObject", R"("credentials": "AKIDADMIN0001")", "gateway.admin.credentials",
       "must be an object"},
      {"NoAccessKeyId", credentials_json(key), "gateway.admin.credentials",
       "missing required field 'accessKeyId'"},
      {"NoSecret", credentials_json(id), "gateway.admin.credentials",
       "give 'secretAccessKey' or 'secretAccessKeyFile'"},
      {"BothSecretForms",
       credentials_json(id + ", " + key + R"(, "secretAccessKeyFile": "aws-secret")"),
       "gateway.admin.credentials", "either 'secretAccessKey' or 'secretAccessKeyFile', not both"},
      {"UnknownMember", credentials_json(id + R"(, "secretKey": "x")"),
       "gateway.admin.credentials.secretKey", "unknown field 'secretKey'"},
      {"ASecretUnderAMisspeltName",
       credentials_json(id + R"(, "secretAcessKey": ")" + secret + "\""),
       "gateway.admin.credentials.secretAcessKey", "did you mean 'secretAccessKey'"},
      {"EmptyAccessKeyId", credentials_json(R"("accessKeyId": "", )" + key),
       "gateway.admin.credentials.accessKeyId", "must not be empty"},
      {"AccessKeyIdWithASlash", credentials_json(R"("accessKeyId": "AKID/ADMIN", )" + key),
       "gateway.admin.credentials.accessKeyId", "character 5 is not one of them"},
      {"AccessKeyIdTooLong",
       credentials_json(R"("accessKeyId": ")" + std::string(129, 'A') + "\", " + key),
       "gateway.admin.credentials.accessKeyId", "at most 128 characters"},
      {"AccessKeyIdNotAString", credentials_json(R"("accessKeyId": 12, )" + key),
       "gateway.admin.credentials.accessKeyId", "must be a string"},
      {"SecretTooShort", credentials_json(id + R"(, "secretAccessKey": "SECRET-short")"),
       "gateway.admin.credentials.secretAccessKey", "at least 32 characters (it has 12)"},
      {"SecretWithASpace",
       credentials_json(id + R"(, "secretAccessKey": "SECRET-0123456789 abcdef0123456789")"),
       "gateway.admin.credentials.secretAccessKey", "character 18 is not one of them"},
      {"SecretNotAString", credentials_json(id + R"(, "secretAccessKey": true)"),
       "gateway.admin.credentials.secretAccessKey", "must be a string"},
      {"SecretFileMissing", credentials_json(id + R"(, "secretAccessKeyFile": "no-such-file")"),
       "gateway.admin.credentials.secretAccessKeyFile", "cannot read file 'no-such-file'"},
      {"SecretFileEmptyName", credentials_json(id + R"(, "secretAccessKeyFile": "")"),
       "gateway.admin.credentials.secretAccessKeyFile", "must not be empty"},
  };
}

TEST(LoaderAdminCredentials, MalformedCredentialsAreReportedWhereTheyAre) {
  for (const credentials_case& c : credentials_cases()) {
    sections s;
    s.gateway = admin_with(c.admin_members);
    const load_result r = load_string(s.json());
    EXPECT_FALSE(r.doc.has_value()) << c.name;
    const auto hit = std::find_if(r.errors.begin(), r.errors.end(), [&](const config_error& e) {
      return e.json_path == c.path && e.message.find(c.phrase) != std::string::npos;
    });
    EXPECT_NE(hit, r.errors.end())
        << c.name << ": want " << c.path << ": ..." << c.phrase << "...\n"
        << all_errors(r);
    for (const config_error& e : r.errors)
      EXPECT_EQ(e.to_string().find("distinctive"), std::string::npos)
          << c.name << ": " << e.to_string();
  }
}

TEST(LoaderAdminCredentials, BeyondLoopbackTheAdminNeedsCredentialsAndAToken) {
  const std::string token = R"("authToken": ")" + std::string(admin_token) + "\"";
  for (const char* address : {"0.0.0.0", "::", "10.1.2.3"}) {
    const std::string at = R"("address": ")" + std::string(address) + "\", ";
    sections s;
    s.gateway = admin_with(at + token);
    const config_error no_credentials = only_error(load_string(s.json()));
    EXPECT_EQ(no_credentials.json_path, "gateway.admin.address");
    EXPECT_THAT(no_credentials.message, HasSubstr("is not a loopback address"));
    EXPECT_THAT(no_credentials.message, HasSubstr("set gateway.admin.credentials"));
    EXPECT_THAT(no_credentials.message, Not(HasSubstr("authToken")));

    s.gateway = admin_with(at + inline_credentials());
    const config_error no_token = only_error(load_string(s.json()));
    EXPECT_EQ(no_token.json_path, "gateway.admin.address");
    EXPECT_THAT(no_token.message,
                HasSubstr("set gateway.admin.authToken or gateway.admin.authTokenFile"));
    EXPECT_THAT(no_token.message, Not(HasSubstr("gateway.admin.credentials")));
    EXPECT_EQ(no_token.to_string().find("distinctive"), std::string::npos);

    s.gateway = admin_with(at.substr(0, at.size() - 2));
    const config_error neither = only_error(load_string(s.json()));
    EXPECT_THAT(neither.message,
                HasSubstr("set gateway.admin.authToken or gateway.admin.authTokenFile"));
    EXPECT_THAT(neither.message, HasSubstr(" and gateway.admin.credentials"));

    s.gateway = admin_with(at + token + ", " + inline_credentials());
    const load_result both = load_string(s.json());
    ASSERT_TRUE(both.doc.has_value()) << address << "\n" << all_errors(both);
    EXPECT_EQ(both.doc->gateway.admin.address, address);
    EXPECT_TRUE(both.doc->gateway.admin.credentials.has_value());
    EXPECT_TRUE(both.doc->gateway.admin.auth_token_sha256.has_value());
  }
}

TEST(LoaderAdminCredentials, OnLoopbackCredentialsNeedNoToken) {
  for (const char* address : {"127.0.0.1", "::1"}) {
    sections s;
    s.gateway =
        admin_with(R"("address": ")" + std::string(address) + "\", " + inline_credentials());
    const load_result r = load_string(s.json());
    ASSERT_TRUE(r.doc.has_value()) << address << "\n" << all_errors(r);
    EXPECT_FALSE(r.doc->gateway.admin.auth_token_sha256.has_value());
    EXPECT_TRUE(r.doc->gateway.admin.credentials.has_value());
  }
}

}  // namespace
}  // namespace ug::config
