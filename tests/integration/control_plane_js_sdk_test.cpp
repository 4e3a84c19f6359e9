// The AWS SDK for JavaScript v3 (@aws-sdk/client-api-gateway, installed into
// tests/js/ by scripts/install-deps) manages a running usagegate: it creates
// a key and a usage plan on a stage of the config file and adds the key to
// the plan; the data plane admits the key at once and refuses it past the
// plan's quota; the SDK reads the same counts with GetUsage, refills them
// with UpdateUsage, and reads AWS's errors by their names. It also builds,
// deploys and throttles a REST API of its own, which the data plane serves.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/aws_clients.hpp"
#include "tests/support/gateway_config.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

usagegate_config js_config(std::uint16_t upstream_port, const std::filesystem::path& state) {
  const resource_spec root{.id = "jsroot0001", .path = "/"};
  usagegate_config c;
  c.gateway.state_directory = state.string();
  c.gateway.stages = {{.api_id = "jsapi00001",
                       .stage_name = "v1",
                       .base_path = "/v1",
                       .upstream = upstream_at(upstream_port)}};
  c.rest_apis = {
      {.id = "jsapi00001",
       .name = "ai_api",
       .resources = {root, child_resource(root, "jsendp0001", "endpoint",
                                          {{.http_method = "GET", .api_key_required = true}})},
       .stages = {{.stage_name = "v1"}}}};
  return c;
}

class ControlPlaneJsSdk : public gateway_test {
 protected:
  void SetUp() override {
    start_mock();
    start_gateway(to_json(js_config(mock_port(), dir_.path() / "state")));
    clients_.emplace(dir_, "http://127.0.0.1:" + std::to_string(admin_port()));
  }

  /// One step of tests/js/control_plane.mjs; its JSON answer.
  simdjson::dom::element step(const std::vector<std::string>& args) {
    std::vector<std::string> program{
        "node", std::string(UG_SOURCE_DIR) + "/tests/js/control_plane.mjs", clients_->endpoint()};
    program.insert(program.end(), args.begin(), args.end());
    return clients_->json_of(clients_->run(program));
  }

  int status_with_key(const std::string& value) {
    const std::optional<http_response> r =
        http_request(port(), "GET", "/v1/endpoint", with_api_key(value));
    EXPECT_TRUE(r) << "no answer from the gateway";
    return r ? r->status : 0;
  }

  std::optional<aws_clients> clients_;
};

TEST_F(ControlPlaneJsSdk, CreatesAKeyAndAPlanThatTheDataPlaneEnforces) {
  const simdjson::dom::element created = step({"create", "jsapi00001", "v1"});
  EXPECT_EQ(std::int64_t(created["key_status"]), 201);
  EXPECT_EQ(std::int64_t(created["plan_status"]), 201);
  EXPECT_EQ(std::string_view(created["plan_key_type"]), "API_KEY");
  EXPECT_EQ(std::int64_t(created["plan_quota"]["limit"]), 2);
  EXPECT_EQ(std::string_view(created["plan_quota"]["period"]), "DAY");
  EXPECT_EQ(double(created["plan_rate"]), 10.0);
  const std::string key_id{std::string_view(created["key_id"])};
  const std::string plan_id{std::string_view(created["plan_id"])};
  const std::string value{std::string_view(created["key_value"])};
  EXPECT_EQ(key_id.size(), 10u);
  EXPECT_EQ(value.size(), 40u);
  // GetApiKeys with nameQuery and includeValues finds the new key with its value.
  ASSERT_EQ(created["listed"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(created["listed"].at(0).at(0)), key_id);
  EXPECT_EQ(std::string_view(created["listed"].at(0).at(1)), value);
  // AWS's errors reach the SDK as exceptions of the right names.
  EXPECT_EQ(std::string_view(created["bad_patch"].at(0)), "BadRequestException");
  EXPECT_EQ(std::string_view(created["bad_patch"].at(1)),
            "Invalid patch path  '/id' specified for op 'replace'. Must be one of: "
            "[/description, /enabled, /name, /customerId]");
  EXPECT_EQ(std::int64_t(created["bad_patch"].at(2)), 400);
  EXPECT_EQ(std::string_view(created["in_use"].at(0)), "BadRequestException");
  EXPECT_EQ(std::string_view(created["in_use"].at(1)),
            "Cannot delete Usage Plan " + plan_id +
                " because there are API Stages associated with it, including jsapi00001:v1");
  EXPECT_EQ(std::string_view(created["missing"].at(0)), "NotFoundException");
  EXPECT_EQ(std::int64_t(created["missing"].at(2)), 404);

  // The plan's quota of 2 a day holds at once.
  EXPECT_EQ(status_with_key(value), 200);
  EXPECT_EQ(status_with_key(value), 200);
  EXPECT_EQ(status_with_key(value), 429);

  const std::string today = utc_today();
  const simdjson::dom::element usage = step({"usage", plan_id, key_id, today});
  EXPECT_EQ(std::string_view(usage["start"]), today);
  EXPECT_EQ(std::string_view(usage["end"]), today);
  ASSERT_EQ(usage["days"].get_array().size(), 1u) << simdjson::to_string(usage);
  EXPECT_EQ(std::int64_t(usage["days"].at(0).at(0)), 2);
  EXPECT_EQ(std::int64_t(usage["days"].at(0).at(1)), 0);

  // UpdateUsage gives the key one more request today.
  const simdjson::dom::element refilled = step({"refill", plan_id, key_id, "1"});
  EXPECT_EQ(std::int64_t(refilled["status"]), 200);
  EXPECT_EQ(status_with_key(value), 200);
  EXPECT_EQ(status_with_key(value), 429);
}

TEST_F(ControlPlaneJsSdk, DeploysAnApiThatTheDataPlaneServesAndLimits) {
  const simdjson::dom::element d =
      step({"deploy", "http://127.0.0.1:" + std::to_string(mock_port()) + "/v1/models"});
  EXPECT_EQ(std::string_view(d["root_path"]), "/");
  EXPECT_EQ(std::string_view(d["resource_path"]), "/endpoint");
  EXPECT_EQ(std::string_view(d["early"].at(0)), "BadRequestException");
  EXPECT_EQ(std::string_view(d["early"].at(1)), "No integration defined for method");
  EXPECT_EQ(std::int64_t(d["deployment_status"]), 201);
  EXPECT_TRUE(bool(d["stage_deployment"]));
  EXPECT_EQ(std::int64_t(d["stage_burst"]), 5);
  const std::string api{std::string_view(d["api_id"])};
  const std::string value{std::string_view(d["key_value"])};
  const std::string target = "/restapis/" + api + "/v1/_user_request_/endpoint";
  // The plan's quota of 3 a week, at once; the mock's model list comes back.
  for (int i = 0; i < 3; ++i) {
    const std::optional<http_response> r = http_request(port(), "GET", target, with_api_key(value));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_NE(r->body.find("mock-model"), std::string::npos) << r->body;
  }
  const std::optional<http_response> over =
      http_request(port(), "GET", target, with_api_key(value));
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429);
  EXPECT_EQ(over->body, R"({"message":"Limit Exceeded"})");
}

}  // namespace
}  // namespace ug::test
