// The addresses of a stage besides its base path (docs/semantics.md,
// "Addressing a stage"): the parsers of LocalStack's path and AWS's
// execute-api host, the table that finds a stage by its ids, and what
// decide() makes of both forms: the resource, the forwarded offset, precedence
// over base paths, unknown ids, ".." and the limits they are counted under.
#include "config/snapshot/stage_addresses.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "config/loader.hpp"
#include "config/snapshot/compiled_config.hpp"

namespace ug::config {
namespace {

using limiter::limit_level;

// 2024-03-05T12:00:00Z.
constexpr limiter::instant now{1'000'000, 1'709'640'000'000'000'000};
const std::string key = "stage-address-key-0123456789";

document load(const std::string& json) {
  const load_result r = load_string(json);
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors.front().message);
  return r.doc.value_or(document{});
}

/// API abc123defg: stage v1 on its default base path /v1 and stage v2 on
/// /team/v2; GET / and GET /endpoint need the key, GET /pets/{id} does not
/// and has a stage throttle of burst 2 on v1. API zzz9876543: stage prod,
/// ANY /{proxy+} without a key. Plan p1 (a quota of `quota_limit` a day)
/// covers both stages of abc123defg and holds the key.
document two_apis(int quota_limit = 1000) {
  return load(R"({
    "gateway": {"stages": {
      "abc123defg/v1": {"upstream": {"url": "http://127.0.0.1:9000"}},
      "abc123defg/v2": {"basePath": "/team/v2", "upstream": {"url": "http://127.0.0.1:9000"}},
      "zzz9876543/prod": {"upstream": {"url": "http://127.0.0.1:9001"}}}},
    "restApis": [
      {"id": "abc123defg",
       "stages": [{"stageName": "v1", "methodSettings": {
                    "~1pets~1{id}/GET": {"throttlingBurstLimit": 2, "throttlingRateLimit": 0.001}}},
                  {"stageName": "v2"}],
       "resources": [
        {"id": "r0", "path": "/", "resourceMethods": {
          "GET": {"httpMethod": "GET", "apiKeyRequired": true}}},
        {"id": "r1", "path": "/endpoint", "resourceMethods": {
          "GET": {"httpMethod": "GET", "apiKeyRequired": true}}},
        {"id": "r2", "path": "/pets"},
        {"id": "r3", "path": "/pets/{id}", "resourceMethods": {
          "GET": {"httpMethod": "GET", "apiKeyRequired": false}}}]},
      {"id": "zzz9876543", "stages": [{"stageName": "prod"}],
       "resources": [
        {"id": "z0", "path": "/"},
        {"id": "z1", "path": "/{proxy+}", "resourceMethods": {
          "ANY": {"httpMethod": "ANY", "apiKeyRequired": false}}}]}],
    "usagePlans": [{"id": "p1", "quota": {"limit": )" +
              std::to_string(quota_limit) + R"(, "period": "DAY"},
      "apiStages": [{"apiId": "abc123defg", "stage": "v1"},
                    {"apiId": "abc123defg", "stage": "v2"}]}],
    "apiKeys": [{"id": "k1", "enabled": true, "value": ")" +
              key + R"("}],
    "usagePlanKeys": {"p1": [{"id": "k1", "type": "API_KEY"}]}})");
}

/// API abc123defg (stage v1 on /v1, GET /endpoint without a key) beside API
/// col1234567, whose stage "other" on `other_base_path` takes any path
/// (ANY / and ANY /{proxy+}, no key).
document beside_base_path(const std::string& other_base_path) {
  return load(R"({
    "gateway": {"stages": {
      "abc123defg/v1": {"upstream": {"url": "http://127.0.0.1:9000"}},
      "col1234567/other": {"basePath": ")" +
              other_base_path + R"(", "upstream": {"url": "http://127.0.0.1:9002"}}}},
    "restApis": [
      {"id": "abc123defg", "stages": [{"stageName": "v1"}],
       "resources": [
        {"id": "r0", "path": "/"},
        {"id": "r1", "path": "/endpoint", "resourceMethods": {
          "GET": {"httpMethod": "GET", "apiKeyRequired": false}}}]},
      {"id": "col1234567", "stages": [{"stageName": "other"}],
       "resources": [
        {"id": "c0", "path": "/", "resourceMethods": {
          "ANY": {"httpMethod": "ANY", "apiKeyRequired": false}}},
        {"id": "c1", "path": "/{proxy+}", "resourceMethods": {
          "ANY": {"httpMethod": "ANY", "apiKeyRequired": false}}}]}]})");
}

