// What the loader accepts for the listeners and the admin token, and the
// promise that no error message ever contains a key value or a token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "limiter/key_table.hpp"
#include "tests/config/loader_sections.hpp"
#include "tests/support/process.hpp"  // temp_dir

namespace ug::config {
namespace {

using loader_fixture::all_errors;
using loader_fixture::gateway_with;
using loader_fixture::sections;
using ::testing::HasSubstr;

// ---- listener addresses and the admin token ----

constexpr const char* admin_token = "0123456789abcdef0123456789abcdef-admin";
/// What an admin beyond loopback needs besides the token.
constexpr const char* admin_credentials =
    R"("credentials": {"accessKeyId": "AKIDADMIN0001",
                       "secretAccessKey": "admin-secret-0123456789abcdef0123456789"})";

TEST(LoaderValidation, NumericAddressesAreAccepted) {
  for (const char* address : {"127.0.0.1", "0.0.0.0", "::1", "::", "10.1.2.3", "fd00::7"}) {
    sections s;
    s.gateway = gateway_with(R"("listener": {"address": ")" + std::string(address) + R"("})");
    const load_result r = load_string(s.json());
    ASSERT_TRUE(r.doc.has_value()) << address << "\n" << all_errors(r);
    EXPECT_EQ(r.doc->gateway.listener.address, address);
  }
}

TEST(LoaderValidation, LoopbackAdminAddressesNeedNoToken) {
  for (const char* address : {"127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"}) {
    sections s;
    s.gateway = gateway_with(R"("admin": {"address": ")" + std::string(address) + R"("})");
    const load_result r = load_string(s.json());
    ASSERT_TRUE(r.doc.has_value()) << address << "\n" << all_errors(r);
    EXPECT_FALSE(r.doc->gateway.admin.auth_token_sha256.has_value());
  }
}

TEST(LoaderValidation, AnAdminBeyondLoopbackWithATokenKeepsOnlyItsDigest) {
  sections s;
  s.gateway = gateway_with(R"("admin": {"address": "0.0.0.0", "port": 9443, "authToken": ")" +
                           std::string(admin_token) + R"(", )" + admin_credentials + "}");
  const load_result r = load_string(s.json());
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const admin_settings& admin = r.doc->gateway.admin;
  EXPECT_EQ(admin.address, "0.0.0.0");
  EXPECT_EQ(admin.port, 9443);
  ASSERT_TRUE(admin.auth_token_sha256.has_value());
  EXPECT_EQ(*admin.auth_token_sha256, common::sha256(admin_token));
}

TEST(LoaderValidation, TheTokenFileIsReadWithoutItsLineEndAndKeptOutOfTheContentHash) {
  const test::temp_dir dir;
  sections s;
  s.gateway =
      gateway_with(R"("admin": {"address": "::", "authTokenFile": "secrets/admin-token", )" +
                   std::string(admin_credentials) + "}");
  dir.write("secrets/admin-token", std::string(admin_token) + "\r\n");
  const load_result first = load_string(s.json(), dir.path());
  ASSERT_TRUE(first.doc.has_value()) << all_errors(first);
  ASSERT_TRUE(first.doc->gateway.admin.auth_token_sha256.has_value());
  EXPECT_EQ(*first.doc->gateway.admin.auth_token_sha256, common::sha256(admin_token));
  // Watched by reloadOnFileChange like every file the document names.
  const auto& files = first.doc->source_files;
  EXPECT_NE(std::find(files.begin(), files.end(), (dir.path() / "secrets/admin-token").string()),
            files.end());

  // Another token: another digest, the same content hash (a published metric).
  dir.write("secrets/admin-token", std::string(admin_token) + "-rotated\n");
  const load_result second = load_string(s.json(), dir.path());
  ASSERT_TRUE(second.doc.has_value()) << all_errors(second);
  EXPECT_EQ(*second.doc->gateway.admin.auth_token_sha256,
            common::sha256(std::string(admin_token) + "-rotated"));
  EXPECT_EQ(first.content_sha256_hex, second.content_sha256_hex);

  dir.write("secrets/admin-token", "too-short\n");
  const load_result bad = load_string(s.json(), dir.path());
  ASSERT_EQ(bad.errors.size(), 1u) << all_errors(bad);
  EXPECT_EQ(bad.errors[0].json_path, "gateway.admin.authTokenFile");
  EXPECT_THAT(bad.errors[0].message, HasSubstr("at least 32 characters (it has 9)"));
}

