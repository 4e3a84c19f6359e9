// GetUsage and UpdateUsage with the real clients against a running usagegate:
// the AWS CLI reads what the data plane counted (to the last request, before
// any flush), sets what remains of a key's quota, and the data plane admits
// and refuses by it at once; the setting survives kill -9. boto3 reads the
// same numbers. Without gateway.stateDirectory both are a 400 saying so.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <csignal>
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

constexpr const char* key_value = "control-usage-key-value-000000001";
constexpr std::int64_t reserve_chunk = 2;

usagegate_config usage_config(std::uint16_t upstream_port, const std::string& state_directory) {
  const resource_spec root{.id = "usgroot001", .path = "/"};
  usagegate_config c;
  c.gateway.state_directory = state_directory;
  c.gateway.quota_reserve_chunk = reserve_chunk;
  c.gateway.stages = {{.api_id = "usgapi0001",
                       .stage_name = "v1",
                       .base_path = "/v1",
                       .upstream = upstream_at(upstream_port)}};
  c.rest_apis = {
      {.id = "usgapi0001",
       .name = "ai_api",
       .resources = {root, child_resource(root, "usgendp001", "endpoint",
                                          {{.http_method = "GET", .api_key_required = true}})},
       .stages = {{.stage_name = "v1"}}}};
  c.usage_plans.push_back({.id = "usgplan001",
                           .name = "usage_plan",
                           .api_stages = {{.api_id = "usgapi0001", .stage = "v1"}},
                           .throttle = throttle_limits{100, 100},
                           .quota = quota_limits{.limit = 5, .period = "DAY"},
                           .key_ids = {"usgkey0001"}});
  c.api_keys = {{.id = "usgkey0001", .value = key_value, .name = "client"}};
  return c;
}

/// Today, UTC, as AWS's dates are written ("2026-12-04").

class ControlPlaneUsage : public gateway_test {
 protected:
  void start(const std::string& state_directory) {
    if (!mock_started_) {
      start_mock();
      mock_started_ = true;
    }
    config_json_ = to_json(usage_config(mock_port(), state_directory));
    start_gateway(config_json_);
    clients_.emplace(dir_, "http://127.0.0.1:" + std::to_string(admin_port()));
  }

  int request_status() {
    const std::optional<http_response> r =
        http_request(port(), "GET", "/v1/endpoint", with_api_key(key_value));
    EXPECT_TRUE(r) << "no answer from the gateway";
    return r ? r->status : 0;
  }

  /// get-usage for today: the key's one [used, remaining] pair.
  std::pair<std::int64_t, std::int64_t> today_usage() {
    const std::string today = utc_today();
    const client_run r = clients_->aws(
        {"get-usage", "--usage-plan-id", "usgplan001", "--start-date", today, "--end-date", today});
    const simdjson::dom::element e = clients_->json_of(r);
    EXPECT_EQ(std::string_view(e["usagePlanId"]), "usgplan001") << r.out;
    EXPECT_EQ(std::string_view(e["startDate"]), today) << r.out;
    simdjson::dom::array days;
    if (e["items"]["usgkey0001"].get_array().get(days) != simdjson::SUCCESS || days.size() != 1) {
      ADD_FAILURE() << "no single day for usgkey0001: " << r.out;
      return {-1, -1};
    }
    const simdjson::dom::array pair = days.at(0).get_array();
    return {std::int64_t(pair.at(0)), std::int64_t(pair.at(1))};
  }

  bool mock_started_ = false;
  std::string config_json_;
  std::optional<aws_clients> clients_;
};

using day_pair = std::pair<std::int64_t, std::int64_t>;

