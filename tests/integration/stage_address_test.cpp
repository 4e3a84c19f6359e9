// A stage reached the three ways a client may address it (docs/semantics.md,
// "Addressing a stage"): by its base path, by LocalStack's
// /restapis/{apiId}/{stageName}/_user_request_/{path}, and by AWS's
// {apiId}.execute-api.<domain> Host with /{stageName}/{path}. Real usagegate
// and mock-llm processes: what the upstream is sent (mock-llm's /echo shows
// the target it got), what an unknown id or stage answers, and that the
// three forms draw from the same stage, plan and quota buckets.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace ug::test {
namespace {

constexpr const char* addr_key = "stage-address-key-000000001";
constexpr const char* quota_key = "stage-address-key-000000002";
constexpr const char* throttle_key = "stage-address-key-000000003";
constexpr std::string_view body_mat = R"({"message":"Missing Authentication Token"})";

/// Three APIs in front of one mock-llm:
///  - addrapi001: stage v1 (base path /v1, upstream base "") and stage e1
///    (base path /e1, upstream base "/echo"), ANY / and ANY /{proxy+} with a
///    key, in a plan without limits;
///  - quotapi001: stage q1, the same resources, in a plan with a quota of 3;
///  - thrtapi001: stage t1, GET /echo without a key under a stage throttle of
///    burst 2, and ANY /{proxy+} with a key in a plan throttled at burst 2.
std::string config_json(std::uint16_t mock_port) {
  usagegate_config c;
  c.gateway.stages = {
      {.api_id = "addrapi001", .stage_name = "v1", .upstream = upstream_at(mock_port)},
      {.api_id = "addrapi001", .stage_name = "e1", .upstream = upstream_at(mock_port, "/echo")},
      {.api_id = "quotapi001", .stage_name = "q1", .upstream = upstream_at(mock_port)},
      {.api_id = "thrtapi001", .stage_name = "t1", .upstream = upstream_at(mock_port)}};

  std::vector<resource_spec> addr_resources = catch_all_resources("ares000001", "ares000002", true);
  addr_resources[0].methods = {{"ANY", true}};
  const resource_spec thrt_root{.id = "tres000001", .path = "/"};
  c.rest_apis = {
      {.id = "addrapi001",
       .resources = addr_resources,
       .stages = {{.stage_name = "v1"}, {.stage_name = "e1"}}},
      {.id = "quotapi001",
       .resources = catch_all_resources("qres000001", "qres000002", true),
       .stages = {{.stage_name = "q1"}}},
      {.id = "thrtapi001",
       .resources = {thrt_root, child_resource(thrt_root, "tres000002", "echo", {{"GET", false}}),
                     child_resource(thrt_root, "tres000003", "{proxy+}", {{"ANY", true}})},
       .stages = {{.stage_name = "t1",
                   .method_settings = {{.key = "~1echo/GET", .limits = {2, 0.001}}}}}}};
  c.usage_plans = {{.id = "addrplan01",
                    .api_stages = {{.api_id = "addrapi001", .stage = "v1"},
                                   {.api_id = "addrapi001", .stage = "e1"}},
                    .key_ids = {"addrkey001"}},
                   {.id = "quotplan01",
                    .api_stages = {{.api_id = "quotapi001", .stage = "q1"}},
                    .quota = quota_limits{3, 0, "DAY"},
                    .key_ids = {"quotkey001"}},
                   {.id = "thrtplan01",
                    .api_stages = {{.api_id = "thrtapi001", .stage = "t1"}},
                    .throttle = throttle_limits{2, 0.001},
                    .key_ids = {"thrtkey001"}}};
  c.api_keys = {{.id = "addrkey001", .value = addr_key},
                {.id = "quotkey001", .value = quota_key},
                {.id = "thrtkey001", .value = throttle_key}};
  return to_json(c);
}

/// Value of "name":"..." in mock-llm's flat JSON; "" if absent.
std::string json_string(const std::string& json, std::string_view name) {
  const std::string k = "\"" + std::string(name) + "\":\"";
  const auto at = json.find(k);
  if (at == std::string::npos) {
    return {};
  }
  const auto start = at + k.size();
  return json.substr(start, json.find('"', start) - start);
}

class StageAddress : public gateway_test {
 protected:
  void SetUp() override {
    start_mock();
    start_gateway(config_json(mock_port()));
  }

  /// GET `target` with x-api-key `key` (none if empty) and Host `host`
  /// (127.0.0.1:<port> if empty).
  std::optional<http_response> get(std::string_view target, std::string_view key,
                                   std::string_view host = "") const {
    header_list headers;
    if (!host.empty()) {
      headers.emplace_back("Host", std::string(host));
    }
    if (!key.empty()) {
      headers.emplace_back("x-api-key", std::string(key));
    }
    return http_request(port(), "GET", target, headers);
  }

  /// The target mock-llm's /echo was sent for GET `target`; "" on any
  /// other answer (the test fails).
  std::string upstream_target(std::string_view target, std::string_view host = "") const {
    const std::optional<http_response> r = get(target, addr_key, host);
    if (!r || r->status != 200) {
      ADD_FAILURE() << target << " (Host " << host << "): " << (r ? r->status : 0) << " "
                    << (r ? r->body : "");
      return {};
    }
    return json_string(r->body, "target");
  }

