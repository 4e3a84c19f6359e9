// The control plane with gateway.admin.credentials, driven by the real
// clients: the AWS CLI and boto3 sign every call (SigV4) and get through with
// the configured key pair; a wrong secret gets InvalidSignatureException, an
// unknown access key id UnrecognizedClientException, both as the CLI prints
// AWS's. POST /reload needs a signature (botocore's SigV4Auth signs it here)
// or the admin token; /metrics keeps its token, or none on a loopback admin
// without one. An admin beyond loopback without credentials does not start.
// Both clients come from scripts/install-deps.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/gateway_config.hpp"
#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::seconds client_timeout{90};
constexpr const char* api_key = "control-plane-sigv4-key-000001";
constexpr const char* key_id = "AKIDUSAGEGATE0001";
constexpr const char* secret = "sigv4-secret-Zq81/aXb+0123456789abcdefXYZ";
constexpr const char* admin_token = "6d0b1c3e5f7a9b2c4d6e8f0a1b3c5d7e-sigv4";
constexpr const char* plan_id = "splan00001";  // single_stage("sigv4api01", ...)

/// What one client run printed (the CLI prints its errors on stderr) and how it exited.
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

/// The key pair a client signs with.
struct signer {
  std::string access_key_id = key_id;
  std::string secret_access_key = secret;
};

class ControlPlaneSigv4 : public gateway_test {
 protected:
  /// Starts a gateway whose admin has the credentials (the secret in a file
  /// next to the config) and, with `token`, the bearer token too.
  void start(bool token) {
    dir_.write("aws-secret", std::string(secret) + "\n");
    usagegate_config c = single_stage("sigv4api01", api_key, closed_port());
    c.gateway.admin.credentials =
        admin_settings::key_pair{.access_key_id = key_id, .secret_access_key_file = "aws-secret"};
    if (token)
      c.gateway.admin.auth_token = admin_token;
    start_gateway(to_json(c));
    endpoint_ = "http://127.0.0.1:" + std::to_string(admin_port());
    // Empty config and credentials files: no profile of the machine leaks in.
    dir_.write("aws/config", "");
    dir_.write("aws/credentials", "");
  }