TEST_F(ControlPlaneUsage, CliReadsTheCountsAndUpdateUsageDecidesTheNextRequests) {
  start((dir_.path() / "state").string());
  EXPECT_EQ(today_usage(), day_pair(0, 5));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(request_status(), 200);
  // Read live: the journal has not flushed these yet (its interval is 1 s).
  EXPECT_EQ(today_usage(), day_pair(3, 2));

  const client_run updated =
      clients_->aws({"update-usage", "--usage-plan-id", "usgplan001", "--key-id", "usgkey0001",
                     "--patch-operations", "op=replace,path=/remaining,value=1"});
  const simdjson::dom::element u = clients_->json_of(updated);
  EXPECT_EQ(std::string_view(u["usagePlanId"]), "usgplan001") << updated.out;
  EXPECT_EQ(std::int64_t(u["items"]["usgkey0001"].at(0).at(1)), 1) << updated.out;

  EXPECT_EQ(request_status(), 200);
  EXPECT_EQ(request_status(), 429);
  EXPECT_EQ(today_usage(), day_pair(4, 0));

  // Raised above the limit: a temporary extension, kept through a restart.
  const client_run raised =
      clients_->aws({"update-usage", "--usage-plan-id", "usgplan001", "--key-id", "usgkey0001",
                     "--patch-operations", "op=replace,path=/remaining,value=7"});
  EXPECT_EQ(raised.exit_code, 0) << raised.err;
  EXPECT_EQ(stop_usagegate(*gw_, std::chrono::seconds(10)), 0) << gw_->proc.output();
  gw_.reset();
  start((dir_.path() / "state").string());
  EXPECT_EQ(today_usage(), day_pair(4, 7));
  EXPECT_EQ(request_status(), 200);
  EXPECT_EQ(today_usage(), day_pair(5, 6));

  // kill -9 right after a set: the set itself was committed before the
  // answer; what the journal reserved ahead since (at most quotaReserveChunk)
  // may be refused early, never admitted twice.
  const client_run set_again =
      clients_->aws({"update-usage", "--usage-plan-id", "usgplan001", "--key-id", "usgkey0001",
                     "--patch-operations", "op=replace,path=/remaining,value=3"});
  EXPECT_EQ(set_again.exit_code, 0) << set_again.err;
  gw_->proc.send_signal(SIGKILL);
  EXPECT_TRUE(gw_->proc.wait_exit(std::chrono::seconds(10)));
  gw_.reset();
  start((dir_.path() / "state").string());
  const std::int64_t remaining = today_usage().second;
  EXPECT_LE(remaining, 3);
  EXPECT_GE(remaining, 3 - reserve_chunk);
}

TEST_F(ControlPlaneUsage, CliGetsAwsErrorTexts) {
  start((dir_.path() / "state").string());
  const client_run unknown_plan =
      clients_->aws({"get-usage", "--usage-plan-id", "nosuchplan", "--start-date", "2026-12-01",
                     "--end-date", "2026-12-02"});
  EXPECT_NE(unknown_plan.exit_code, 0);
  EXPECT_NE(unknown_plan.err.find("NotFoundException"), std::string::npos) << unknown_plan.err;
  EXPECT_NE(unknown_plan.err.find("Invalid Usage Plan ID specified"), std::string::npos)
      << unknown_plan.err;

  const client_run bad_path =
      clients_->aws({"update-usage", "--usage-plan-id", "usgplan001", "--key-id", "usgkey0001",
                     "--patch-operations", "op=replace,path=/used,value=1"});
  EXPECT_NE(bad_path.exit_code, 0);
  EXPECT_NE(bad_path.err.find("BadRequestException"), std::string::npos) << bad_path.err;
}

TEST_F(ControlPlaneUsage, WithoutStateDirectoryBothOperationsSayWhatToSet) {
  start("");
  const client_run get = clients_->aws({"get-usage", "--usage-plan-id", "usgplan001",
                                        "--start-date", "2026-12-01", "--end-date", "2026-12-02"});
  EXPECT_NE(get.exit_code, 0);
  EXPECT_NE(get.err.find("GetUsage needs gateway.stateDirectory"), std::string::npos) << get.err;
  const client_run update =
      clients_->aws({"update-usage", "--usage-plan-id", "usgplan001", "--key-id", "usgkey0001",
                     "--patch-operations", "op=replace,path=/remaining,value=1"});
  EXPECT_NE(update.exit_code, 0);
  EXPECT_NE(update.err.find("UpdateUsage needs gateway.stateDirectory"), std::string::npos)
      << update.err;
}

constexpr std::string_view boto3_script = R"PY(
import json, sys
import boto3
client = boto3.client("apigateway", endpoint_url=sys.argv[1])
usage = client.get_usage(usagePlanId="usgplan001", startDate=sys.argv[2], endDate=sys.argv[2])
print(json.dumps(usage["items"]))
)PY";

TEST_F(ControlPlaneUsage, Boto3ReadsTheSameCounts) {
  start((dir_.path() / "state").string());
  EXPECT_EQ(request_status(), 200);
  EXPECT_EQ(request_status(), 200);
  const std::filesystem::path script = dir_.write("usage.py", boto3_script);
  const client_run run =
      clients_->run({"python3", script.string(), clients_->endpoint(), utc_today()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const simdjson::dom::element day = clients_->json_of(run)["usgkey0001"].at(0);
  EXPECT_EQ(std::int64_t(day.at(0)), 2) << run.out;
  EXPECT_EQ(std::int64_t(day.at(1)), 3) << run.out;
}

}  // namespace
}  // namespace ug::test
