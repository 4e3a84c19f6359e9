// The admin listener of the real usagegate process under the review's
// attacks: idle connections that would starve /healthz, a web page posting
// /reload (text/plain body, foreign Origin, DNS-rebound Host), an admin
// address beyond loopback without a token, listener addresses start-up cannot
// bind, and a key value pasted where a key id belongs (never echoed by
// --check-config nor by the POST /reload 422). Real usagegate and mock-llm
// processes on 127.0.0.1.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/admin.hpp"
#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "admin-security-key-00000000001";
constexpr const char* admin_token = "f3a9c1e07b2d4856a0c9e1f2b3d4a5c6-test";

/// The single-stage config in front of `upstream_port` with `admin` as gateway.admin.
usagegate_config test_config(std::uint16_t upstream_port, const admin_settings& admin = {}) {
  usagegate_config c = single_stage("testapi001", api_key, upstream_port);
  c.gateway.admin = admin;
  return c;
}

struct gateway {
  usagegate_process process;
  std::uint16_t admin_port = 0;
};

class AdminSecurity : public ::testing::Test {
 protected:
  void SetUp() override { mock_.emplace(start_mock_llm()); }

  gateway start(const admin_settings& admin = {}) {
    const auto config = dir_.write("gw.json", to_json(test_config(mock_->port, admin)));
    gateway g{start_usagegate(config), 0};
    g.admin_port = admin_port_of(g.process);
    return g;
  }

  static void stop(gateway& g) {
    g.process.proc.send_signal(SIGTERM);
    EXPECT_EQ(g.process.proc.wait_exit(15s), 0) << g.process.proc.output();
  }

  /// `usagegate --check-config FILE`: exit code and everything it printed.
  static std::pair<int, std::string> check_config(const std::filesystem::path& config) {
    child_process check({bin_path("usagegate"), "--check-config", config.string()});
    const auto rc = check.wait_exit(30s);
    return {rc.value_or(-1), check.output()};
  }

  temp_dir dir_;
  std::optional<mock_llm_process> mock_;
};

TEST_F(AdminSecurity, SixtyFourIdleAdminConnectionsLeaveHealthzReachable) {
  gateway g = start();
  std::vector<http_connection> idle;
  for (int i = 0; i < 64; ++i) {
    idle.emplace_back(g.admin_port);
    ASSERT_TRUE(idle.back().connected()) << i;
  }
  for (int probe = 0; probe < 39; ++probe) {
    const auto r = http_request(g.admin_port, "GET", "/healthz");
    ASSERT_TRUE(r) << "probe " << probe;
    EXPECT_EQ(r->status, 200);
  }
  stop(g);
}

TEST_F(AdminSecurity, AWebPageCannotTriggerAReload) {
  gateway g = start();
  const std::string own_host = "127.0.0.1:" + std::to_string(g.admin_port);
  struct attempt {
    const char* what;
    header_list headers;
    std::string body;
  };
  const std::vector<attempt> attempts = {
      {"a form posting text/plain", {{"Content-Type", "text/plain"}}, "x"},
      {"a form posting urlencoded", {{"Content-Type", "application/x-www-form-urlencoded"}}, "a=b"},
      {"fetch from another origin",
       {{"Origin", "http://attacker.example"}, {"Content-Type", "application/json"}},
       "{}"},
      {"a body-less fetch (it sends Origin)", {{"Origin", "http://" + own_host}}, ""},
      {"a DNS-rebound page",
       {{"Host", "rebind.attacker.example:" + std::to_string(g.admin_port)}},
       ""},
  };
  for (const attempt& a : attempts) {
    const auto r = http_request(g.admin_port, "POST", "/reload", a.headers, a.body);
    ASSERT_TRUE(r) << a.what;
    EXPECT_EQ(r->status, 403) << a.what << ": " << r->body;
    EXPECT_EQ(r->header("content-type"), "application/json") << a.what;
    EXPECT_EQ(r->body.rfind(R"({"message":")", 0), 0u) << a.what << ": " << r->body;
  }
  // None reached the reload; curl's shape (no Origin, no body) does.
  const auto metrics = http_request(g.admin_port, "GET", "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nusagegate_config_reloads_total{result=\"ok\"} 0\n"),
            std::string::npos);
  const auto ok = http_request(g.admin_port, "POST", "/reload");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  stop(g);
}

