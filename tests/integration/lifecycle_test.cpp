// The usagegate program as an operator sees it: command line, configuration
// checking (exit 2 with one "path: message" line per error), start-up banner,
// port-in-use failure (exit 1) and the graceful SIGTERM drain (exit 0).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "lifecycle-key-00000000000001";

std::string config_json(std::uint16_t mock_port, std::uint16_t listen_port = 0,
                        int drain_timeout_ms = 10000) {
  usagegate_config c = single_stage("lifeapi001", api_key, mock_port);
  c.gateway.listener.port = listen_port;
  c.gateway.workers = 2;
  c.gateway.drain_timeout_ms = drain_timeout_ms;
  return to_json(c);
}

/// Two errors the loader must both report: a quota period AWS does not have
/// and a usage plan key pointing at an unknown key. Raw JSON on purpose, not
/// to_json(): a deliberately invalid document, spelled out so that the error
/// paths the test expects ("usagePlans[0].quota.period") are visible in it.
constexpr const char* invalid_config = R"({
  "gateway": {"listener": {"address": "127.0.0.1", "port": 0},
              "stages": {"badapi0001/v1": {"upstream": {"url": "http://127.0.0.1:9"}}}},
  "restApis": [{"id": "badapi0001", "name": "bad", "resources": [{"id": "bres000001", "path": "/"}],
                "stages": [{"stageName": "v1"}]}],
  "usagePlans": [{"id": "bplan00001", "name": "bad",
                  "apiStages": [{"apiId": "badapi0001", "stage": "v1"}],
                  "quota": {"limit": 10, "offset": 0, "period": "YEAR"}}],
  "apiKeys": [],
  "usagePlanKeys": {"bplan00001": [{"id": "nosuchkey1", "type": "API_KEY"}]}
}
)";

struct run_result {
  int exit_code = -1;
  std::string output;
};

run_result run_usagegate(std::vector<std::string> args) {
  args.insert(args.begin(), bin_path("usagegate"));
  child_process p(std::move(args));
  const auto code = p.wait_exit(15s);
  return {code.value_or(-1), p.output()};
}

std::size_t count_lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s)
    n += c == '\n';
  return n;
}