class StageAddresses : public ::testing::Test {
 protected:
  std::shared_ptr<const compiled_config> compile(const document& doc) {
    return compiled_config::compile(doc, registry_, now);
  }

  /// GET `target` with the key, Host `host`; `lowest_depth` as the canonical
  /// target reported it.
  verdict ask(std::string_view target, std::string_view host = "",
              std::uint32_t lowest_depth = UINT32_MAX) const {
    request_facts facts;
    facts.method = "GET";
    facts.target = target;
    facts.host = host;
    facts.api_key = key;
    facts.has_api_key = true;
    facts.lowest_depth_segments = lowest_depth;
    facts.now = now;
    return cfg_->decide(facts);
  }

  std::string stage_of(const verdict& v) const {
    return v.stage_index < cfg_->stages().size() ? cfg_->stages()[v.stage_index].api_id + "/" +
                                                       cfg_->stages()[v.stage_index].stage_name
                                                 : "none";
  }

  /// What goes upstream after the upstream's base path.
  static std::string_view forwarded(std::string_view target, const verdict& v) {
    return target.substr(v.forward_path_offset);
  }

  limiter::state_registry registry_;
  std::shared_ptr<const compiled_config> cfg_;
};

TEST(StageAddressParsers, UserRequestPathNamesApiStageAndItsPrefix) {
  const std::string_view path = "/restapis/abc123defg/v1/_user_request_/endpoint";
  const std::optional<stage_address> a = user_request_address(path);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->api_id, "abc123defg");
  EXPECT_EQ(a->stage_name, "v1");
  EXPECT_EQ(path.substr(a->prefix_bytes), "/endpoint");
  EXPECT_EQ(a->prefix_segments, 4U);

  for (const std::string_view root :
       {"/restapis/abc123defg/v1/_user_request_", "/restapis/abc123defg/v1/_user_request_/"}) {
    const std::optional<stage_address> r = user_request_address(root);
    ASSERT_TRUE(r) << root;
    EXPECT_EQ(root.substr(r->prefix_bytes), root.back() == '/' ? "/" : "") << root;
  }
  for (const std::string_view other :
       {"/restapis", "/restapis/", "/restapis/abc123defg", "/restapis/abc123defg/v1",
        "/restapis/abc123defg/v1/", "/restapis/abc123defg/v1/endpoint",
        "/restapis/abc123defg/v1/_user_request_x", "/restapis/abc123defg/v1/_USER_REQUEST_/x",
        "/RESTAPIS/abc123defg/v1/_user_request_/x", "/restapis//v1/_user_request_/x",
        "/restapis/abc123defg//_user_request_/x", "/x/restapis/abc123defg/v1/_user_request_",
        "/restapis/abc123defg/_user_request_/x"}) {
    EXPECT_FALSE(user_request_address(other)) << other;
  }
}

TEST(StageAddressParsers, ExecuteApiHostNamesTheApiWhateverTheSuffixCaseAndPort) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"abc123defg.execute-api.us-east-1.amazonaws.com", "abc123defg"},
      {"abc123defg.execute-api.localhost:8080", "abc123defg"},
      {"ABC123DEFG.EXECUTE-API.LOCALHOST:8080", "ABC123DEFG"},
      {"abc123defg.Execute-Api.localhost.localstack.cloud:4566", "abc123defg"},
      {"abc123defg.execute-api.", "abc123defg"},
  };
  for (const auto& [host, api_id] : cases) {
    const std::optional<std::string_view> id = execute_api_host_id(host);
    ASSERT_TRUE(id) << host;
    EXPECT_EQ(*id, api_id) << host;
  }
  for (const std::string_view other :
       {"", "localhost", "localhost:8080", "127.0.0.1:8080", "execute-api.localhost",
        ".execute-api.localhost", "abc123defg.execute-api", "abc123defg.execute-api:8080",
        "abc123defg.execute-apis.com", "abc123defg.xexecute-api.com",
        "abc.def.execute-api.localhost", "[::1]:8080"}) {
    EXPECT_FALSE(execute_api_host_id(other)) << other;
  }
}

