// The loader on valid input: every shipped example, the mapping into the
// document, the AWS CLI wrappers, file references, the content hash.
#include "config/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace ug::config {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path source_dir = UG_SOURCE_DIR;
const fs::path examples = source_dir / "config" / "examples";
const fs::path data = source_dir / "tests" / "data" / "config";

std::string all_errors(const load_result& r) {
  std::string text;
  for (const config_error& e : r.errors)
    text += e.to_string() + "\n";
  return text;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const stage& find_stage(const document& doc, const std::string& name) {
  for (const stage& s : doc.stages)
    if (s.stage_name == name)
      return s;
  throw std::runtime_error("no stage " + name);
}

const resource& find_resource(const rest_api& api, const std::string& path) {
  for (const resource& r : api.resources)
    if (r.path == path)
      return r;
  throw std::runtime_error("no resource " + path);
}

TEST(Loader, EveryShippedExampleLoads) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(examples))
    if (entry.path().extension() == ".json")
      files.push_back(entry.path());
  files.push_back(examples / "aws-cli" / "usagegate.json");
  ASSERT_GE(files.size(), 5u);
  for (const fs::path& file : files) {
    const load_result r = load_file(file);
    EXPECT_TRUE(r.doc.has_value()) << file << "\n" << all_errors(r);
    EXPECT_EQ(r.content_sha256_hex.size(), 64u) << file;
  }
}

TEST(Loader, ScenarioAMapsIntoTheDocument) {
  const load_result r = load_file(examples / "scenario-a-weekly.json");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const document& doc = *r.doc;
  ASSERT_EQ(doc.rest_apis.size(), 1u);
  const resource& endpoint = find_resource(doc.rest_apis[0], "/endpoint");
  ASSERT_EQ(endpoint.methods.size(), 1u);
  EXPECT_EQ(endpoint.methods[0].http_method, "GET");
  EXPECT_TRUE(endpoint.methods[0].api_key_required);

  const stage& v1 = find_stage(doc, "v1");
  EXPECT_EQ(v1.api_id, "scenarioaa");
  EXPECT_EQ(v1.base_path, "/v1");  // default: "/" + stageName
  EXPECT_EQ(v1.upstream.host, "127.0.0.1");
  EXPECT_EQ(v1.upstream.port, 18000);
  EXPECT_EQ(v1.upstream.base_path, "");
  EXPECT_EQ(v1.method_settings.at("*/*").throttling_burst_limit, 5);
  EXPECT_EQ(v1.method_settings.at("*/*").throttling_rate_limit, 10.0);

  ASSERT_EQ(doc.usage_plans.size(), 1u);
  const usage_plan& plan = doc.usage_plans[0];
  EXPECT_EQ(plan.id, "weekly");
  ASSERT_TRUE(plan.throttle && plan.quota);
  EXPECT_EQ(plan.throttle->burst_limit, 5);
  EXPECT_EQ(plan.throttle->rate_limit, 10.0);
  EXPECT_EQ(plan.quota->limit, 1000);
  EXPECT_EQ(plan.quota->offset, 0);
  EXPECT_EQ(plan.quota->period, limiter::quota_period::week);
  ASSERT_EQ(plan.api_stages.size(), 1u);
  EXPECT_EQ(plan.api_stages[0].api_id, "scenarioaa");
  EXPECT_EQ(plan.api_stages[0].stage, "v1");

  ASSERT_EQ(doc.api_keys.size(), 1u);
  EXPECT_TRUE(doc.api_keys[0].enabled);
  EXPECT_EQ(doc.api_keys[0].value, "scenario-a-key-0000000000001");
  ASSERT_EQ(doc.usage_plan_keys.size(), 1u);
  EXPECT_EQ(doc.usage_plan_keys[0].usage_plan_id, "weekly");
  EXPECT_EQ(doc.usage_plan_keys[0].key_id, "keyscena01");
  EXPECT_EQ(doc.gateway.quota_offset_meaning, limiter::offset_meaning::start_day);
}

TEST(Loader, ScenarioBUsesInitialRequests) {
  const load_result r = load_file(examples / "scenario-b-daily-offset.json");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(r.doc->gateway.quota_offset_meaning, limiter::offset_meaning::initial_requests);
  const usage_plan& plan = r.doc->usage_plans.at(0);
  EXPECT_EQ(plan.quota->period, limiter::quota_period::day);
  EXPECT_EQ(plan.quota->offset, 1);
  EXPECT_EQ(plan.throttle->burst_limit, 20);
  EXPECT_EQ(find_stage(*r.doc, "prod").base_path, "/prod");
}