  /// Runs `program args...` with the AWS environment of a local endpoint and
  /// `as`'s key pair (no session token: usagegate has no STS to honour it);
  /// waits at most client_timeout.
  client_run run_client(const std::vector<std::string>& program, const signer& as = {}) {
    const std::filesystem::path base = dir_.path() / ("run" + std::to_string(++runs_));
    std::vector<std::string> argv{
        "/usr/bin/env",
        "-u",
        "AWS_PROFILE",
        "-u",
        "AWS_DEFAULT_PROFILE",
        "-u",
        "AWS_ENDPOINT_URL",
        "-u",
        "AWS_SESSION_TOKEN",
        "-u",
        "AWS_SECURITY_TOKEN",
        "AWS_ACCESS_KEY_ID=" + as.access_key_id,
        "AWS_SECRET_ACCESS_KEY=" + as.secret_access_key,
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

  client_run aws(std::vector<std::string> args, const signer& as = {}) {
    std::vector<std::string> program{"aws",      "--endpoint-url", endpoint_,
                                     "--output", "json",           "apigateway"};
    program.insert(program.end(), args.begin(), args.end());
    return run_client(program, as);
  }

  /// Parses a successful run's JSON output; fails the test otherwise.
  simdjson::dom::element json_of(const client_run& run) {
    EXPECT_EQ(run.exit_code, 0) << run.err;
    simdjson::dom::element e;
    const auto error = parser_.emplace_back().parse(run.out).get(e);
    EXPECT_EQ(error, simdjson::SUCCESS) << run.out << run.err;
    return e;
  }

  /// The gateway's output so far must not hold the secret.
  void expect_secret_never_printed() {
    EXPECT_EQ(gw_->proc.output().find(secret), std::string::npos) << gw_->proc.output();
  }

  std::string endpoint_;

 private:
  int runs_ = 0;
  std::deque<simdjson::dom::parser> parser_;  // a deque: elements point into their parser
};

TEST_F(ControlPlaneSigv4, TheCliSignedWithTheCredentialsReadsUsagePlans) {
  start(false);
  const simdjson::dom::element plans = json_of(aws({"get-usage-plans"}));
  ASSERT_EQ(plans["items"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(plans["items"].at(0)["id"]), plan_id);
  // Paging signs a query string; a path parameter signs a path.
  (void)json_of(aws({"get-usage-plans", "--no-paginate", "--limit", "1"}));
  const simdjson::dom::element plan = json_of(aws({"get-usage-plan", "--usage-plan-id", plan_id}));
  EXPECT_EQ(std::string_view(plan["id"]), plan_id);
  EXPECT_NE(gw_->proc.output().find(", SigV4 credentials required"), std::string::npos)
      << gw_->proc.output();
  expect_secret_never_printed();
}

TEST_F(ControlPlaneSigv4, TheCliWithAWrongSecretGetsInvalidSignature) {
  start(false);
  const std::string wrong_secret = std::string(secret) + "-wrong";
  const client_run run = aws({"get-usage-plans"}, {.secret_access_key = wrong_secret});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("An error occurred (InvalidSignatureException) when calling the "
                         "GetUsagePlans operation: The request signature we calculated does not "
                         "match the signature you provided."),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find(secret), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("items"), std::string::npos) << run.out;
  expect_secret_never_printed();
}

TEST_F(ControlPlaneSigv4, TheCliWithAnotherAccessKeyIdGetsUnrecognizedClient) {
  start(false);
  const client_run run = aws({"get-usage-plans"}, {.access_key_id = "AKIDSOMEONEELSE01"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("An error occurred (UnrecognizedClientException) when calling the "
                         "GetUsagePlans operation: The security token included in the request "
                         "is invalid."),
            std::string::npos)
      << run.err;
}

// boto3 reads the plans with the right key pair and sees the two refusals'
// codes with wrong ones; botocore's own SigV4Auth signs a POST /reload, which
// urllib sends as it is.
constexpr std::string_view boto3_script = R"PY(
import json, os, sys, urllib.error, urllib.request
import boto3, botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError

endpoint, plan = sys.argv[1], sys.argv[2]
out = {}
client = boto3.client("apigateway", endpoint_url=endpoint)
out["plan_ids"] = [p["id"] for p in client.get_usage_plans()["items"]]
out["plan_name"] = client.get_usage_plan(usagePlanId=plan)["name"]

def refusal(key_id, secret):
    c = boto3.client("apigateway", endpoint_url=endpoint, aws_access_key_id=key_id,
                     aws_secret_access_key=secret)
    try:
        c.get_usage_plans()
        return ["no error"]
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]

key_id, secret = os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
out["wrong_secret"] = refusal(key_id, secret + "x")
out["other_key_id"] = refusal("AKIDSOMEONEELSE01", secret)

def send(request):
    prepared = request.prepare()
    r = urllib.request.Request(prepared.url, data=prepared.body or None,
                               headers=dict(prepared.headers), method=prepared.method)
    try:
        with urllib.request.urlopen(r, timeout=30) as answer:
            return [answer.status, json.loads(answer.read())]
    except urllib.error.HTTPError as e:
        return [e.code, e.headers.get("x-amzn-ErrorType"), json.loads(e.read())]

def reload(sign, body=b""):
    headers = {"Content-Type": "application/json"} if body else {}
    request = AWSRequest(method="POST", url=endpoint + "/reload", data=body, headers=headers)
    if sign:
        credentials = botocore.session.get_session().get_credentials()
        SigV4Auth(credentials, "apigateway", "us-east-1").add_auth(request)
    return send(request)

out["reload_unsigned"] = reload(False)
out["reload_signed"] = reload(True)
out["reload_signed_json"] = reload(True, b"{}")
print(json.dumps(out))
)PY";

TEST_F(ControlPlaneSigv4, Boto3SignsReadsAndReloadsAndSeesTheRefusals) {
  start(false);
  const std::filesystem::path script = dir_.write("sigv4.py", boto3_script);
  const client_run run = run_client({"python3", script.string(), endpoint_, plan_id});
  const simdjson::dom::element out = json_of(run);
  EXPECT_EQ(std::string_view(out["plan_ids"].at(0)), plan_id);
  EXPECT_EQ(std::string_view(out["plan_name"]), "test");
  EXPECT_EQ(std::string_view(out["wrong_secret"].at(0)), "InvalidSignatureException");
  EXPECT_EQ(int64_t(out["wrong_secret"].at(1)), 403);
  EXPECT_EQ(std::string_view(out["other_key_id"].at(0)), "UnrecognizedClientException");
  EXPECT_EQ(int64_t(out["other_key_id"].at(1)), 403);

  EXPECT_EQ(int64_t(out["reload_unsigned"].at(0)), 403);
  EXPECT_EQ(std::string_view(out["reload_unsigned"].at(1)), "MissingAuthenticationTokenException");
  EXPECT_EQ(std::string_view(out["reload_unsigned"].at(2)["message"]),
            "Missing Authentication Token");
  EXPECT_EQ(int64_t(out["reload_signed"].at(0)), 200) << run.out;
  EXPECT_EQ(std::string_view(out["reload_signed"].at(1)["status"]), "ok");
  EXPECT_EQ(int64_t(out["reload_signed_json"].at(0)), 200) << run.out;
  expect_secret_never_printed();
}

TEST_F(ControlPlaneSigv4, WithATokenReloadTakesEitherAndMetricsTakesTheToken) {
  start(true);
  const header_list bearer{{"Authorization", std::string("Bearer ") + admin_token}};
  auto r = http_request(admin_port(), "POST", "/reload");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->header("x-amzn-ErrorType"), "MissingAuthenticationTokenException");
  EXPECT_EQ(r->body, R"({"message":"Missing Authentication Token"})");
  r = http_request(admin_port(), "POST", "/reload", bearer);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;

