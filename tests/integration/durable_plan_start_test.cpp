// gateway.quotaOffsetMeaning "initialRequests" with a state directory, with
// real processes: the plan's start is recorded in usage.db at the first
// start-up, so a restart in the first period keeps both the reduced limit and
// the count, and a restart after it does not reduce the limit again (as on
// AWS, where a plan has one first period). A start the store refuses stops
// start-up.
#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/gateway_fixture.hpp"
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
  usagegate_config c = models_stage({.api = "startapi01",
                                     .root = "stres00001",
                                     .models = "stres00002",
                                     .plan = "splan00001",
                                     .key = "skey000001",
                                     .name = "plan start"},
                                    api_key, upstream_port);
  c.gateway.state_directory = state_dir;
  c.gateway.quota_offset_meaning = "initialRequests";
  c.usage_plans[0].quota = quota_limits{.limit = 5, .offset = 3, .period = "MONTH"};
  return to_json(c);
}

std::int64_t utc_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class DurablePlanStart : public gateway_test {
 protected:
  void SetUp() override { start_mock({"--threads", "1"}); }

  std::filesystem::path write_config() {
    return write_config_file(config_json(mock_port(), state_dir().string()));
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
    std::pair<int, int> answers;
    {
      http_connection conn(gate.port, 10s);
      answers = count_quota_answers(conn, "/test/models", api_key, n);
    }
    EXPECT_EQ(stop_usagegate(gate, 15s), 0) << gate.proc.output();
    return answers;
  }
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
