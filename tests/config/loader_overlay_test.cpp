// load_file / load_string with an overlay (the control plane's objects): its
// objects join the file's and are validated with them; its errors name it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/sha256.hpp"
#include "config/loader.hpp"
#include "tests/config/loader_sections.hpp"
#include "tests/support/process.hpp"  // temp_dir

namespace ug::config {
namespace {

using loader_fixture::all_errors;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string state_name = "control-plane state (/var/lib/usagegate/control.db)";

/// API api1 with stages v1 and v2; plan p1 on api1/v1 with key k1.
const std::string file_json = R"({
  "gateway": {"stages": {
    "api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}},
    "api1/v2": {"upstream": {"url": "http://127.0.0.1:9001"}}}},
  "restApis": [{"id": "api1", "resources": [{"id": "r0", "path": "/"}],
                "stages": [{"stageName": "v1"}, {"stageName": "v2"}]}],
  "usagePlans": [{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}]}],
  "apiKeys": [{"id": "k1", "enabled": true, "value": "overlay-test-file-key-00001"}],
  "usagePlanKeys": {"p1": [{"id": "k1"}]}})";

/// The overlay's api2 with stage s (its upstream is in the file).
const std::string overlay_api =
    R"([{"id": "api2", "resources": [{"id": "q0", "path": "/"}], "stages": [{"stageName": "s"}]}])";

/// file_json with gateway.stages["api2/s"], the upstream of a stage only
/// the overlay defines (without it the file alone does not load).
std::string file_with_api2() {
  std::string file = file_json;
  const std::string from = R"("api1/v2": {"upstream": {"url": "http://127.0.0.1:9001"}})";
  file.replace(file.find(from), from.size(),
               from + R"(, "api2/s": {"upstream": {"url": "http://127.0.0.1:9002"}})");
  return file;
}

load_result load_with(const std::string& state) {
  return load_string(file_json, overlay{state_name, state});
}

const config_error* find_error(const load_result& r, const std::string& path) {
  for (const config_error& e : r.errors)
    if (e.json_path == path)
      return &e;
  return nullptr;
}

TEST(LoaderOverlay, ObjectsAreAddedAfterTheFilesOwn) {
  const load_result r =
      load_string(file_with_api2(), overlay{state_name, R"({"restApis": )" + overlay_api + R"(,
      "usagePlans": [{"id": "p2", "apiStages": [{"apiId": "api2", "stage": "s"}]}],
      "apiKeys": [{"id": "k2", "value": "overlay-test-state-key-0002"}],
      "usagePlanKeys": {"p2": [{"id": "k2", "type": "API_KEY"}]}})"});
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const document& doc = *r.doc;
  ASSERT_EQ(doc.rest_apis.size(), 2u);
  EXPECT_EQ(doc.rest_apis[0].id, "api1");
  EXPECT_EQ(doc.rest_apis[1].id, "api2");
  ASSERT_EQ(doc.rest_apis[1].resources.size(), 1u);
  EXPECT_EQ(doc.rest_apis[1].resources[0].id, "q0");
  ASSERT_EQ(doc.stages.size(), 3u);
  EXPECT_EQ(doc.stages[2].api_id, "api2");
  EXPECT_EQ(doc.stages[2].stage_name, "s");
  // Linked to the file's gateway.stages entry like a stage of the file.
  EXPECT_EQ(doc.stages[2].base_path, "/s");
  EXPECT_EQ(doc.stages[2].upstream.port, 9002);
  ASSERT_EQ(doc.usage_plans.size(), 2u);
  EXPECT_EQ(doc.usage_plans[1].id, "p2");
  ASSERT_EQ(doc.api_keys.size(), 2u);
  EXPECT_EQ(doc.api_keys[1].id, "k2");
  EXPECT_FALSE(doc.api_keys[1].enabled);
  ASSERT_EQ(doc.usage_plan_keys.size(), 2u);
  EXPECT_EQ(doc.usage_plan_keys[1].usage_plan_id, "p2");
  EXPECT_EQ(doc.usage_plan_keys[1].key_id, "k2");
}

TEST(LoaderOverlay, ReferencesCrossInBothDirections) {
  // Overlay -> file: a plan on the file's api1/v2, the overlay's key in the
  // file's plan p1. File -> overlay: the file's key k1 in the overlay's plan
  // p3, gateway.stages["api2/s"] for the overlay's stage.
  const std::string state = R"({"restApis": )" + overlay_api + R"(,
      "usagePlans": [{"id": "p2", "apiStages": [{"apiId": "api1", "stage": "v2"}]},
                     {"id": "p3", "apiStages": [{"apiId": "api2", "stage": "s"}]}],
      "apiKeys": [{"id": "k2", "value": "overlay-test-state-key-0002"}],
      "usagePlanKeys": {"p1": [{"id": "k2"}], "p2": [{"id": "k1"}], "p3": [{"id": "k1"}]}})";
  const load_result r = load_string(file_with_api2(), overlay{state_name, state});
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(r.doc->usage_plan_keys.size(), 4u);
  // Without the overlay, the file's reference to its stage has nothing to name.
  const load_result alone = load_string(file_with_api2());
  EXPECT_FALSE(alone.doc.has_value());
  EXPECT_THAT(all_errors(alone), HasSubstr("names REST API 'api2', which is not in restApis"));

  // And the file naming the overlay's plan in its own usagePlanKeys.
  std::string file = file_with_api2();
  const std::string from = R"("usagePlanKeys": {"p1": [{"id": "k1"}]})";
  file.replace(file.find(from), from.size(),
               R"("usagePlanKeys": {"p1": [{"id": "k1"}], "p3": [{"id": "k1"}]})");
  const load_result back =
      load_string(file, overlay{state_name, R"({"restApis": )" + overlay_api + R"(, "usagePlans": [
          {"id": "p3", "apiStages": [{"apiId": "api2", "stage": "s"}]}]})"});
  ASSERT_TRUE(back.doc.has_value()) << all_errors(back);
}

