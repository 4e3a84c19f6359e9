// merge_overlay: one file from a file and the control plane's objects. The
// merged file loads to the same document as the file loaded with the overlay,
// keeps the file's own members, and names the input that is not JSON.
#include "config/merge_overlay.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "tests/config/loader_sections.hpp"

namespace ug::config {
namespace {

using loader_fixture::all_errors;
using ::testing::HasSubstr;

const std::string file_json = R"({
  "gateway": {"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}}},
              "accessLog": "off"},
  "restApis": [{"id": "api1", "resources": [{"id": "r0", "path": "/"}],
                "stages": [{"stageName": "v1"}]}],
  "usagePlans": [{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}],
                  "throttle": {"rateLimit": 10, "burstLimit": 5}}],
  "apiKeys": [{"id": "k1", "enabled": true, "value": "merge-test-file-key-000001"}],
  "usagePlanKeys": {"p1": [{"id": "k1"}]}})";

/// What control_writer::overlay() gives: a key in the file's plan, a new plan
/// with a key of its own.
const overlay state{"control-plane state (/var/lib/usagegate/control.db)", R"({
  "apiKeys": [{"id": "k2", "enabled": true, "value": "merge-test-state-key-00002",
               "tags": {"team": "a \"quoted\" name"}},
              {"id": "k3", "enabled": false, "value": "merge-test-state-key-00003"}],
  "usagePlans": [{"id": "p2", "apiStages": [{"apiId": "api1", "stage": "v1"}],
                  "quota": {"limit": 100, "period": "WEEK", "offset": 2}}],
  "usagePlanKeys": {"p2": [{"id": "k3", "type": "API_KEY"}],
                    "p1": [{"id": "k2", "type": "API_KEY"}]}})"};

/// The memberships, sorted: their order in the document carries no meaning.
std::string plan_keys_of(const document& d) {
  std::vector<std::string> pairs;
  for (const usage_plan_key& m : d.usage_plan_keys)
    pairs.push_back(m.usage_plan_id + ":" + m.key_id + " ");
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const std::string& p : pairs)
    out += p;
  return out;
}

TEST(MergeOverlay, TheMergedFileLoadsToTheDocumentOfFilePlusOverlay) {
  const merge_result merged = merge_overlay(file_json, state);
  ASSERT_TRUE(merged.json.has_value()) << merged.error;
  const load_result alone = load_string(*merged.json);
  const load_result both = load_string(file_json, state);
  ASSERT_TRUE(alone.doc.has_value()) << all_errors(alone) << *merged.json;
  ASSERT_TRUE(both.doc.has_value()) << all_errors(both);
  const document& a = *alone.doc;
  const document& b = *both.doc;
  ASSERT_EQ(a.api_keys.size(), 3u);
  for (std::size_t i = 0; i < a.api_keys.size(); ++i) {
    EXPECT_EQ(a.api_keys[i].id, b.api_keys[i].id);
    EXPECT_EQ(a.api_keys[i].value, b.api_keys[i].value);
    EXPECT_EQ(a.api_keys[i].enabled, b.api_keys[i].enabled);
    EXPECT_EQ(a.api_keys[i].tags, b.api_keys[i].tags);
  }
  EXPECT_EQ(a.api_keys[1].tags.at("team"), "a \"quoted\" name");
  ASSERT_EQ(a.usage_plans.size(), 2u);
  EXPECT_EQ(a.usage_plans[1].id, "p2");
  ASSERT_TRUE(a.usage_plans[1].quota.has_value());
  EXPECT_EQ(a.usage_plans[1].quota->limit, 100);
  EXPECT_EQ(a.usage_plans[1].quota->offset, 2);
  EXPECT_EQ(plan_keys_of(a), plan_keys_of(b));
  EXPECT_EQ(plan_keys_of(a), "p1:k1 p1:k2 p2:k3 ");
  EXPECT_EQ(a.stages.size(), b.stages.size());
  EXPECT_EQ(a.gateway.access_log, "off");
}