TEST(StageAddressParsers, ExecuteApiPathStartsWithTheStageName) {
  const std::optional<stage_address> a = execute_api_address("abc123defg", "/v1/endpoint");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->api_id, "abc123defg");
  EXPECT_EQ(a->stage_name, "v1");
  EXPECT_EQ(a->prefix_bytes, 3U);
  EXPECT_EQ(a->prefix_segments, 1U);
  const std::optional<stage_address> root = execute_api_address("abc123defg", "/v1");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->prefix_bytes, 3U);
  EXPECT_FALSE(execute_api_address("abc123defg", "/"));
  EXPECT_FALSE(execute_api_address("abc123defg", ""));
}

TEST(StageAddressTable, FindsByExactIdsAndByHostWithoutIdCase) {
  stage_address_table table;
  table.add("zzz9876543", "prod", 0);
  table.add("abc123defg", "v1", 1);
  table.add("abc123defg", "v2", 2);
  table.add("MixedCase1", "v1", 3);
  table.seal();
  EXPECT_EQ(table.find("abc123defg", "v1"), 1U);
  EXPECT_EQ(table.find("abc123defg", "v2"), 2U);
  EXPECT_EQ(table.find("zzz9876543", "prod"), 0U);
  EXPECT_EQ(table.find("MixedCase1", "v1"), 3U);
  EXPECT_EQ(table.find("mixedcase1", "v1"), stage_address_table::none);  // a path has case
  EXPECT_EQ(table.find("abc123defg", "V1"), stage_address_table::none);
  EXPECT_EQ(table.find("abc123defg", "v3"), stage_address_table::none);
  EXPECT_EQ(table.find("abc123defh", "v1"), stage_address_table::none);
  EXPECT_EQ(table.find("", ""), stage_address_table::none);

  EXPECT_EQ(table.find_by_host("ABC123DEFG", "v1"), 1U);
  EXPECT_EQ(table.find_by_host("abc123defg", "v2"), 2U);
  EXPECT_EQ(table.find_by_host("mixedcase1", "v1"), 3U);
  EXPECT_EQ(table.find_by_host("MIXEDCASE1", "v1"), 3U);
  EXPECT_EQ(table.find_by_host("abc123defg", "V1"), stage_address_table::none);
  EXPECT_EQ(table.find_by_host("abc123def", "v1"), stage_address_table::none);
}

TEST(StageAddressTable, IdsOnlyCaseTellsApartHaveNoHostAddress) {
  stage_address_table table;
  table.add("AbCdEfGhIj", "v1", 0);
  table.add("abcdefghij", "v1", 1);
  table.add("abcdefghij", "v2", 2);
  table.seal();
  EXPECT_EQ(table.find("AbCdEfGhIj", "v1"), 0U);
  EXPECT_EQ(table.find("abcdefghij", "v1"), 1U);
  EXPECT_EQ(table.find_by_host("abcdefghij", "v1"), stage_address_table::none);
  EXPECT_EQ(table.find_by_host("AbCdEfGhIj", "v1"), stage_address_table::none);
  EXPECT_EQ(table.find_by_host("ABCDEFGHIJ", "v2"), 2U);
}

TEST_F(StageAddresses, LocalStackPathReachesTheStageResourceAndForwardsTheRest) {
  cfg_ = compile(two_apis());
  const std::string_view target = "/restapis/abc123defg/v1/_user_request_/endpoint?x=1";
  const verdict v = ask(target);
  ASSERT_EQ(v.result, outcome::forward);
  EXPECT_EQ(stage_of(v), "abc123defg/v1");
  EXPECT_EQ(v.resource_path, "/endpoint");
  EXPECT_EQ(forwarded(target, v), "/endpoint?x=1");
  EXPECT_EQ(v.plan_id, "p1");

  // A stage whose base path is not /<stageName>, and another API.
  const verdict v2 = ask("/restapis/abc123defg/v2/_user_request_/endpoint");
  EXPECT_EQ(v2.result, outcome::forward);
  EXPECT_EQ(stage_of(v2), "abc123defg/v2");
  const std::string_view deep = "/restapis/zzz9876543/prod/_user_request_/a/b?c=d";
  const verdict proxied = ask(deep);
  ASSERT_EQ(proxied.result, outcome::forward);
  EXPECT_EQ(stage_of(proxied), "zzz9876543/prod");
  EXPECT_EQ(proxied.resource_path, "/{proxy+}");
  EXPECT_EQ(forwarded(deep, proxied), "/a/b?c=d");
}

