// 100,000 API keys in one configuration: all loaded, all attached, ids and
// values where they should be. (Timing lives in bench/bench_config_load.cpp.)
#include "config/loader.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace ug::config {
namespace {

constexpr int key_count = 100'000;

std::string key_id(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "k%09d", i);
  return id;
}

std::string key_value(int i) {
  char value[40];
  std::snprintf(value, sizeof value, "scale-test-key-value-%012d", i);
  return value;
}

std::string large_config() {
  std::string json =
      R"({"gateway": {"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}}}},
    "restApis": [{"id": "api1", "resources": [{"path": "/{proxy+}",
        "resourceMethods": {"ANY": {"apiKeyRequired": true}}}], "stages": [{"stageName": "v1"}]}],
    "usagePlans": [{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}],
        "throttle": {"burstLimit": 10, "rateLimit": 5}, "quota": {"limit": 1000, "period": "DAY"}}],
    "apiKeys": {"items": [)";
  json.reserve(static_cast<std::size_t>(key_count) * 140);
  for (int i = 0; i < key_count; ++i) {
    if (i != 0)
      json += ',';
    json += R"({"id": ")" + key_id(i) + R"(", "name": "client )" + std::to_string(i) +
            R"(", "enabled": true, "value": ")" + key_value(i) + R"("})";
  }
  json += R"(]}, "usagePlanKeys": {"p1": {"items": [)";
  for (int i = 0; i < key_count; ++i) {
    if (i != 0)
      json += ',';
    json += R"({"id": ")" + key_id(i) + R"(", "type": "API_KEY"})";
  }
  json += "]}}}";
  return json;
}

TEST(LoaderScale, HundredThousandKeysLoad) {
  const load_result r = load_string(large_config());
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  ASSERT_TRUE(r.doc.has_value());
  const document& doc = *r.doc;
  ASSERT_EQ(doc.api_keys.size(), static_cast<std::size_t>(key_count));
  ASSERT_EQ(doc.usage_plan_keys.size(), static_cast<std::size_t>(key_count));
  for (const int i : {0, 1, 4'242, 50'000, 99'998, key_count - 1}) {
    const auto index = static_cast<std::size_t>(i);
    EXPECT_EQ(doc.api_keys[index].id, key_id(i));
    EXPECT_EQ(doc.api_keys[index].value, key_value(i));
    EXPECT_EQ(doc.api_keys[index].name, "client " + std::to_string(i));
    EXPECT_TRUE(doc.api_keys[index].enabled);
    EXPECT_EQ(doc.usage_plan_keys[index].key_id, key_id(i));
    EXPECT_EQ(doc.usage_plan_keys[index].usage_plan_id, "p1");
  }
}

TEST(LoaderScale, OneDuplicateAmongHundredThousandIsFound) {
  std::string json = large_config();
  // Give key 77,777 the value of key 12,345.
  const std::string from = key_value(77'777);
  json.replace(json.find(from), from.size(), key_value(12'345));
  const load_result r = load_string(json);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].json_path, "apiKeys.items[77777].value");
  EXPECT_NE(r.errors[0].message.find(key_id(12'345)), std::string::npos);
  EXPECT_EQ(r.errors[0].message.find(key_value(12'345)), std::string::npos);
}

}  // namespace
}  // namespace ug::config
