// The AWS control plane with the real clients: the AWS CLI (`aws apigateway
// --endpoint-url http://127.0.0.1:<admin>`) and a boto3 script read the usage
// plans, keys and REST API a running usagegate has from its config file, page
// through them, print AWS's NotFoundException, and are refused a write with a
// 400 naming the file. Both clients come from scripts/install-deps.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/gateway_config.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::seconds client_timeout{90};
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

/// What one client run printed: stdout and stderr apart (the CLI prints its
/// errors on stderr), and how it exited.
struct client_run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ControlPlaneRead : public gateway_test {
 protected:
  void SetUp() override {
    config_path_ = start_gateway(to_json(control_config(closed_port())));
    endpoint_ = "http://127.0.0.1:" + std::to_string(admin_port());
    // Empty config and credentials files: no profile of the machine leaks in.
    dir_.write("aws/config", "");
    dir_.write("aws/credentials", "");
  }

  /// Runs `program args...` with the AWS environment of a local endpoint;
  /// waits at most client_timeout.
  client_run run_client(const std::vector<std::string>& program) {
    const std::filesystem::path base = dir_.path() / ("run" + std::to_string(++runs_));
    std::vector<std::string> argv{
        "/usr/bin/env",
        "-u",
        "AWS_PROFILE",
        "-u",
        "AWS_DEFAULT_PROFILE",
        "-u",
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID=local",
        "AWS_SECRET_ACCESS_KEY=local",
        "AWS_DEFAULT_REGION=us-east-1",
        "AWS_CONFIG_FILE=" + (dir_.path() / "aws/config").string(),
        "AWS_SHARED_CREDENTIALS_FILE=" + (dir_.path() / "aws/credentials").string(),
        "AWS_EC2_METADATA_DISABLED=true",
        "AWS_PAGER=",
        "/bin/sh",
        "-c",
        R"(exec "$@" >"$0.out" 2>"$0.err")",
        base.string()};
    argv.insert(argv.end(), program.begin(), program.end());
    child_process child(std::move(argv));
    client_run run;
    const std::optional<int> code = child.wait_exit(client_timeout);
    EXPECT_TRUE(code) << "client did not finish within " << client_timeout.count() << " s";
    run.exit_code = code.value_or(-1);
    run.out = read_file(base.string() + ".out");
    run.err = read_file(base.string() + ".err");
    return run;
  }

  client_run aws(std::vector<std::string> args) {
    std::vector<std::string> program{"aws",      "--endpoint-url", endpoint_,
                                     "--output", "json",           "apigateway"};
    program.insert(program.end(), args.begin(), args.end());
    return run_client(program);
  }

  /// Parses a successful CLI run's JSON output; fails the test otherwise.
  simdjson::dom::element json_of(const client_run& run) {
    EXPECT_EQ(run.exit_code, 0) << run.err;
    simdjson::dom::element e;
    const auto error = parser_.emplace_back().parse(run.out).get(e);
    EXPECT_EQ(error, simdjson::SUCCESS) << run.out;
    return e;
  }

  static std::vector<std::string> ids_of(simdjson::dom::element page) {
    std::vector<std::string> ids;
    for (simdjson::dom::element item : page["items"].get_array())
      ids.emplace_back(std::string_view(item["id"]));
    return ids;
  }

  std::filesystem::path config_path_;
  std::string endpoint_;

 private:
  int runs_ = 0;
  std::deque<simdjson::dom::parser> parser_;  // a deque: elements point into their parser
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
                            "Creating objects through the API needs a later release of "
                            "usagegate"),
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