TEST_F(StageAddresses, LocalStackPathRootTrailingSlashAndQuery) {
  cfg_ = compile(two_apis());
  const std::pair<std::string_view, std::string_view> roots[] = {
      {"/restapis/abc123defg/v1/_user_request_", ""},
      {"/restapis/abc123defg/v1/_user_request_/", "/"},
      {"/restapis/abc123defg/v1/_user_request_?x=1", "?x=1"},
      {"/restapis/abc123defg/v1/_user_request_/?x=1", "/?x=1"},
  };
  for (const auto& [target, rest] : roots) {
    const verdict v = ask(target);
    ASSERT_EQ(v.result, outcome::forward) << target;
    EXPECT_EQ(v.resource_path, "/") << target;
    EXPECT_EQ(forwarded(target, v), rest) << target;
  }
  const std::string_view slash = "/restapis/abc123defg/v1/_user_request_/endpoint/?x=1";
  const verdict v = ask(slash);
  ASSERT_EQ(v.result, outcome::forward);
  EXPECT_EQ(v.resource_path, "/endpoint");
  EXPECT_EQ(forwarded(slash, v), "/endpoint/?x=1");
}

TEST_F(StageAddresses, UnknownApiOrStageIsMissingAuthenticationTokenInEitherForm) {
  cfg_ = compile(two_apis());
  for (const std::string_view target :
       {"/restapis/nosuchapi1/v1/_user_request_/endpoint",
        "/restapis/abc123defg/v9/_user_request_/",
        "/restapis/abc123defg/V1/_user_request_/endpoint",
        "/restapis/ABC123DEFG/v1/_user_request_/endpoint",
        "/restapis/zzz9876543/v1/_user_request_/endpoint", "/restapis/abc123defg/v1/endpoint",
        "/restapis/abc123defg/v1/_user_request_/nothing"}) {
    const verdict v = ask(target);
    EXPECT_EQ(v.result, outcome::missing_auth_token) << target;
    EXPECT_TRUE(v.key_id.empty()) << target;  // decided before any key check
  }
  EXPECT_EQ(ask("/restapis/nosuchapi1/v1/_user_request_/endpoint").stage_index, no_stage);
  for (const std::string_view host :
       {"nosuchapi1.execute-api.localhost", "zzz9876543.execute-api.localhost"}) {
    const verdict v = ask("/v1/endpoint", host);
    EXPECT_EQ(v.result, outcome::missing_auth_token) << host;
    EXPECT_EQ(v.stage_index, no_stage) << host;
  }
  EXPECT_EQ(ask("/v9/endpoint", "abc123defg.execute-api.localhost").result,
            outcome::missing_auth_token);
  EXPECT_EQ(ask("/V1/endpoint", "abc123defg.execute-api.localhost").result,
            outcome::missing_auth_token);
  EXPECT_EQ(ask("/", "abc123defg.execute-api.localhost").result, outcome::missing_auth_token);
}

TEST_F(StageAddresses, ExecuteApiHostReachesTheStageByNameWhateverItsBasePath) {
  cfg_ = compile(two_apis());
  for (const std::string_view host :
       {"abc123defg.execute-api.us-east-1.amazonaws.com", "abc123defg.execute-api.localhost:8080",
        "ABC123DEFG.Execute-API.LocalHost:8080"}) {
    const std::string_view target = "/v1/endpoint?x=1";
    const verdict v = ask(target, host);
    ASSERT_EQ(v.result, outcome::forward) << host;
    EXPECT_EQ(stage_of(v), "abc123defg/v1") << host;
    EXPECT_EQ(v.resource_path, "/endpoint") << host;
    EXPECT_EQ(forwarded(target, v), "/endpoint?x=1") << host;
  }
  const std::string_view host = "abc123defg.execute-api.localhost";
  const verdict v2 = ask("/v2/endpoint", host);  // base path /team/v2, name v2
  EXPECT_EQ(v2.result, outcome::forward);
  EXPECT_EQ(stage_of(v2), "abc123defg/v2");
  for (const std::string_view root : {"/v1", "/v1/", "/v1?x=1"}) {
    const verdict v = ask(root, host);
    ASSERT_EQ(v.result, outcome::forward) << root;
    EXPECT_EQ(v.resource_path, "/") << root;
    EXPECT_EQ(forwarded(root, v), root.substr(3)) << root;
  }
  EXPECT_EQ(ask("/v1/endpoint/", host).resource_path, "/endpoint");
}

