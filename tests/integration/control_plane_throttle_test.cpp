// The control plane's account-wide throttle on a running usagegate
// (gateway.admin.controlPlaneThrottle): past the burst a management call gets
// AWS's 429 TooManyRequestsException with Retry-After, counted in the
// metrics; boto3 without retries sees the exception, the AWS CLI retries and
// succeeds; the data plane and /metrics are not throttled by it.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <optional>
#include <string>

#include "tests/support/aws_clients.hpp"
#include "tests/support/gateway_config.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace ug::test {
namespace {

constexpr std::string_view boto3_script = R"PY(
import json, sys
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

client = boto3.client("apigateway", endpoint_url=sys.argv[1],
                      config=Config(retries={"max_attempts": 1, "mode": "standard"}))
out = {"ok": 0}
for _ in range(10):
    try:
        client.get_usage_plans()
        out["ok"] += 1
    except ClientError as e:
        out["error"] = [e.response["Error"]["Code"], e.response["Error"]["Message"],
                        e.response["ResponseMetadata"]["HTTPStatusCode"]]
        break
print(json.dumps(out))
)PY";

class ControlPlaneThrottle : public gateway_test {
 protected:
  void SetUp() override {
    start_mock();
    usagegate_config c;
    c.gateway.admin.control_plane_throttle = throttle_limits{3, 2.0};
    start_gateway(to_json(c));
    clients_.emplace(dir_, "http://127.0.0.1:" + std::to_string(admin_port()));
  }

  std::optional<aws_clients> clients_;
};

TEST_F(ControlPlaneThrottle, PastTheBurstIsAwsTooManyRequests) {
  int admitted = 0;
  std::optional<http_response> refused;
  for (int i = 0; i < 10 && !refused; ++i) {
    std::optional<http_response> r = http_request(admin_port(), "GET", "/usageplans");
    ASSERT_TRUE(r);
    if (r->status == 200)
      ++admitted;
    else
      refused = std::move(r);
  }
  ASSERT_TRUE(refused) << "ten quick calls, none throttled";
  EXPECT_GE(admitted, 3);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->body, R"({"message":"Too Many Requests"})");
  EXPECT_EQ(refused->header("x-amzn-ErrorType"), "TooManyRequestsException");
  EXPECT_EQ(refused->header("Retry-After"), "1");
  // Neither /metrics nor the data plane take its tokens.
  const std::optional<http_response> metrics = http_request(admin_port(), "GET", "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(
      metrics->body.find(
          R"(usagegate_control_plane_requests_total{operation="GetUsagePlans",status="429"})"),
      std::string::npos)
      << metrics->body;
}

TEST_F(ControlPlaneThrottle, Boto3SeesTheExceptionAndTheCliRetries) {
  const std::filesystem::path script = dir_.write("throttle.py", boto3_script);
  const simdjson::dom::element out =
      clients_->json_of(clients_->run({"python3", script.string(), clients_->endpoint()}));
  EXPECT_GE(int64_t(out["ok"]), 3);
  ASSERT_FALSE(out["error"].is_null());
  EXPECT_EQ(std::string_view(out["error"].at(0)), "TooManyRequestsException");
  EXPECT_EQ(std::string_view(out["error"].at(1)), "Too Many Requests");
  EXPECT_EQ(int64_t(out["error"].at(2)), 429);
  // The bucket is empty now; the CLI backs off and retries until a token comes.
  const client_run cli = clients_->aws({"get-usage-plans"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
}

}  // namespace
}  // namespace ug::test
