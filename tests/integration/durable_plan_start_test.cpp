// gateway.quotaOffsetMeaning "initialRequests" with a state directory, with
// real processes: the plan's start is recorded in usage.db at the first
// start-up, so a restart in the first period keeps both the reduced limit and
// the count, and a restart after it does not reduce the limit again (as on
// AWS, where a plan has one first period). A start the store refuses stops
// start-up.
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "store/sqlite.hpp"
#include "store/usage_store.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "plan-start-key-000000000001";
constexpr std::int64_t day_ns = 86'400'000'000'000;

/// A MONTH quota of 5 with offset 3 under "initialRequests": 2 requests in
/// the plan's first month, 5 in every later one.
std::string config_json(std::uint16_t upstream_port, const std::string& state_dir) {
  return R"({
  "gateway": {
    "listener": {"address": "127.0.0.1", "port": 0},
    "admin": {"address": "127.0.0.1", "port": 0},
    "workers": 1,
    "stateDirectory": ")" +
         state_dir + R"(",
    "quotaOffsetMeaning": "initialRequests",
    "stages": {"startapi01/test": {"basePath": "/test",
                                   "upstream": {"url": "http://127.0.0.1:)" +
         std::to_string(upstream_port) + R"("}}}
  },
  "restApis": [{"id": "startapi01", "name": "plan start", "apiKeySource": "HEADER",
    "resources": [
      {"id": "stres00001", "path": "/"},
      {"id": "stres00002", "parentId": "stres00001", "pathPart": "models", "path": "/models",
       "resourceMethods": {"GET": {"httpMethod": "GET", "apiKeyRequired": true}}}],
    "stages": [{"stageName": "test"}]}],
  "usagePlans": [{"id": "splan00001", "name": "plan start",
    "apiStages": [{"apiId": "startapi01", "stage": "test"}],
    "quota": {"limit": 5, "offset": 3, "period": "MONTH"}}],
  "apiKeys": [{"id": "skey000001", "name": "plan start", "enabled": true, "value": ")" +
         std::string(api_key) + R"("}],
  "usagePlanKeys": {"splan00001": [{"id": "skey000001", "type": "API_KEY"}]}
}
)";
}

std::int64_t utc_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class DurablePlanStart : public ::testing::Test {
 protected:
  void SetUp() override { mock_.emplace(start_mock_llm({"--threads", "1"})); }

  std::filesystem::path write_config() {
    return dir_.write("usagegate.json", config_json(mock_->port, state_dir().string()));
  }
  [[nodiscard]] std::filesystem::path state_dir() const { return dir_.path() / "state"; }
  [[nodiscard]] std::string db_file() const { return (state_dir() / "usage.db").string(); }

  /// The start usage.db holds for the plan (read while no gateway runs).
  [[nodiscard]] std::optional<std::int64_t> stored_start() const {
    store::database db(db_file(), false, true);
    store::statement s(db, "SELECT start_utc_ns FROM plan_starts WHERE plan_id = 'splan00001'");
    if (!s.step()) {
      return std::nullopt;
    }
    return s.column_int64(0);
  }

  /// Starts the gateway, sends `n` requests one after the other, stops it
  /// cleanly; returns (200s, 429 Limit Exceeded).
  std::pair<int, int> run_gateway(const std::filesystem::path& config, int n) {
    usagegate_process gate = start_usagegate(config);
    int ok = 0;
    int refused = 0;
    {
      http_connection conn(gate.port, 10s);
      for (int i = 0; i < n; ++i) {
        const auto r = conn.request("GET", "/test/models", {{"x-api-key", api_key}});
        if (r && r->status == 200) {
          ++ok;
        } else if (r && r->status == 429 && r->body == R"({"message":"Limit Exceeded"})") {
          ++refused;
        } else {
          ADD_FAILURE() << "unexpected response " << (r ? r->status : 0);
        }
      }
    }
    EXPECT_EQ(stop_usagegate(gate, 15s), 0) << gate.proc.output();
    return {ok, refused};
  }

  temp_dir dir_;
  std::optional<mock_llm_process> mock_;
};

TEST_F(DurablePlanStart, RestartsKeepThePlansOneFirstPeriod) {
  const auto config = write_config();
  const std::int64_t before_ns = utc_now_ns();
  // First period: 5 - 3 = 2 requests.
  EXPECT_EQ(run_gateway(config, 4), std::make_pair(2, 2));
  const std::optional<std::int64_t> start = stored_start();
  ASSERT_TRUE(start.has_value());
  EXPECT_GE(*start, before_ns);
  EXPECT_LE(*start, utc_now_ns());

  // A restart in the same month: still the first period (the stored start,
  // not a new one), and the 2 requests stay counted.
  EXPECT_EQ(run_gateway(config, 3), std::make_pair(0, 3));
  EXPECT_EQ(stored_start(), start);

  // A restart after the first period: moving the stored start back 32 days
  // stands in for the month having passed. The full limit of 5 applies, and
  // this month's 2 requests stay counted: 3 more, not a second reduction.
  {
    store::database db(db_file(), false, false);
    store::statement shift(db, "UPDATE plan_starts SET start_utc_ns = start_utc_ns - ?1");
    shift.bind(1, 32 * day_ns);
    shift.run();
  }
  EXPECT_EQ(run_gateway(config, 5), std::make_pair(3, 2));
  EXPECT_EQ(stored_start(), *start - 32 * day_ns);
}

TEST_F(DurablePlanStart, AStartTheStoreCannotRecordStopsStartUp) {
  const auto config = write_config();
  { auto made = store::usage_store::open_for_gateway(state_dir()); }
  {
    // Stands in for a full disk or an I/O error on this one write.
    store::database db(db_file(), false, false);
    db.exec(
        "CREATE TRIGGER refuse_starts BEFORE INSERT ON plan_starts "
        "BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END");
  }
  child_process gate({bin_path("usagegate"), "--config", config.string()});
  ASSERT_EQ(gate.wait_exit(15s), 1) << gate.output();
  const std::string out = gate.output();
  EXPECT_NE(out.find("usage plan splan00001"), std::string::npos) << out;
  EXPECT_NE(out.find(db_file()), std::string::npos) << out;
  EXPECT_NE(out.find("disk I/O error (test)"), std::string::npos) << out;
  EXPECT_NE(out.find("Fix:"), std::string::npos) << out;
  EXPECT_EQ(out.find("usagegate: ready"), std::string::npos) << out;
  EXPECT_FALSE(stored_start().has_value());
}

}  // namespace
}  // namespace ug::test