TEST(Loader, ScenarioBUnderStartDayIsRejectedWithBothMeaningsExplained) {
  std::string text = read_text(examples / "scenario-b-daily-offset.json");
  const std::string from = "\"initialRequests\"";
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "\"startDay\"");
  const load_result r = load_string(text, examples);
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  const config_error& e = r.errors[0];
  EXPECT_EQ(e.json_path, "usagePlans[0].quota.offset");
  EXPECT_THAT(e.message, HasSubstr("the day a period starts"));
  EXPECT_THAT(e.message, HasSubstr("number of requests subtracted from the limit"));
  EXPECT_THAT(e.message, HasSubstr("set gateway.quotaOffsetMeaning to \"initialRequests\""));
}

TEST(Loader, DemoServesBothScenariosAndOpenAiRoutes) {
  const load_result r = load_file(examples / "demo.json");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const document& doc = *r.doc;
  EXPECT_EQ(doc.gateway.listener.address, "127.0.0.1");
  EXPECT_EQ(doc.gateway.listener.port, 8080);
  EXPECT_EQ(doc.gateway.admin.port, 9080);
  EXPECT_EQ(doc.gateway.state_directory, "");
  EXPECT_EQ(doc.gateway.quota_offset_meaning, limiter::offset_meaning::initial_requests);
  EXPECT_EQ(find_stage(doc, "v1").base_path, "/v1");
  EXPECT_EQ(find_stage(doc, "prod").base_path, "/prod");
  const resource& chat = find_resource(doc.rest_apis.at(0), "/chat/completions");
  EXPECT_EQ(chat.methods.at(0).http_method, "POST");
  EXPECT_TRUE(chat.methods.at(0).api_key_required);
  EXPECT_EQ(find_resource(doc.rest_apis.at(0), "/models").methods.at(0).http_method, "GET");
  for (const api_key& key : doc.api_keys)
    EXPECT_GE(key.value->size(), 20u);
}

TEST(Loader, AwsCliExportDropsInAsIs) {
  const load_result r = load_file(examples / "aws-cli" / "usagegate.json");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const document& doc = *r.doc;
  EXPECT_EQ(doc.gateway.listener.address, "0.0.0.0");
  EXPECT_EQ(doc.rest_apis.at(0).resources.size(), 5u);
  const stage& prod = find_stage(doc, "prod");
  EXPECT_EQ(prod.upstream.response_timeout_ms, 600000);
  EXPECT_EQ(prod.method_settings.at("~1v1~1chat~1completions/POST").throttling_burst_limit, 50);
  ASSERT_EQ(doc.usage_plans.size(), 2u);
  EXPECT_EQ(doc.usage_plans[0].api_stages.at(0).throttle.at("/v1/chat/completions/POST").rate_limit,
            1.0);
  EXPECT_EQ(doc.usage_plans[1].quota->period, limiter::quota_period::week);
  ASSERT_EQ(doc.api_keys.size(), 3u);
  EXPECT_FALSE(doc.api_keys[2].enabled);
  EXPECT_EQ(doc.api_keys[0].customer_id, "alice@example.com");
  EXPECT_EQ(doc.usage_plan_keys.size(), 3u);
}

TEST(Loader, FileReferencesResolveRelativeToTheNamingFile) {
  const load_result r = load_file(data / "refs" / "usagegate.json");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const document& doc = *r.doc;
  ASSERT_EQ(doc.rest_apis.size(), 1u);
  // resources.json and stages.json are named by apis/rest-apis.json and live next to it.
  EXPECT_EQ(doc.rest_apis[0].resources.size(), 3u);
  EXPECT_EQ(find_resource(doc.rest_apis[0], "/pets").methods.size(), 2u);
  const stage& live = find_stage(doc, "live");
  EXPECT_EQ(live.api_id, "refapi0001");
  EXPECT_EQ(live.base_path, "/live");
  EXPECT_EQ(live.upstream.url, "http://127.0.0.1:9100/base/");
  EXPECT_EQ(live.upstream.port, 9100);
  EXPECT_EQ(live.upstream.base_path, "/base");
  EXPECT_EQ(live.upstream.pool_size, 8u);
  EXPECT_EQ(live.upstream.host_header, "llm.internal");
  EXPECT_TRUE(live.upstream.forward_api_key);
  // "pets/GET" is how AWS prints a setting patched as /pets/GET; stored escaped.
  EXPECT_EQ(live.method_settings.at("~1pets/GET").throttling_rate_limit, 5.5);
  EXPECT_EQ(doc.usage_plans.size(), 2u);
  EXPECT_EQ(doc.usage_plans[0].quota->offset, 3);
  EXPECT_EQ(doc.usage_plans[0].api_stages[0].throttle.at("/pets/{id}/GET").burst_limit, 2);
  ASSERT_EQ(doc.api_keys.size(), 2u);
  ASSERT_TRUE(doc.api_keys[1].value_sha256.has_value());
  EXPECT_FALSE(doc.api_keys[1].value.has_value());
  EXPECT_EQ(doc.api_keys[1].value_sha256->at(0), 0x9f);
  EXPECT_EQ(doc.api_keys[1].customer_id, "cust-b");
  EXPECT_FALSE(doc.api_keys[1].enabled);  // AWS's default when "enabled" is absent
  ASSERT_EQ(doc.usage_plan_keys.size(), 2u);
}