  /// "addrapi001.execute-api.localhost:<port>", or for `api_id`.
  std::string execute_api_host(std::string_view api_id = "addrapi001") const {
    return std::string(api_id) + ".execute-api.localhost:" + std::to_string(port());
  }
};

void expect_missing_authentication_token(const std::optional<http_response>& r,
                                         std::string_view what) {
  ASSERT_TRUE(r) << what;
  EXPECT_EQ(r->status, 403) << what;
  EXPECT_EQ(r->body, body_mat) << what;
  EXPECT_EQ(r->header("x-amzn-ErrorType"), "MissingAuthenticationTokenException") << what;
}

TEST_F(StageAddress, EveryFormForwardsThePathAfterItsPrefix) {
  EXPECT_EQ(upstream_target("/v1/echo?x=1"), "/echo?x=1");  // the base path, as before
  EXPECT_EQ(upstream_target("/restapis/addrapi001/v1/_user_request_/echo?x=1"), "/echo?x=1");
  EXPECT_EQ(upstream_target("/restapis/addrapi001/v1/_user_request_/v1/echo"), "/v1/echo");
  EXPECT_EQ(upstream_target("/v1/echo?x=1", execute_api_host()), "/echo?x=1");
  EXPECT_EQ(upstream_target("/v1/v1/echo", "ADDRAPI001.Execute-Api.us-east-1.amazonaws.com"),
            "/v1/echo");

  // The root resource, appended to the upstream's base path /echo.
  EXPECT_EQ(upstream_target("/e1"), "/echo");
  EXPECT_EQ(upstream_target("/restapis/addrapi001/e1/_user_request_"), "/echo");
  EXPECT_EQ(upstream_target("/restapis/addrapi001/e1/_user_request_?x=1"), "/echo?x=1");
  EXPECT_EQ(upstream_target("/e1", execute_api_host()), "/echo");
  EXPECT_EQ(upstream_target("/e1?x=1", execute_api_host()), "/echo?x=1");

  // Escaped unreserved characters are decoded before the ids are compared.
  EXPECT_EQ(upstream_target("/restapis/%61ddrapi001/%761/%5Fuser_request_/%65cho?x=%41"),
            "/echo?x=%41");
  EXPECT_EQ(upstream_target("/%761/echo", execute_api_host()), "/echo");

  // The upstream gets its own Host, not the execute-api one.
  const std::optional<http_response> r = get("/v1/echo", addr_key, execute_api_host());
  ASSERT_TRUE(r);
  EXPECT_EQ(json_string(r->body, "host"), "127.0.0.1:" + std::to_string(mock_port()));
}

TEST_F(StageAddress, UnknownApiOrStageIsMissingAuthenticationToken) {
  for (const std::string_view target :
       {"/restapis/nosuchapi1/v1/_user_request_/echo",
        "/restapis/addrapi001/v9/_user_request_/echo",
        "/restapis/addrapi001/V1/_user_request_/echo", "/restapis/addrapi001/v1/echo"}) {
    expect_missing_authentication_token(get(target, addr_key), target);
  }
  expect_missing_authentication_token(get("/v1/echo", addr_key, execute_api_host("nosuchapi1")),
                                      "unknown api in the host");
  expect_missing_authentication_token(get("/v9/echo", addr_key, execute_api_host()),
                                      "unknown stage under the host");
  // That host serves only its own API: another API's stage is not there.
  expect_missing_authentication_token(get("/q1/echo", quota_key, execute_api_host()),
                                      "another API's stage under the host");
  // A ".." that climbs out of the prefix is refused, as out of a base path.
  const std::optional<http_response> climbed =
      get("/restapis/addrapi001/e1/_user_request_/../../v1/_user_request_/echo", addr_key);
  ASSERT_TRUE(climbed);
  EXPECT_EQ(climbed->status, 400);
}

TEST_F(StageAddress, EveryFormCountsAgainstTheSameQuota) {
  const std::string host = execute_api_host("quotapi001");
  const std::pair<std::string_view, std::string_view> requests[] = {
      {"/q1/echo", ""}, {"/restapis/quotapi001/q1/_user_request_/echo", ""}, {"/q1/echo", host}};
  for (const auto& [target, h] : requests) {
    const std::optional<http_response> r = get(target, quota_key, h);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << target << " (Host " << h << ")";
  }
  EXPECT_TRUE(is_limit_exceeded(get("/q1/echo", quota_key)));
  EXPECT_TRUE(is_limit_exceeded(get("/restapis/quotapi001/q1/_user_request_/echo", quota_key)));
  EXPECT_TRUE(is_limit_exceeded(get("/q1/echo", quota_key, host)));
}

TEST_F(StageAddress, EveryFormDrawsFromTheSameStageAndPlanBuckets) {
  const std::string host = execute_api_host("thrtapi001");
  // GET /echo: the stage's ~1echo/GET bucket (burst 2), shared by every caller.
  const std::optional<http_response> a = get("/t1/echo", "");
  const std::optional<http_response> b = get("/restapis/thrtapi001/t1/_user_request_/echo", "");
  const std::optional<http_response> c = get("/t1/echo", "", host);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(c->status, 429);
  EXPECT_EQ(c->body, R"({"message":"Too Many Requests"})");

  // /{proxy+}: the key's plan bucket (burst 2).
  const std::optional<http_response> d =
      get("/restapis/thrtapi001/t1/_user_request_/v1/echo", throttle_key);
  const std::optional<http_response> e = get("/t1/v1/echo", throttle_key, host);
  const std::optional<http_response> f = get("/t1/v1/echo", throttle_key);
  ASSERT_TRUE(d && e && f);
  EXPECT_EQ(d->status, 200);
  EXPECT_EQ(e->status, 200);
  EXPECT_EQ(f->status, 429);
  EXPECT_EQ(f->body, R"({"message":"Too Many Requests"})");
}

}  // namespace
}  // namespace ug::test