// ---- secrets ----

constexpr const char* secret_a = "SECRET-aaaa-zz91-distinctive";
constexpr const char* secret_b = "SECRET-bbbb-qq72-distinctive";

std::vector<std::string> configs_with_secrets() {
  const std::string a = secret_a;
  const std::string b = secret_b;
  std::vector<std::string> configs;
  sections s;
  s.api_keys = R"([{"id": "k1", "value": ")" + a + R"("}, {"id": "k2", "value": ")" + a + R"("}])";
  configs.push_back(s.json());  // duplicate values
  s = {};
  s.api_keys = R"([{"id": "k1", "value": "SECRET-short"}])";
  configs.push_back(s.json());  // too short
  s = {};
  s.api_keys = R"([{"id": "k1", "value": ")" + a + std::string(120, 'x') + R"("}])";
  configs.push_back(s.json());  // too long
  s = {};
  s.api_keys = R"([{"id": "k1", "value": ")" + a + R"( "}])";
  configs.push_back(s.json());  // trailing space
  s = {};
  s.api_keys = R"([{"id": "k1", "value": ")" + a + R"(", "valueSha256": ")" + b + R"("}])";
  configs.push_back(s.json());  // both, digest malformed
  s = {};
  s.api_keys = R"([{"id": "k1", "value": ")" + a + R"("}])";
  s.usage_plan_keys = R"({"p1": [{"id": "k1", "value": ")" + b + R"("}]})";
  configs.push_back(s.json());  // plan key value differs
  s = {};
  s.api_keys = R"([{"id": "k1", "value": ")" + a +
               R"(", "enabled": "no"}, {"id": "k1", "value": ")" + b + R"("}])";
  configs.push_back(s.json());  // duplicate ids and a type error next to a value
  s = {};
  s.api_keys = R"([{"id": "k1", "value": ")" + a + R"("}])";
  s.usage_plan_keys = R"({"p1": [{"id": ")" + a + R"("}]})";
  configs.push_back(s.json());  // a key's value where its id belongs
  s = {};
  s.usage_plan_keys = R"({"p1": [{"id": ")" + b + R"("}]})";
  configs.push_back(s.json());  // an unknown id of key value length
  s = {};
  s.usage_plan_keys = R"({"p1": [{"id": ")" + b + R"("}], "p9": [{"id": ")" + a + R"("}]})";
  configs.push_back(s.json());  // the same in an unknown plan's list
  s = {};
  s.gateway = gateway_with(R"("admin": {"address": "0.0.0.0", "authToken": "SECRET-short"})");
  configs.push_back(s.json());  // an admin token too short
  s = {};
  s.gateway = gateway_with(R"("admin": {"authToken": ")" + a + R"( with spaces"})");
  configs.push_back(s.json());  // an admin token with characters a bearer token cannot have
  return configs;
}

TEST(LoaderSecrets, NoErrorMessageContainsAKeyValue) {
  for (const std::string& json : configs_with_secrets()) {
    const load_result r = load_string(json);
    ASSERT_FALSE(r.errors.empty()) << json;
    for (const config_error& e : r.errors) {
      const std::string text = e.to_string();
      EXPECT_EQ(text.find("SECRET-"), std::string::npos) << text;
      EXPECT_EQ(text.find("distinctive"), std::string::npos) << text;
    }
  }
}

}  // namespace
}  // namespace ug::config