  // /metrics: the token, as without credentials; the probes stay open.
  r = http_request(admin_port(), "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = http_request(admin_port(), "GET", "/metrics", bearer);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("usagegate_config_reloads_total"), std::string::npos);
  r = http_request(admin_port(), "GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  // The control plane takes the signature, not the token, and does not
  // repeat the token it was sent.
  r = http_request(admin_port(), "GET", "/usageplans", bearer);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->header("x-amzn-ErrorType"), "IncompleteSignatureException");
  EXPECT_EQ(r->body.find(admin_token), std::string::npos) << r->body;
  const simdjson::dom::element plans = json_of(aws({"get-usage-plans"}));
  EXPECT_EQ(std::string_view(plans["items"].at(0)["id"]), plan_id);
  EXPECT_NE(gw_->proc.output().find(", bearer token required, SigV4 credentials required"),
            std::string::npos)
      << gw_->proc.output();
  expect_secret_never_printed();
}

TEST_F(ControlPlaneSigv4, OnLoopbackWithoutATokenMetricsStayOpenAndTheControlPlaneDoesNot) {
  start(false);
  auto r = http_request(admin_port(), "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = http_request(admin_port(), "GET", "/usageplans");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->header_count("x-amzn-ErrorType"), 1u);
  EXPECT_EQ(r->header("x-amzn-ErrorType"), "MissingAuthenticationTokenException");
  EXPECT_TRUE(r->has_header("x-amzn-RequestId"));
  // A signature in the right shape but for another secret.
  r = http_request(
      admin_port(), "GET", "/usageplans",
      {{"X-Amz-Date", "20240102T030405Z"},
       {"Authorization",
        "AWS4-HMAC-SHA256 Credential=" + std::string(key_id) +
            "/20240102/us-east-1/apigateway/aws4_request, SignedHeaders=host;x-amz-date, "
            "Signature=0000000000000000000000000000000000000000000000000000000000000000"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->header("x-amzn-ErrorType"), "InvalidSignatureException");  // 2024: expired
  EXPECT_NE(r->body.find("Signature expired"), std::string::npos) << r->body;
}

TEST(ControlPlaneSigv4Config, AnAdminBeyondLoopbackWithoutCredentialsDoesNotStart) {
  const temp_dir dir;
  usagegate_config c = single_stage("sigv4api01", api_key, closed_port());
  c.gateway.admin.address = "0.0.0.0";
  c.gateway.admin.auth_token = admin_token;
  const std::filesystem::path config = dir.write("gw.json", to_json(c));
  child_process run({bin_path("usagegate"), "--config", config.string()});
  EXPECT_EQ(run.wait_exit(30s), 2) << run.output();
  EXPECT_NE(run.output().find(R"(gateway.admin.address: "0.0.0.0" is not a loopback address)"),
            std::string::npos)
      << run.output();
  EXPECT_NE(run.output().find("set gateway.admin.credentials"), std::string::npos) << run.output();
  EXPECT_EQ(run.output().find("listening on"), std::string::npos) << run.output();
}

}  // namespace
}  // namespace ug::test