TEST(LoaderOverlay, AReferenceToWhatNeitherHasIsAnErrorInTheOverlay) {
  const load_result r = load_with(R"({"usagePlans": [
      {"id": "p2", "apiStages": [{"apiId": "api1", "stage": "nope"}]}],
      "usagePlanKeys": {"p1": [{"id": "k9"}]}})");
  EXPECT_FALSE(r.doc.has_value());
  const config_error* stage = find_error(r, "usagePlans[0].apiStages[0]");
  ASSERT_NE(stage, nullptr) << all_errors(r);
  EXPECT_EQ(stage->file, state_name);
  EXPECT_THAT(stage->message, HasSubstr("has no stage 'nope'"));
  const config_error* key = find_error(r, "usagePlanKeys.p1[0].id");
  ASSERT_NE(key, nullptr) << all_errors(r);
  EXPECT_EQ(key->file, state_name);
}

TEST(LoaderOverlay, AnIdUsedByBothIsAnErrorInTheOverlay) {
  const load_result r = load_with(R"({
      "restApis": [{"id": "api1"}],
      "usagePlans": [{"id": "p1"}],
      "apiKeys": [{"id": "k1", "value": "overlay-test-state-key-0002"},
                  {"id": "k3", "value": "overlay-test-file-key-00001"}]})");
  EXPECT_FALSE(r.doc.has_value());
  for (const char* path : {"restApis[0].id", "usagePlans[0].id", "apiKeys[0].id"}) {
    const config_error* e = find_error(r, path);
    ASSERT_NE(e, nullptr) << path << "\n" << all_errors(r);
    EXPECT_EQ(e->file, state_name) << path;
    EXPECT_THAT(e->message, HasSubstr("is used twice (first at "));
  }
  EXPECT_THAT(find_error(r, "apiKeys[0].id")->message, HasSubstr("(first at apiKeys[0])"));
  const config_error* value = find_error(r, "apiKeys[1].value");
  ASSERT_NE(value, nullptr) << all_errors(r);
  EXPECT_EQ(value->file, state_name);
  EXPECT_THAT(value->message, HasSubstr("has the same value as API key 'k1'"));
  EXPECT_THAT(all_errors(r), ::testing::Not(HasSubstr("overlay-test-file-key-00001")));
}

TEST(LoaderOverlay, ADuplicateInsideTheOverlayPointsAtItsFirstPlaceThere) {
  const load_result r = load_with(R"({"apiKeys": [
      {"id": "k2", "value": "overlay-test-state-key-0002"},
      {"id": "k2", "value": "overlay-test-state-key-0003"}]})");
  const config_error* e = find_error(r, "apiKeys[1].id");
  ASSERT_NE(e, nullptr) << all_errors(r);
  EXPECT_EQ(e->file, state_name);
  EXPECT_THAT(e->message, HasSubstr("(first at apiKeys[0] in " + state_name + ")"));
}