TEST_F(AdminSecurity, WithATokenEveryRouteButTheProbesNeedsIt) {
  dir_.write("admin-token", std::string(admin_token) + "\n");
  gateway g = start({.auth_token_file = "admin-token"});

  auto r = http_request(g.admin_port, "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->header("www-authenticate"), R"(Bearer realm="usagegate admin")");
  r = http_request(g.admin_port, "POST", "/reload",
                   {{"Authorization", "Bearer not-the-admin-token-0000000000000"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = http_request(g.admin_port, "GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = http_request(g.admin_port, "GET", "/metrics",
                   {{"Authorization", std::string("Bearer ") + admin_token}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("usagegate_config_reloads_total"), std::string::npos);
  r = http_request(g.admin_port, "POST", "/reload",
                   {{"Authorization", std::string("Bearer ") + admin_token}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  stop(g);
  EXPECT_NE(g.process.proc.output().find("bearer token required"), std::string::npos);
  EXPECT_EQ(g.process.proc.output().find(admin_token), std::string::npos);
}

TEST_F(AdminSecurity, AnAdminBeyondLoopbackWithoutATokenIsAConfigError) {
  const auto config =
      dir_.write("gw.json", to_json(test_config(mock_->port, {.address = "0.0.0.0"})));
  const auto [rc, out] = check_config(config);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find(R"(gateway.admin.address: "0.0.0.0" is not a loopback address)"),
            std::string::npos)
      << out;
  // Start-up refuses it the same way, before binding anything.
  child_process run({bin_path("usagegate"), "--config", config.string()});
  EXPECT_EQ(run.wait_exit(30s), 2) << run.output();
  EXPECT_EQ(run.output().find("listening on"), std::string::npos) << run.output();
}

TEST_F(AdminSecurity, AHostNameAsListenerAddressFailsTheCheckLikeTheStart) {
  usagegate_config c = test_config(mock_->port);
  c.gateway.listener.address = "localhost";
  const auto config = dir_.write("gw.json", to_json(c));
  const auto [rc, out] = check_config(config);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find(R"(gateway.listener.address: "localhost" is a host name)"), std::string::npos)
      << out;
  // A config error (2) with the same line, not a bind failure (1) after the banner.
  child_process run({bin_path("usagegate"), "--config", config.string()});
  EXPECT_EQ(run.wait_exit(30s), 2) << run.output();
  EXPECT_NE(run.output().find("gateway.listener.address: "), std::string::npos) << run.output();
}

TEST_F(AdminSecurity, AKeyValueWhereItsIdBelongsIsNeverEchoed) {
  gateway g = start();
  // The usage plan key names the key by its value instead of its id.
  usagegate_config c = test_config(mock_->port);
  c.usage_plans[0].key_ids = {api_key};
  const auto config = dir_.write("gw.json", to_json(c));

  const auto [rc, out] = check_config(config);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("usagePlanKeys.tplan00001[0].id: this is the value of API key 'tkey000001'"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find(api_key), std::string::npos) << out;

  const auto r = http_request(g.admin_port, "POST", "/reload");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_NE(r->body.find("usagePlanKeys.tplan00001[0].id"), std::string::npos) << r->body;
  EXPECT_EQ(r->body.find(api_key), std::string::npos) << r->body;
  stop(g);
  const std::string output = g.process.proc.output();
  EXPECT_NE(output.find("usagegate: reload (POST /reload) failed"), std::string::npos) << output;
  EXPECT_EQ(output.find(api_key), std::string::npos) << output;
}

}  // namespace
}  // namespace ug::test
