// The AWS control plane with the real clients: the AWS CLI (`aws apigateway
// --endpoint-url http://127.0.0.1:<admin>`) and a boto3 script read the usage
// plans, keys and REST API a running usagegate has from its config file, page
// through them, print AWS's NotFoundException, and are refused a write with a
// 400 naming the file. Both clients come from scripts/install-deps.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/aws_clients.hpp"
#include "tests/support/gateway_config.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* key_value = "control-plane-key-000000000001";
constexpr int plan_count = 5;

std::string plan_id(int i) {
  return "ctlplan00" + std::to_string(i);
}

usagegate_config control_config(std::uint16_t upstream_port) {
  const resource_spec root{.id = "ctlroot001", .path = "/"};
  usagegate_config c;
  c.gateway.stages = {{.api_id = "ctlapi0001",
                       .stage_name = "v1",
                       .base_path = "/v1",
                       .upstream = upstream_at(upstream_port)}};
  c.rest_apis = {
      {.id = "ctlapi0001",
       .name = "ai_api",
       .resources = {root, child_resource(root, "ctlendp001", "endpoint",
                                          {{.http_method = "GET", .api_key_required = true}})},
       .stages = {{.stage_name = "v1", .method_settings = {{.key = "*/*", .limits = {5, 10}}}}}}};
  c.usage_plans.push_back({.id = plan_id(1),
                           .name = "ai_usage_plan",
                           .api_stages = {{.api_id = "ctlapi0001", .stage = "v1"}},
                           .throttle = throttle_limits{5, 10},
                           .quota = quota_limits{.limit = 1000, .period = "WEEK"},
                           .key_ids = {"ctlkey0001"}});
  for (int i = 2; i <= plan_count; ++i)
    c.usage_plans.push_back({.id = plan_id(i), .name = "plan-" + std::to_string(i)});
  c.api_keys = {{.id = "ctlkey0001", .value = key_value, .name = "client"},
                {.id = "ctlkey0002", .value = "control-plane-key-000000000002", .name = "other"}};
  return c;
}

class ControlPlaneRead : public gateway_test {
 protected:
  void SetUp() override {
    config_path_ = start_gateway(to_json(control_config(closed_port())));
    endpoint_ = "http://127.0.0.1:" + std::to_string(admin_port());
    clients_.emplace(dir_, endpoint_);
  }

  client_run run_client(const std::vector<std::string>& program) { return clients_->run(program); }
  client_run aws(const std::vector<std::string>& args) { return clients_->aws(args); }
  simdjson::dom::element json_of(const client_run& run) { return clients_->json_of(run); }
  static std::vector<std::string> ids_of(simdjson::dom::element page) {
    return aws_clients::ids_of(page);
  }

  std::filesystem::path config_path_;
  std::string endpoint_;

 private:
  std::optional<aws_clients> clients_;
};

TEST_F(ControlPlaneRead, CliReadsUsagePlansWithLimits) {
  const simdjson::dom::element plans = json_of(aws({"get-usage-plans"}));
  std::vector<std::string> expected;
  for (int i = 1; i <= plan_count; ++i)
    expected.push_back(plan_id(i));
  EXPECT_EQ(ids_of(plans), expected);

  const simdjson::dom::element plan =
      json_of(aws({"get-usage-plan", "--usage-plan-id", plan_id(1)}));
  EXPECT_EQ(std::string_view(plan["name"]), "ai_usage_plan");
  EXPECT_EQ(int64_t(plan["throttle"]["burstLimit"]), 5);
  EXPECT_EQ(double(plan["throttle"]["rateLimit"]), 10.0);
  EXPECT_EQ(int64_t(plan["quota"]["limit"]), 1000);
  EXPECT_EQ(int64_t(plan["quota"]["offset"]), 0);
  EXPECT_EQ(std::string_view(plan["quota"]["period"]), "WEEK");
  EXPECT_EQ(std::string_view(plan["apiStages"].at(0)["apiId"]), "ctlapi0001");
  EXPECT_EQ(std::string_view(plan["apiStages"].at(0)["stage"]), "v1");

  const simdjson::dom::element of_key = json_of(aws({"get-usage-plans", "--key-id", "ctlkey0001"}));
  EXPECT_EQ(ids_of(of_key), std::vector<std::string>{plan_id(1)});
}