TEST(LoaderOverlay, OnePlanPerStageHoldsAcrossTheTwo) {
  // The file's k1 is in p1 on api1/v1; the overlay puts it in p2 on api1/v1.
  const load_result r = load_with(R"({
      "usagePlans": [{"id": "p2", "apiStages": [{"apiId": "api1", "stage": "v1"}]}],
      "usagePlanKeys": {"p2": [{"id": "k1"}]}})");
  EXPECT_FALSE(r.doc.has_value());
  const config_error* e = find_error(r, "usagePlanKeys.p2[0].id");
  ASSERT_NE(e, nullptr) << all_errors(r);
  EXPECT_EQ(e->file, state_name);
  EXPECT_THAT(e->message, HasSubstr("AWS allows a key in only one usage plan per API stage"));

  // The overlay's key in the overlay's plan p2 and, from the overlay, in the
  // file's p1, both on api1/v1.
  const load_result both = load_with(R"({
      "usagePlans": [{"id": "p2", "apiStages": [{"apiId": "api1", "stage": "v1"}]}],
      "apiKeys": [{"id": "k2", "value": "overlay-test-state-key-0002"}],
      "usagePlanKeys": {"p2": [{"id": "k2"}], "p1": [{"id": "k2"}]}})");
  EXPECT_FALSE(both.doc.has_value());
  EXPECT_THAT(all_errors(both), HasSubstr("only one usage plan per API stage"));

  // A key listed for the same plan by both is listed twice.
  const load_result twice = load_with(R"({"usagePlanKeys": {"p1": [{"id": "k1"}]}})");
  const config_error* dup = find_error(twice, "usagePlanKeys.p1[0].id");
  ASSERT_NE(dup, nullptr) << all_errors(twice);
  EXPECT_EQ(dup->file, state_name);
  EXPECT_THAT(dup->message, HasSubstr("is listed twice for usage plan 'p1'"));
}

TEST(LoaderOverlay, ErrorsInsideTheOverlayNameItAndItsPaths) {
  const load_result r = load_with(R"({"apiKeys": [{"id": "k2", "value": "short"}],
      "usagePlans": [{"id": "p2", "quota": {"limit": 5, "period": "YEAR"}}]})");
  EXPECT_FALSE(r.doc.has_value());
  const config_error* value = find_error(r, "apiKeys[0].value");
  ASSERT_NE(value, nullptr) << all_errors(r);
  EXPECT_EQ(value->file, state_name);
  EXPECT_EQ(value->to_string(), state_name + ": apiKeys[0].value: " + value->message);
  const config_error* period = find_error(r, "usagePlans[0].quota.period");
  ASSERT_NE(period, nullptr) << all_errors(r);
  EXPECT_EQ(period->file, state_name);
  // Nothing is blamed on the file.
  for (const config_error& e : r.errors)
    EXPECT_EQ(e.file, state_name) << e.to_string();
}

TEST(LoaderOverlay, SyntaxErrorsNameTheOverlay) {
  const load_result r = load_with("{\n  \"apiKeys\": [\n}");
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].file, state_name);
  EXPECT_EQ(r.errors[0].json_path, "$");
  EXPECT_THAT(r.errors[0].message, HasSubstr("line 3"));
  const load_result array = load_with("[]");
  ASSERT_EQ(array.errors.size(), 1u) << all_errors(array);
  EXPECT_EQ(array.errors[0].file, state_name);
  EXPECT_THAT(array.errors[0].message, HasSubstr("must be an object"));
}

TEST(LoaderOverlay, ErrorsOfBothAreReportedTogether) {
  const load_result r = load_string("{\"apiKeys\": [", overlay{state_name, "{\"usagePlans\": 5}"});
  EXPECT_FALSE(r.doc.has_value());
  ASSERT_EQ(r.errors.size(), 2u) << all_errors(r);
  EXPECT_EQ(r.errors[0].file, "");
  EXPECT_EQ(r.errors[1].file, state_name);
  EXPECT_EQ(r.errors[1].json_path, "usagePlans");
}