TEST(Loader, MissingReferencedFileIsAnErrorNamingIt) {
  const load_result r = load_file(data / "refs-missing" / "usagegate.json");
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].file, "");
  EXPECT_EQ(r.errors[0].json_path, "apiKeys");
  EXPECT_THAT(r.errors[0].message, HasSubstr("does-not-exist.json"));
  EXPECT_THAT(r.errors[0].message, HasSubstr("No such file"));
}

TEST(Loader, ErrorsInIncludedFilesNameTheFile) {
  const load_result r = load_file(data / "refs-bad-included" / "usagegate.json");
  EXPECT_FALSE(r.doc.has_value());
  bool short_value = false;
  bool syntax = false;
  bool nested_reference = false;
  for (const config_error& e : r.errors) {
    const std::string file = fs::path(e.file).filename().string();
    if (file == "keys.json" && e.json_path == "items[1].value")
      short_value = true;
    if (file == "plans.json" && e.json_path == "$" && e.message.find("line 4") != std::string::npos)
      syntax = true;
    if (file == "rest-apis.json" && e.message.find("must contain an array") != std::string::npos)
      nested_reference = true;
  }
  EXPECT_TRUE(short_value) << all_errors(r);
  EXPECT_TRUE(syntax) << all_errors(r);
  EXPECT_TRUE(nested_reference) << all_errors(r);
  for (const config_error& e : r.errors)
    EXPECT_THAT(e.to_string(), ::testing::StartsWith(e.file + ": ")) << e.to_string();
}

TEST(Loader, WrappersItemsItemAndBareArraysAreEquivalent) {
  const std::string key = R"({"id": "k1", "value": "wrapper-test-key-00000000001"})";
  for (const std::string& keys : {"[" + key + "]", R"({"items": [)" + key + "]}",
                                  R"({"item": [)" + key + R"(], "position": "x"})",
                                  R"({"items": [)" + key + R"(], "warnings": []})"}) {
    const load_result r = load_string(R"({"apiKeys": )" + keys + "}");
    ASSERT_TRUE(r.doc.has_value()) << keys << "\n" << all_errors(r);
    ASSERT_EQ(r.doc->api_keys.size(), 1u);
    EXPECT_EQ(r.doc->api_keys[0].id, "k1");
  }
}

TEST(Loader, GatewayDefaultsWhenAbsent) {
  const load_result r = load_string("{}");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const gateway_settings& g = r.doc->gateway;
  EXPECT_EQ(g.listener.address, "127.0.0.1");
  EXPECT_EQ(g.listener.port, 8080);
  EXPECT_EQ(g.admin.port, 9080);
  EXPECT_EQ(g.workers, 0u);
  EXPECT_EQ(g.max_header_bytes, 16u * 1024u);
  EXPECT_FALSE(g.account_throttle.has_value());
  EXPECT_FALSE(g.aws_strict);
  EXPECT_EQ(g.quota_offset_meaning, limiter::offset_meaning::start_day);
  EXPECT_EQ(g.access_log, "off");
  EXPECT_EQ(g.metrics_key_series, 100u);
  EXPECT_FALSE(g.reload_on_file_change);
}

TEST(Loader, OperationsSettingsAreRead) {
  const load_result r = load_string(R"({"gateway": {
      "accessLog": "/var/log/usagegate/access.log", "metricsKeySeries": 0,
      "reloadOnFileChange": true}})");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const gateway_settings& g = r.doc->gateway;
  EXPECT_EQ(g.access_log, "/var/log/usagegate/access.log");
  EXPECT_EQ(g.metrics_key_series, 0u);
  EXPECT_TRUE(g.reload_on_file_change);
  const load_result out = load_string(R"({"gateway": {"accessLog": "stdout"}})");
  ASSERT_TRUE(out.doc.has_value()) << all_errors(out);
  EXPECT_EQ(out.doc->gateway.access_log, "stdout");
}