TEST(Lifecycle, CheckConfigAcceptsAValidFile) {
  temp_dir dir;
  const auto cfg = dir.write("good.json", config_json(9));
  const run_result r = run_usagegate({"--check-config", cfg.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, cfg.string() + ": OK\n");
}

TEST(Lifecycle, CheckConfigListsEveryErrorAndExitsTwo) {
  temp_dir dir;
  const auto cfg = dir.write("bad.json", invalid_config);
  const run_result r = run_usagegate({"--check-config", cfg.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_GE(count_lines(r.output), 2u) << r.output;
  EXPECT_NE(r.output.find("usagePlans[0].quota.period"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nosuchkey1"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(": OK"), std::string::npos);

  // The gateway itself refuses to start on the same file, with the same lines.
  const run_result start = run_usagegate({"--config", cfg.string()});
  EXPECT_EQ(start.exit_code, 2);
  EXPECT_EQ(start.output, r.output);
}

TEST(Lifecycle, MissingFileAndBadArgumentsExitTwo) {
  EXPECT_EQ(run_usagegate({"--check-config", "/nonexistent/usagegate.json"}).exit_code, 2);
  const run_result unknown = run_usagegate({"--frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("--frobnicate"), std::string::npos);
  EXPECT_EQ(run_usagegate({}).exit_code, 2);
}

TEST(Lifecycle, VersionAndHelp) {
  const run_result v = run_usagegate({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.output.rfind("usagegate ", 0), 0u) << v.output;
  const run_result h = run_usagegate({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.output.find("--check-config"), std::string::npos);
  EXPECT_NE(h.output.find("--workers"), std::string::npos);
}

TEST(Lifecycle, BannerNamesListenerWorkersStagesAndCounts) {
  auto mock = start_mock_llm();
  temp_dir dir;
  auto gw = start_usagegate(dir.write("gw.json", config_json(mock.port)), {"--workers", "3"});
  const std::string out = gw.proc.output();
  EXPECT_NE(out.find("usagegate 0."), std::string::npos) << out;
  EXPECT_NE(out.find("workers:   3"), std::string::npos) << out;
  EXPECT_NE(out.find("lifeapi001/v1"), std::string::npos) << out;
  EXPECT_NE(out.find("http://127.0.0.1:" + std::to_string(mock.port)), std::string::npos) << out;
  EXPECT_NE(out.find("keys:      1, usage plans: 1"), std::string::npos) << out;
  EXPECT_EQ(out.find(api_key), std::string::npos) << "a key value was printed";
  gw.proc.send_signal(SIGINT);
  EXPECT_EQ(gw.proc.wait_exit(10s), 0);
}

TEST(Lifecycle, PortInUseExitsOne) {
  auto mock = start_mock_llm();
  temp_dir dir;
  // The mock's own port is taken.
  const run_result r =
      run_usagegate({"--config", dir.write("gw.json", config_json(mock.port, mock.port)).string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot listen on 127.0.0.1:" + std::to_string(mock.port)),
            std::string::npos)
      << r.output;
}

TEST(Lifecycle, SigtermDrainsAStreamInFlightThenExitsZero) {
  auto mock = start_mock_llm();
  temp_dir dir;
  auto gw = start_usagegate(dir.write("gw.json", config_json(mock.port)));

  http_connection idle(gw.port);  // keep-alive, waiting: closed at once by the drain
  ASSERT_TRUE(idle.request("GET", "/v1/models", {{"x-api-key", api_key}}));

  http_connection streaming(gw.port, 10s);
  ASSERT_TRUE(streaming.send_request(
      "POST", "/v1/chat/completions",
      {{"x-api-key", api_key}, {"x-mock-tokens", "15"}, {"x-mock-chunk-interval-ms", "100"}},
      R"({"model":"m","stream":true,"messages":[]})"));
  const std::string head = streaming.read_until("data: {", 5s);
  ASSERT_NE(head.find("data: {"), std::string::npos) << head;

  gw.proc.send_signal(SIGTERM);
  EXPECT_TRUE(idle.closed_by_peer(5s));
  // The stream runs to its end although the gateway is shutting down.
  const std::string rest = streaming.read_until("data: [DONE]", 10s);
  EXPECT_NE(rest.find("data: [DONE]"), std::string::npos) << head << rest;
  EXPECT_TRUE(streaming.closed_by_peer(5s));
  EXPECT_EQ(gw.proc.wait_exit(10s), 0) << gw.proc.output();
  // No new connections once draining started.
  http_connection late(gw.port, 1s);
  EXPECT_FALSE(late.request("GET", "/v1/models", {{"x-api-key", api_key}}));
}

TEST(Lifecycle, DrainTimeoutCutsStreamsThatRunTooLong) {
  auto mock = start_mock_llm();
  temp_dir dir;
  auto gw = start_usagegate(dir.write("gw.json", config_json(mock.port, 0, 300)));
  http_connection streaming(gw.port, 10s);
  ASSERT_TRUE(streaming.send_request(
      "POST", "/v1/chat/completions",
      {{"x-api-key", api_key}, {"x-mock-tokens", "400"}, {"x-mock-chunk-interval-ms", "50"}},
      R"({"model":"m","stream":true,"messages":[]})"));
  ASSERT_NE(streaming.read_until("data: {", 5s).find("data: {"), std::string::npos);
  gw.proc.send_signal(SIGTERM);
  EXPECT_EQ(gw.proc.wait_exit(10s), 0) << gw.proc.output();
  EXPECT_TRUE(streaming.closed_by_peer(5s));
}

}  // namespace
}  // namespace ug::test
