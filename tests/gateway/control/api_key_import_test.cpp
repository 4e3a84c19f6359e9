// ImportApiKeys over a document: the columns AWS's key file format defines,
// defaults, re-import overwriting, plans joined, a line with a problem turned
// into a warning naming it, failonwarnings refusing the whole file.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "config/loader.hpp"
#include "gateway/control/control_plane.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::string_view config_json = R"({
  "gateway": {"stages": {"api0000001/v1": {"upstream": {"url": "http://127.0.0.1:1"}}}},
  "restApis": [{"id": "api0000001", "name": "ai_api",
    "resources": [{"id": "root01", "path": "/"}], "stages": [{"stageName": "v1"}]}],
  "usagePlans": [{"id": "gold01", "name": "gold",
                  "apiStages": [{"apiId": "api0000001", "stage": "v1"}]},
                 {"id": "free01", "name": "free"}],
  "apiKeys": [{"id": "filekey001", "name": "file", "enabled": true,
               "value": "file-key-value-0000000001"}]
})";

std::string message(std::string_view text) {
  return "{\"message\":\"" + std::string(text) + "\"}";
}

class ApiKeyImport : public ::testing::Test {
 protected:
  void SetUp() override {
    config::load_result loaded = config::load_string(config_json);
    ASSERT_TRUE(loaded.doc) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    doc_ = std::move(*loaded.doc);
  }