TEST(Loader, AdminAndDataListenersMayBothUseFreePorts) {
  const load_result r = load_string(R"({"gateway": {
      "listener": {"address": "127.0.0.1", "port": 0},
      "admin": {"address": "127.0.0.1", "port": 0}}})");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  // Same port on two different specific addresses does not collide either.
  const load_result split = load_string(R"({"gateway": {
      "listener": {"address": "192.0.2.10", "port": 8080},
      "admin": {"address": "127.0.0.1", "port": 8080}}})");
  EXPECT_TRUE(split.doc.has_value()) << all_errors(split);
}

TEST(Loader, EveryGatewaySettingIsRead) {
  const load_result r = load_string(R"({"gateway": {
      "listener": {"address": "0.0.0.0", "port": 0}, "admin": {"address": "::1", "port": 9999},
      "workers": 3, "maxHeaderBytes": 2048, "maxBodyBytes": 0, "headerTimeoutMs": 11,
      "keepAliveTimeoutMs": 12, "drainTimeoutMs": 13, "maxConnections": 14,
      "accountThrottle": {"burstLimit": 5000, "rateLimit": 10000},
      "awsStrict": true, "quotaOffsetMeaning": "initialRequests", "stateDirectory": "/var/lib/ug",
      "onStateFailure": "open", "stages": {}}})");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const gateway_settings& g = r.doc->gateway;
  EXPECT_EQ(g.listener.address, "0.0.0.0");
  EXPECT_EQ(g.listener.port, 0);
  EXPECT_EQ(g.admin.address, "::1");
  EXPECT_EQ(g.admin.port, 9999);
  EXPECT_EQ(g.workers, 3u);
  EXPECT_EQ(g.max_header_bytes, 2048u);
  EXPECT_EQ(g.max_body_bytes, 0u);
  EXPECT_EQ(g.header_timeout_ms, 11);
  EXPECT_EQ(g.keep_alive_timeout_ms, 12);
  EXPECT_EQ(g.drain_timeout_ms, 13);
  EXPECT_EQ(g.max_connections, 14u);
  ASSERT_TRUE(g.account_throttle.has_value());
  EXPECT_EQ(g.account_throttle->burst_limit, 5000);
  EXPECT_EQ(g.account_throttle->rate_limit, 10000.0);
  EXPECT_TRUE(g.aws_strict);
  EXPECT_EQ(g.quota_offset_meaning, limiter::offset_meaning::initial_requests);
  EXPECT_EQ(g.state_directory, "/var/lib/ug");
  EXPECT_EQ(g.on_state_failure, limiter::state_failure_policy::open);
}

TEST(Loader, StateFailuresRefuseUnlessOnStateFailureSaysOpen) {
  const load_result unset = load_string(R"({"gateway": {"stateDirectory": "/var/lib/ug"}})");
  ASSERT_TRUE(unset.doc.has_value()) << all_errors(unset);
  EXPECT_EQ(unset.doc->gateway.on_state_failure, limiter::state_failure_policy::closed);
  const load_result closed = load_string(R"({"gateway": {"onStateFailure": "closed"}})");
  ASSERT_TRUE(closed.doc.has_value()) << all_errors(closed);
  EXPECT_EQ(closed.doc->gateway.on_state_failure, limiter::state_failure_policy::closed);
}

TEST(Loader, UpstreamDefaults) {
  const load_result r = load_string(R"({
      "gateway": {"stages": {"a/s": {"upstream": {"url": "http://llm.internal"}}}},
      "restApis": [{"id": "a", "stages": [{"stageName": "s"}]}]})");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const upstream_settings& u = r.doc->stages.at(0).upstream;
  EXPECT_EQ(u.host, "llm.internal");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.pool_size, 64u);
  EXPECT_EQ(u.connect_timeout_ms, 5000);
  EXPECT_FALSE(u.host_header.has_value());
  EXPECT_FALSE(u.forward_api_key);
}

