// The two seed scripts of examples/seeds/, end to end: each builds its
// reference deployment with AWS CLI calls against a running usagegate and
// checks the data plane enforcing it (200, 403, 429, get-usage); a script
// exits non-zero at the first answer it did not expect.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/aws_clients.hpp"
#include "tests/support/gateway_config.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace ug::test {
namespace {

class SeedScripts : public gateway_test {
 protected:
  void start(const std::string& offset_meaning) {
    start_mock();
    usagegate_config c;
    c.gateway.state_directory = (dir_.path() / "state").string();
    c.gateway.quota_offset_meaning = offset_meaning;
    start_gateway(to_json(c));
    clients_.emplace(dir_, "http://127.0.0.1:" + std::to_string(admin_port()));
  }

  /// Runs examples/seeds/<name> against this gateway and the mock LLM.
  client_run seed(const std::string& name) {
    return clients_->run({"/usr/bin/env", "UG_ADMIN=" + clients_->endpoint(),
                          "UG_GATEWAY=http://127.0.0.1:" + std::to_string(port()),
                          "UG_UPSTREAM=http://127.0.0.1:" + std::to_string(mock_port()), "bash",
                          std::string(UG_SOURCE_DIR) + "/examples/seeds/" + name});
  }

  std::optional<aws_clients> clients_;
};

TEST_F(SeedScripts, AiApiWeekly) {
  start("startDay");
  const client_run r = seed("ai-api-weekly.sh");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("GET /endpoint with the key: 200"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GET /endpoint without a key: 403"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ai-api-weekly: OK"), std::string::npos) << r.out << r.err;
}

TEST_F(SeedScripts, ProdDailyOffsetReadAsInitialRequests) {
  start("initialRequests");
  const client_run r = seed("prod-daily-offset.sh");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("remaining after the first request: 998"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("prod-daily-offset: OK"), std::string::npos) << r.out << r.err;
}

TEST_F(SeedScripts, ProdDailyOffsetUnderStartDaySaysWhy) {
  start("startDay");
  const client_run r = seed("prod-daily-offset.sh");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("create-usage-plan refused offset 1 on a DAY quota"), std::string::npos)
      << r.out << r.err;
  EXPECT_NE(r.out.find("BadRequestException"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ug::test