TEST_F(StageAddresses, UnderAnExecuteApiHostOnlyThatFormApplies) {
  cfg_ = compile(two_apis());
  const std::string_view host = "abc123defg.execute-api.localhost";
  // Base paths and LocalStack's form name no stage under that host.
  for (const std::string_view target :
       {"/team/v2/endpoint", "/prod/x", "/restapis/abc123defg/v1/_user_request_/endpoint"}) {
    EXPECT_EQ(ask(target, host).result, outcome::missing_auth_token) << target;
  }
  // Any other host changes nothing.
  for (const std::string_view other : {"", "localhost:8080", "abc123defg.example.com"}) {
    EXPECT_EQ(stage_of(ask("/team/v2/endpoint", other)), "abc123defg/v2") << other;
    EXPECT_EQ(ask("/v1/endpoint", other).result, outcome::forward) << other;
    EXPECT_EQ(ask("/restapis/abc123defg/v1/_user_request_/endpoint", other).result,
              outcome::forward)
        << other;
  }
}

TEST_F(StageAddresses, AConfiguredBasePathWinsOverLocalStacksForm) {
  cfg_ = compile(beside_base_path("/restapis"));
  const std::string_view target = "/restapis/abc123defg/v1/_user_request_/endpoint";
  const verdict v = ask(target);
  ASSERT_EQ(v.result, outcome::forward);
  EXPECT_EQ(stage_of(v), "col1234567/other");
  EXPECT_EQ(v.resource_path, "/{proxy+}");
  EXPECT_EQ(forwarded(target, v), "/abc123defg/v1/_user_request_/endpoint");
  // The host form still reaches abc123defg: it is tried alone.
  EXPECT_EQ(stage_of(ask("/v1/endpoint", "abc123defg.execute-api.localhost")), "abc123defg/v1");
}

TEST_F(StageAddresses, LocalStacksFormWinsOverTheCatchAllBasePath) {
  cfg_ = compile(beside_base_path("/"));
  const std::string_view target = "/restapis/abc123defg/v1/_user_request_/endpoint";
  const verdict v = ask(target);
  ASSERT_EQ(v.result, outcome::forward);
  EXPECT_EQ(stage_of(v), "abc123defg/v1");
  EXPECT_EQ(forwarded(target, v), "/endpoint");
  // That form with an id or stage that is not here is no route, not "/"'s.
  const verdict unknown = ask("/restapis/nosuchapi1/v1/_user_request_/endpoint");
  EXPECT_EQ(unknown.result, outcome::missing_auth_token);
  EXPECT_EQ(unknown.stage_index, no_stage);
  // Everything else under /restapis stays the catch-all's.
  EXPECT_EQ(stage_of(ask("/restapis/abc123defg/v1/endpoint")), "col1234567/other");
  EXPECT_EQ(stage_of(ask("/restapis")), "col1234567/other");
  EXPECT_EQ(stage_of(ask("/v1/endpoint")), "abc123defg/v1");
}

TEST_F(StageAddresses, SegmentsCompareAsTheCanonicalTargetSpellsThemLikeBasePaths) {
  cfg_ = compile(two_apis());
  // decide() reads the canonical target, in which an escaped unreserved
  // character is already decoded (%61 -> a) and every other escape is kept:
  // like a base path, an id or stage matches only in the decoded spelling.
  EXPECT_EQ(ask("/restapis/abc123defg/v1/_user_request_/endpoint").result, outcome::forward);
  for (const std::string_view kept : {"/restapis/abc123defg/v1%3A/_user_request_/endpoint",
                                      "/restapis/abc123defg%20/v1/_user_request_/endpoint",
                                      "/v1%3A/endpoint", "/%76%31/endpoint"}) {
    EXPECT_EQ(ask(kept).result, outcome::missing_auth_token) << kept;
  }
  EXPECT_EQ(ask("/v1%3A/endpoint", "abc123defg.execute-api.localhost").result,
            outcome::missing_auth_token);
}