TEST_F(ControlPlaneRead, CliPagesAcrossPages) {
  // --page-size 2: the CLI follows `position` over three pages and joins them.
  const simdjson::dom::element all = json_of(aws({"get-usage-plans", "--page-size", "2"}));
  EXPECT_EQ(ids_of(all).size(), static_cast<std::size_t>(plan_count));
  // --max-items stops inside the second page and hands out a NextToken.
  const simdjson::dom::element some =
      json_of(aws({"get-usage-plans", "--page-size", "2", "--max-items", "3"}));
  EXPECT_EQ(ids_of(some), (std::vector<std::string>{plan_id(1), plan_id(2), plan_id(3)}));
  EXPECT_FALSE(std::string_view(some["NextToken"]).empty());
  // One raw page: the wire's `position`, and none on the last page.
  const simdjson::dom::element first =
      json_of(aws({"get-usage-plans", "--no-paginate", "--limit", "2"}));
  EXPECT_EQ(ids_of(first).size(), 2u);
  const std::string position{std::string_view(first["position"])};
  const simdjson::dom::element last =
      json_of(aws({"get-usage-plans", "--no-paginate", "--limit", "4", "--position", position}));
  EXPECT_EQ(ids_of(last), (std::vector<std::string>{plan_id(3), plan_id(4), plan_id(5)}));
  EXPECT_TRUE(last["position"].error() == simdjson::NO_SUCH_FIELD);
}

TEST_F(ControlPlaneRead, CliReadsKeysAndValues) {
  const simdjson::dom::element keys = json_of(aws({"get-api-keys"}));
  EXPECT_EQ(ids_of(keys), (std::vector<std::string>{"ctlkey0001", "ctlkey0002"}));
  EXPECT_TRUE(keys["items"].at(0)["value"].error() == simdjson::NO_SUCH_FIELD);
  const simdjson::dom::element named =
      json_of(aws({"get-api-keys", "--name-query", "cli", "--include-values"}));
  EXPECT_EQ(ids_of(named), std::vector<std::string>{"ctlkey0001"});
  EXPECT_EQ(std::string_view(named["items"].at(0)["value"]), key_value);
  const simdjson::dom::element key =
      json_of(aws({"get-api-key", "--api-key", "ctlkey0001", "--include-value"}));
  EXPECT_EQ(std::string_view(key["value"]), key_value);
  EXPECT_TRUE(bool(key["enabled"]));
  const simdjson::dom::element plan_keys =
      json_of(aws({"get-usage-plan-keys", "--usage-plan-id", plan_id(1)}));
  EXPECT_EQ(ids_of(plan_keys), std::vector<std::string>{"ctlkey0001"});
  EXPECT_EQ(std::string_view(plan_keys["items"].at(0)["type"]), "API_KEY");
  EXPECT_EQ(std::string_view(plan_keys["items"].at(0)["name"]), "client");
}

TEST_F(ControlPlaneRead, CliReadsTheRestApi) {
  const simdjson::dom::element apis = json_of(aws({"get-rest-apis"}));
  EXPECT_EQ(ids_of(apis), std::vector<std::string>{"ctlapi0001"});
  EXPECT_EQ(std::string_view(apis["items"].at(0)["rootResourceId"]), "ctlroot001");
  const simdjson::dom::element resources =
      json_of(aws({"get-resources", "--rest-api-id", "ctlapi0001"}));
  EXPECT_EQ(ids_of(resources), (std::vector<std::string>{"ctlroot001", "ctlendp001"}));
  EXPECT_EQ(std::string_view(resources["items"].at(1)["path"]), "/endpoint");
  const simdjson::dom::element method =
      json_of(aws({"get-method", "--rest-api-id", "ctlapi0001", "--resource-id", "ctlendp001",
                   "--http-method", "GET"}));
  EXPECT_TRUE(bool(method["apiKeyRequired"]));
  const simdjson::dom::element stage =
      json_of(aws({"get-stage", "--rest-api-id", "ctlapi0001", "--stage-name", "v1"}));
  EXPECT_EQ(int64_t(stage["methodSettings"]["*/*"]["throttlingBurstLimit"]), 5);
  EXPECT_EQ(double(stage["methodSettings"]["*/*"]["throttlingRateLimit"]), 10.0);
  const simdjson::dom::element account = json_of(aws({"get-account"}));
  EXPECT_EQ(std::string_view(account["features"].at(0)), "UsagePlans");
}