TEST(Loader, ContentHashIsTheSha256OfTheBytesRead) {
  // printf %s '{}' | sha256sum
  EXPECT_EQ(load_string("{}").content_sha256_hex,
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  // An invalid file still reports what was read.
  EXPECT_EQ(load_string("{").content_sha256_hex.size(), 64u);
}

class LoaderTempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    dir_ = fs::temp_directory_path() /
           ("ug-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(stamp));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  fs::path dir_;
};

TEST_F(LoaderTempDir, ContentHashCoversIncludedFiles) {
  write("main.json", R"({"apiKeys": "keys.json"})");
  write("keys.json", R"([{"id": "k1", "value": "temp-dir-test-key-0000000001"}])");
  const load_result first = load_file(dir_ / "main.json");
  ASSERT_TRUE(first.doc.has_value()) << all_errors(first);
  EXPECT_EQ(load_file(dir_ / "main.json").content_sha256_hex, first.content_sha256_hex);

  write("keys.json", R"([{"id": "k1", "value": "temp-dir-test-key-0000000002"}])");
  const load_result second = load_file(dir_ / "main.json");
  ASSERT_TRUE(second.doc.has_value()) << all_errors(second);
  EXPECT_NE(second.content_sha256_hex, first.content_sha256_hex);
  EXPECT_EQ(second.doc->api_keys.at(0).value, "temp-dir-test-key-0000000002");
}

TEST_F(LoaderTempDir, SourceFilesListTheMainFileAndEveryFileItNames) {
  fs::create_directories(dir_ / "sub");
  write("main.json", R"({"apiKeys": "keys.json", "usagePlans": "sub/plans.json"})");
  write("keys.json", R"([{"id": "k1", "value": "temp-dir-test-key-0000000001"}])");
  write("sub/plans.json", R"({"items": []})");
  const load_result r = load_file(dir_ / "main.json");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_THAT(r.doc->source_files,
              ::testing::ElementsAre((dir_ / "main.json").string(), (dir_ / "keys.json").string(),
                                     (dir_ / "sub/plans.json").string()));
  // From memory there is no main file; the named ones are still listed.
  const load_result mem = load_string(R"({"apiKeys": "keys.json"})", dir_);
  ASSERT_TRUE(mem.doc.has_value()) << all_errors(mem);
  EXPECT_THAT(mem.doc->source_files, ::testing::ElementsAre((dir_ / "keys.json").string()));
}

TEST_F(LoaderTempDir, FilesNamedAfterASecretFileResolveAgainstTheirOwnFolder) {
  // The token file is a file of the load too (reloadOnFileChange watches it):
  // it must not shift which folder the files read after it resolve against.
  fs::create_directories(dir_ / "apis");
  write("token", "0123456789abcdef0123456789abcdef-admin\n");
  write("apis/rest-apis.json", R"([{"id": "a1", "resources": "resources.json"}])");
  write("apis/resources.json", R"([{"id": "r0", "path": "/"}])");
  write("main.json",
        R"({"gateway": {"admin": {"authTokenFile": "token"}}, "restApis": "apis/rest-apis.json"})");
  const load_result r = load_file(dir_ / "main.json");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  ASSERT_EQ(r.doc->rest_apis.size(), 1u);
  EXPECT_EQ(r.doc->rest_apis[0].resources.size(), 1u);
}

TEST_F(LoaderTempDir, LoadStringResolvesAgainstBaseDir) {
  write("keys.json", R"({"items": [{"id": "k1", "value": "temp-dir-test-key-0000000001"}]})");
  const load_result r = load_string(R"({"apiKeys": "keys.json"})", dir_);
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(r.doc->api_keys.size(), 1u);
}

TEST_F(LoaderTempDir, ReferencedDirectoryIsAnError) {
  fs::create_directories(dir_ / "keys.json");
  const load_result r = load_string(R"({"apiKeys": "keys.json"})", dir_);
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].json_path, "apiKeys");
  EXPECT_THAT(r.errors[0].message, HasSubstr("keys.json"));
}

TEST(Loader, MissingMainFileIsAnError) {
  const load_result r = load_file(data / "no-such-config.json");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_FALSE(r.doc.has_value());
  EXPECT_THAT(r.errors[0].message, HasSubstr("no-such-config.json"));
}

TEST(ConfigError, ToStringFormat) {
  config_error e;
  e.json_path = "usagePlans[1].quota.offset";
  e.message = "9 is out of range";
  EXPECT_EQ(e.to_string(), "usagePlans[1].quota.offset: 9 is out of range");
  e.file = "plans.json";
  EXPECT_EQ(e.to_string(), "plans.json: usagePlans[1].quota.offset: 9 is out of range");
}

}  // namespace
}  // namespace ug::config