  /// POST /apikeys?mode=import&<query> with `csv`; what it touched joins `owned_`.
  control_response import(std::string_view csv, std::string query = "format=csv") {
    control_request r;
    r.method = "POST";
    r.path = "/apikeys";
    const std::string q = "mode=import&" + query;
    r.query = q;
    r.body = csv;
    object_set touched;
    write_state state{doc_, owned_, touched, 1'700'000'000, nullptr};
    control_response answer = handle_write(r, state);
    if (answer.status < 300)
      owned_.insert(touched.begin(), touched.end());
    return answer;
  }

  const config::api_key* key_by_value(std::string_view value) const {
    for (const config::api_key& k : doc_.api_keys) {
      if (k.value && *k.value == value)
        return &k;
    }
    return nullptr;
  }

  bool in_plan(std::string_view plan, std::string_view key_id) const {
    for (const config::usage_plan_key& pk : doc_.usage_plan_keys) {
      if (pk.usage_plan_id == plan && pk.key_id == key_id)
        return true;
    }
    return false;
  }

  simdjson::dom::element json(const control_response& r) {
    simdjson::dom::element e;
    EXPECT_EQ(parser_.parse(r.body).get(e), simdjson::SUCCESS) << r.body;
    return e;
  }

  config::document doc_;
  object_set owned_;
  simdjson::dom::parser parser_;
};

TEST_F(ApiKeyImport, ImportsEveryColumnWithAwsDefaults) {
  const control_response r = import(
      "name,KEY,Description,Enabled,UsagePlanIds,Extra\n"
      "alice,alice-import-value-000001,first,false,\"gold01, free01\",ignored\n"
      "bob,bob-import-value-00000001\n");
  ASSERT_EQ(r.status, 201u) << r.body;
  const simdjson::dom::element answer = json(r);
  ASSERT_EQ(answer["ids"].get_array().size(), 2u) << r.body;
  EXPECT_EQ(answer["warnings"].get_array().size(), 0u) << r.body;
  const config::api_key* alice = key_by_value("alice-import-value-000001");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(std::string_view(answer["ids"].at(0)), alice->id);
  EXPECT_EQ(alice->id.size(), 10u);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->description, "first");
  EXPECT_FALSE(alice->enabled);
  EXPECT_EQ(alice->created_date_s, 1'700'000'000);
  EXPECT_TRUE(in_plan("gold01", alice->id));
  EXPECT_TRUE(in_plan("free01", alice->id));
  const config::api_key* bob = key_by_value("bob-import-value-00000001");
  ASSERT_NE(bob, nullptr);
  EXPECT_TRUE(bob->enabled);
  EXPECT_EQ(bob->description, "");
  EXPECT_TRUE(owned_.contains(object_ref{object_kind::api_key, bob->id}));
}

TEST_F(ApiKeyImport, ReimportingAValueOverwritesItsKey) {
  ASSERT_EQ(import("Key,Name\nsame-import-value-0000001,before\n").status, 201u);
  const std::string id = key_by_value("same-import-value-0000001")->id;
  const control_response again =
      import("Key,Name,Enabled,UsagePlanIds\nsame-import-value-0000001,after,false,gold01\n");
  ASSERT_EQ(again.status, 201u) << again.body;
  EXPECT_EQ(std::string_view(json(again)["ids"].at(0)), id);
  const config::api_key* key = key_by_value("same-import-value-0000001");
  EXPECT_EQ(key->id, id);
  EXPECT_EQ(key->name, "after");
  EXPECT_FALSE(key->enabled);
  EXPECT_TRUE(in_plan("gold01", id));
  // Joining a plan it is in already is no warning.
  const control_response third =
      import("Key,Name,UsagePlanIds\nsame-import-value-0000001,after,gold01\n");
  EXPECT_EQ(json(third)["warnings"].get_array().size(), 0u) << third.body;
}

TEST_F(ApiKeyImport, ALineWithAProblemIsAWarningNamingIt) {
  const control_response r = import(
      "Key,Name,Enabled,UsagePlanIds\n"
      "short,a\n"
      "good-import-value-0000001,b,maybe\n"
      "good-import-value-0000002,c,true,nope01\n"
      "file-key-value-0000000001,d\n"
      "good-import-value-0000003,e\n");
  ASSERT_EQ(r.status, 201u) << r.body;
  const simdjson::dom::element answer = json(r);
  EXPECT_EQ(answer["ids"].get_array().size(), 1u) << r.body;
  std::vector<std::string> warnings;
  for (simdjson::dom::element w : answer["warnings"].get_array())
    warnings.emplace_back(std::string_view(w));
  EXPECT_EQ(warnings, (std::vector<std::string>{
                          "Line 2: API Key value should be at least 20 characters",
                          "Line 3: Enabled must be true or false, not 'maybe'",
                          "Line 4: Invalid Usage Plan ID specified: nope01",
                          "Line 5: API Key filekey001 has this value and is defined in the "
                          "config file: it is left as it is"}));
  EXPECT_EQ(key_by_value("good-import-value-0000001"), nullptr);
  EXPECT_EQ(key_by_value("file-key-value-0000000001")->name, "file");
  EXPECT_NE(key_by_value("good-import-value-0000003"), nullptr);
}

TEST_F(ApiKeyImport, FailOnWarningsRefusesTheWholeFile) {
  const control_response r =
      import("Key,Name\ngood-import-value-0000001,a\nshort,b\n", "format=csv&failonwarnings=true");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.body, message("No API key was imported (failonwarnings): Line 3: API Key value "
                            "should be at least 20 characters"));
  EXPECT_TRUE(owned_.empty());
}

TEST_F(ApiKeyImport, FilesItCannotReadAreA400) {
  EXPECT_EQ(import("Key,Name\n", "format=json").body,
            message("Invalid format specified: ImportApiKeys reads format=csv only"));
  EXPECT_EQ(import("Key,Name\n", "").status, 400u);
  EXPECT_EQ(import("").body, message("Invalid API key file: it is empty (the first line names "
                                     "the columns, Key and Name among them)"));
  EXPECT_EQ(import("Key,Description\nk,d\n").body,
            message("Invalid API key file: the first line must name the Key and Name columns"));
  EXPECT_EQ(import("Key,Name\n\"open,x\n").body,
            message("Invalid API key file: Line 2: a quoted field is never closed"));
}

}  // namespace
}  // namespace ug::gateway::control