TEST(MergeOverlay, KeepsTheFilesMembersInOrderAndWritesOneObjectPerLine) {
  const merge_result merged = merge_overlay(file_json, state);
  ASSERT_TRUE(merged.json.has_value()) << merged.error;
  const std::string& j = *merged.json;
  const std::size_t gateway = j.find("\"gateway\"");
  const std::size_t apis = j.find("\"restApis\"");
  const std::size_t plans = j.find("\"usagePlans\"");
  const std::size_t keys = j.find("\"apiKeys\"");
  const std::size_t members = j.find("\"usagePlanKeys\"");
  EXPECT_LT(gateway, apis);
  EXPECT_LT(apis, plans);
  EXPECT_LT(plans, keys);
  EXPECT_LT(keys, members);
  EXPECT_NE(j.find("\n    {\"id\":\"k2\""), std::string::npos) << j;
  EXPECT_EQ(j.back(), '\n');
}

TEST(MergeOverlay, AFileWithoutListsGetsTheOverlaysLists) {
  const merge_result merged = merge_overlay(
      R"({"gateway": {"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}}}},
                       "restApis": [{"id": "api1", "resources": [{"id": "r0", "path": "/"}],
                                     "stages": [{"stageName": "v1"}]}]})",
      overlay{"state", R"({"apiKeys": [{"id": "k9", "value": "merge-test-state-key-00009"}],
                                        "usagePlans": [{"id": "p9", "apiStages": [{"apiId": "api1", "stage": "v1"}]}],
                                        "usagePlanKeys": {"p9": [{"id": "k9", "type": "API_KEY"}]}})"});
  ASSERT_TRUE(merged.json.has_value()) << merged.error;
  const load_result r = load_string(*merged.json);
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r) << *merged.json;
  EXPECT_EQ(plan_keys_of(*r.doc), "p9:k9 ");
}

TEST(MergeOverlay, TheAccountOfTheStoreJoinsAFileWithoutOne) {
  const merge_result merged = merge_overlay(
      file_json,
      overlay{"state", R"({"account": {"cloudwatchRoleArn": "arn:aws:iam::1:role/x"}})"});
  ASSERT_TRUE(merged.json.has_value()) << merged.error;
  const load_result r = load_string(*merged.json);
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r) << *merged.json;
  ASSERT_TRUE(r.doc->account.has_value());
  EXPECT_EQ(r.doc->account->cloudwatch_role_arn, "arn:aws:iam::1:role/x");
  // Both setting it is refused by export and by the loader alike.
  const std::string with_account = R"({"account": {"cloudwatchRoleArn": "a"}})";
  EXPECT_FALSE(merge_overlay(with_account, overlay{"state", with_account}).json.has_value());
  const load_result both = load_string(with_account, overlay{"state", with_account});
  ASSERT_FALSE(both.doc.has_value());
  EXPECT_NE(all_errors(both).find("the account is set by the configuration file already"),
            std::string::npos);
}

TEST(MergeOverlay, AnEmptyStoreGivesTheFileBackAndNoFileGivesTheStore) {
  const merge_result same = merge_overlay(file_json, overlay{});
  ASSERT_TRUE(same.json.has_value()) << same.error;
  const load_result r = load_string(*same.json);
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(plan_keys_of(*r.doc), "p1:k1 ");

  const merge_result only_state = merge_overlay("", state);
  ASSERT_TRUE(only_state.json.has_value()) << only_state.error;
  EXPECT_NE(only_state.json->find("\"k3\""), std::string::npos);
  EXPECT_EQ(merge_overlay("", overlay{}).json, "{}\n");
}

TEST(MergeOverlay, NamesTheInputThatIsNotAJsonObject) {
  EXPECT_THAT(merge_overlay("{\"gateway\": ", state).error,
              HasSubstr("the configuration file is not valid JSON"));
  EXPECT_THAT(merge_overlay("[1]", state).error,
              HasSubstr("the configuration file is not a JSON object"));
  EXPECT_THAT(merge_overlay(R"({"apiKeys": {}})", state).error,
              HasSubstr("the configuration file: apiKeys is not a list"));
  EXPECT_THAT(merge_overlay(R"({"usagePlanKeys": []})", state).error,
              HasSubstr("usagePlanKeys is not an object of lists"));
  EXPECT_THAT(merge_overlay(file_json, overlay{"control.db", "{\"apiKeys\": 1}"}).error,
              HasSubstr("control.db: apiKeys is not a list"));
  EXPECT_THAT(merge_overlay(file_json, overlay{"control.db", "{\"stages\": []}"}).error,
              HasSubstr("control.db: unexpected member stages"));
  EXPECT_FALSE(merge_overlay(file_json, overlay{"control.db", "nope"}).json.has_value());
}

}  // namespace
}  // namespace ug::config