TEST(LoaderOverlay, GatewaySettingsInTheOverlayAreRefused) {
  const load_result r = load_with(R"({"gateway": {"listener": {"port": 1}}})");
  EXPECT_FALSE(r.doc.has_value());
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].file, state_name);
  EXPECT_EQ(r.errors[0].json_path, "gateway");
  EXPECT_THAT(r.errors[0].message, HasSubstr("only from the configuration file"));
  const load_result schema = load_with(R"({"$schema": "x"})");
  ASSERT_EQ(schema.errors.size(), 1u) << all_errors(schema);
  EXPECT_EQ(schema.errors[0].json_path, "$schema");
  EXPECT_THAT(schema.errors[0].message, HasSubstr("unknown field"));
}

TEST(LoaderOverlay, TheOverlayMayNotNameFiles) {
  const test::temp_dir dir;
  dir.write("keys.json", R"([{"id": "k2", "value": "overlay-test-state-key-0002"}])");
  const load_result r =
      load_string(file_json, overlay{state_name, R"({"apiKeys": "keys.json"})"}, dir.path());
  EXPECT_FALSE(r.doc.has_value());
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].file, state_name);
  EXPECT_EQ(r.errors[0].json_path, "apiKeys");
  EXPECT_THAT(r.errors[0].message, HasSubstr("give the objects inline"));
}

TEST(LoaderOverlay, AnEmptyOverlayChangesNothing) {
  const load_result plain = load_string(file_json);
  ASSERT_TRUE(plain.doc.has_value()) << all_errors(plain);
  // The last is what a store without rows gives.
  for (const std::string empty : {"", " \n\t", "{}", " { } \n", R"({"restApis": {"items": []}})",
                                  R"({"apiKeys":[],"usagePlans":[],"usagePlanKeys":{}})"}) {
    SCOPED_TRACE("overlay '" + empty + "'");
    const load_result r = load_with(empty);
    ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
    EXPECT_EQ(r.content_sha256_hex, plain.content_sha256_hex);
    EXPECT_EQ(r.doc->api_keys.size(), plain.doc->api_keys.size());
    EXPECT_EQ(r.doc->usage_plans.size(), plain.doc->usage_plans.size());
    EXPECT_EQ(r.doc->source_files, plain.doc->source_files);
  }
}

TEST(LoaderOverlay, TheContentHashCoversTheOverlay) {
  const std::string state =
      R"({"apiKeys": [{"id": "k2", "value": "overlay-test-state-key-0002"}]})";
  const load_result r = load_with(state);
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(r.content_sha256_hex, common::to_hex(common::sha256(file_json + state)));
  const load_result other =
      load_with(R"({"apiKeys": [{"id": "k2", "value": "overlay-test-state-key-0003"}]})");
  EXPECT_NE(other.content_sha256_hex, r.content_sha256_hex);
  // An error is content too: the hash says which bytes were judged.
  EXPECT_EQ(load_with("{\"apiKeys\": 1}").content_sha256_hex,
            common::to_hex(common::sha256(file_json + "{\"apiKeys\": 1}")));
}

TEST(LoaderOverlay, SourceFilesStayTheFilesOwn) {
  const test::temp_dir dir;
  std::string file = file_json;
  const std::string from =
      R"("apiKeys": [{"id": "k1", "enabled": true, "value": "overlay-test-file-key-00001"}])";
  file.replace(file.find(from), from.size(), R"("apiKeys": "keys.json")");
  dir.write("keys.json", R"([{"id": "k1", "value": "overlay-test-file-key-00001"}])");
  const auto main = dir.write("gw.json", file);
  const load_result r = load_file(
      main, overlay{state_name,
                    R"({"apiKeys": [{"id": "k2", "value": "overlay-test-state-key-0002"}]})"});
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_THAT(r.doc->source_files, ElementsAre(main.string(), (dir.path() / "keys.json").string()));
  EXPECT_EQ(r.doc->api_keys.size(), 2u);
  // load_file without an overlay is the same load as with an empty one.
  const load_result alone = load_file(main);
  ASSERT_TRUE(alone.doc.has_value()) << all_errors(alone);
  EXPECT_EQ(alone.content_sha256_hex, load_file(main, overlay{state_name, ""}).content_sha256_hex);
}

TEST(LoaderOverlay, AnOverlayWithoutANameIsStillNotTheMainFile) {
  const load_result r = load_string(file_json, overlay{"", R"({"apiKeys": 1})"});
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_FALSE(r.errors[0].file.empty());
}

}  // namespace
}  // namespace ug::config