TEST_F(ControlPlaneRead, CliPrintsAwsErrors) {
  const client_run missing = aws({"get-usage-plan", "--usage-plan-id", "nope000001"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("An error occurred (NotFoundException) when calling the "
                             "GetUsagePlan operation: Invalid Usage Plan ID specified"),
            std::string::npos)
      << missing.err;
  const client_run api = aws({"get-rest-api", "--rest-api-id", "nope000001"});
  EXPECT_NE(api.err.find("(NotFoundException) when calling the GetRestApi operation: Invalid "
                         "API identifier specified 000000000000:nope000001"),
            std::string::npos)
      << api.err;

  const client_run del = aws({"delete-usage-plan", "--usage-plan-id", plan_id(1)});
  EXPECT_NE(del.exit_code, 0);
  EXPECT_NE(del.err.find("An error occurred (BadRequestException) when calling the "
                         "DeleteUsagePlan operation: Usage plan '" +
                         plan_id(1) + "' is defined in the config file " + config_path_.string()),
            std::string::npos)
      << del.err;
  const client_run update = aws({"update-api-key", "--api-key", "ctlkey0001", "--patch-operations",
                                 "op=replace,path=/enabled,value=false"});
  EXPECT_NE(update.err.find("(BadRequestException) when calling the UpdateApiKey operation"),
            std::string::npos)
      << update.err;
  const client_run create = aws({"create-api-key", "--name", "new", "--enabled"});
  EXPECT_NE(create.err.find("(BadRequestException) when calling the CreateApiKey operation: "
                            "CreateApiKey needs gateway.stateDirectory"),
            std::string::npos)
      << create.err;
}

constexpr std::string_view boto3_script = R"PY(
import json, sys
import boto3
from botocore.exceptions import ClientError

client = boto3.client("apigateway", endpoint_url=sys.argv[1])
out = {}
pages = list(client.get_paginator("get_usage_plans").paginate(PaginationConfig={"PageSize": 2}))
out["pages"] = len(pages)
out["plan_ids"] = [p["id"] for page in pages for p in page["items"]]
plan = client.get_usage_plan(usagePlanId=sys.argv[2])
out["throttle"] = [plan["throttle"]["burstLimit"], plan["throttle"]["rateLimit"]]
out["quota"] = [plan["quota"]["limit"], plan["quota"]["period"]]
keys = client.get_api_keys(includeValues=True, nameQuery="cli")
out["key_values"] = [k.get("value") for k in keys["items"]]
out["plan_key_ids"] = [k["id"] for k in client.get_usage_plan_keys(usagePlanId=sys.argv[2])["items"]]
try:
    client.get_api_key(apiKey="nope000001")
except ClientError as e:
    out["missing"] = [e.response["Error"]["Code"], e.response["Error"]["Message"],
                      e.response["ResponseMetadata"]["HTTPStatusCode"]]
try:
    client.delete_api_key(apiKey="ctlkey0002")
except ClientError as e:
    out["delete"] = [e.response["Error"]["Code"], e.response["Error"]["Message"],
                     e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps(out))
)PY";

TEST_F(ControlPlaneRead, MetricsCountAnswersByOperationAndStatus) {
  EXPECT_NE(aws({"get-usage-plan", "--usage-plan-id", "nope000001"}).exit_code, 0);
  json_of(aws({"get-usage-plan", "--usage-plan-id", plan_id(1)}));
  EXPECT_EQ(http_request(admin_port(), "GET", "/usageplans/x/nothing")->status, 404);
  const std::optional<http_response> scrape = http_request(admin_port(), "GET", "/metrics");
  ASSERT_TRUE(scrape);
  for (const char* line :
       {"usagegate_control_plane_requests_total{operation=\"GetUsagePlan\",status=\"404\"} 1\n",
        "usagegate_control_plane_requests_total{operation=\"GetUsagePlan\",status=\"200\"} 1\n",
        "usagegate_control_plane_requests_total{operation=\"none\",status=\"404\"} 1\n"})
    EXPECT_NE(scrape->body.find(line), std::string::npos) << line << scrape->body;
}

TEST_F(ControlPlaneRead, Boto3ReadsPagesAndErrors) {
  const std::filesystem::path script = dir_.write("read.py", boto3_script);
  const client_run run = run_client({"python3", script.string(), endpoint_, plan_id(1)});
  const simdjson::dom::element out = json_of(run);
  EXPECT_EQ(int64_t(out["pages"]), 3);
  std::vector<std::string> ids;
  for (simdjson::dom::element id : out["plan_ids"].get_array())
    ids.emplace_back(std::string_view(id));
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(plan_count));
  EXPECT_EQ(ids.front(), plan_id(1));
  EXPECT_EQ(int64_t(out["throttle"].at(0)), 5);
  EXPECT_EQ(double(out["throttle"].at(1)), 10.0);
  EXPECT_EQ(int64_t(out["quota"].at(0)), 1000);
  EXPECT_EQ(std::string_view(out["quota"].at(1)), "WEEK");
  EXPECT_EQ(std::string_view(out["key_values"].at(0)), key_value);
  EXPECT_EQ(std::string_view(out["plan_key_ids"].at(0)), "ctlkey0001");
  EXPECT_EQ(std::string_view(out["missing"].at(0)), "NotFoundException");
  EXPECT_EQ(std::string_view(out["missing"].at(1)), "Invalid API Key identifier specified");
  EXPECT_EQ(int64_t(out["missing"].at(2)), 404);
  EXPECT_EQ(std::string_view(out["delete"].at(0)), "BadRequestException");
  EXPECT_NE(std::string_view(out["delete"].at(1)).find(config_path_.string()),
            std::string_view::npos);
  EXPECT_EQ(int64_t(out["delete"].at(2)), 400);
}

}  // namespace
}  // namespace ug::test