TEST_F(StageAddresses, DotSegmentsMayNotClimbAboveTheAddress) {
  cfg_ = compile(two_apis());
  // ".../v1/_user_request_/../../v2/_user_request_/endpoint" is canonically
  // ".../v2/_user_request_/endpoint" with 2 segments left at its lowest.
  const std::string_view target = "/restapis/abc123defg/v2/_user_request_/endpoint";
  EXPECT_EQ(ask(target, "", 2).result, outcome::bad_request);
  EXPECT_EQ(ask(target, "", 3).result, outcome::bad_request);
  EXPECT_EQ(ask(target, "", 4).result, outcome::forward);  // ".../_user_request_/x/../endpoint"
  const std::string_view host = "abc123defg.execute-api.localhost";
  EXPECT_EQ(ask("/v2/endpoint", host, 0).result, outcome::bad_request);  // "/v1/../v2/endpoint"
  EXPECT_EQ(ask("/v2/endpoint", host, 1).result, outcome::forward);
  // Out of every address: bad request, as for base paths.
  EXPECT_EQ(ask("/restapis/abc123defg/v1", "", 3).result, outcome::bad_request);
}

TEST_F(StageAddresses, EveryFormDrawsFromTheSameQuota) {
  cfg_ = compile(two_apis(3));
  const std::string_view host = "abc123defg.execute-api.localhost";
  EXPECT_EQ(ask("/v1/endpoint").result, outcome::forward);
  EXPECT_EQ(ask("/restapis/abc123defg/v1/_user_request_/endpoint").result, outcome::forward);
  EXPECT_EQ(ask("/v1/endpoint", host).result, outcome::forward);
  // The plan's quota of 3 is spent, whichever way the stage is addressed.
  EXPECT_EQ(ask("/v1/endpoint").result, outcome::quota_exceeded);
  EXPECT_EQ(ask("/restapis/abc123defg/v1/_user_request_/endpoint").result, outcome::quota_exceeded);
  EXPECT_EQ(ask("/v1/endpoint", host).result, outcome::quota_exceeded);
  EXPECT_EQ(ask("/v2/endpoint", host).result, outcome::quota_exceeded);  // same plan and key
}

TEST_F(StageAddresses, EveryFormDrawsFromTheSameStageBucket) {
  cfg_ = compile(two_apis());
  EXPECT_EQ(ask("/v1/pets/1").result, outcome::forward);
  EXPECT_EQ(ask("/restapis/abc123defg/v1/_user_request_/pets/2").result, outcome::forward);
  const verdict third = ask("/v1/pets/3", "abc123defg.execute-api.localhost");
  EXPECT_EQ(third.result, outcome::throttled);
  EXPECT_EQ(third.admission.level, limit_level::stage_method);
  EXPECT_EQ(ask("/v1/pets/4").result, outcome::throttled);
  // v2 has no stage throttle: its own stage, its own (absent) bucket.
  EXPECT_EQ(ask("/restapis/abc123defg/v2/_user_request_/pets/5").result, outcome::forward);
}

TEST_F(StageAddresses, StageOfFindsTheStageAsDecideDoes) {
  cfg_ = compile(two_apis());
  const std::string_view target = "/restapis/zzz9876543/prod/_user_request_/a?b=c";
  const stage_match by_path = cfg_->stage_of(target, "");
  ASSERT_LT(by_path.index, cfg_->stages().size());
  EXPECT_EQ(cfg_->stages()[by_path.index].stage_name, "prod");
  EXPECT_EQ(target.substr(by_path.prefix_bytes), "/a?b=c");
  const stage_match by_host = cfg_->stage_of("/prod/a", "zzz9876543.execute-api.localhost");
  ASSERT_LT(by_host.index, cfg_->stages().size());
  EXPECT_EQ(cfg_->stages()[by_host.index].stage_name, "prod");
  EXPECT_EQ(by_host.prefix_bytes, 5U);
  EXPECT_EQ(cfg_->stage_of("/prod/a", "nosuchapi1.execute-api.localhost").index, no_stage);
  EXPECT_EQ(cfg_->stage_of("/team/v2/x", "").prefix_bytes, 8U);
}

}  // namespace
}  // namespace ug::config
