// gateway.onStateFailure end to end: a real usagegate whose state database
// stops taking writes (the test holds SQLite's write lock on usage.db, as a
// backup or a stray sqlite3 shell would, so every write fails with
// SQLITE_BUSY after busy_timeout). Closed refuses with 429 Limit Exceeded once
// the reserved chunk is used up; open keeps serving and counting; both count
// their decisions on /metrics, log the outage once and recover by themselves.
#include "tests/support/admin.hpp"
#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <utility>

#include "store/sqlite.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr const char* api_key = "state-failure-key-000000000001";
constexpr int limit = 30;
constexpr int chunk = 4;  // quotaReserveChunk: how far a count may run ahead of the lock
// The gateway's SQLite busy_timeout. While the store fails, the requests must
// not wait it out one each (3 * chunk waits, 60 s): at most one request and the
// writer's flush may, so the bound is two waits and slack for a loaded machine.
constexpr auto busy_timeout = std::chrono::seconds(5);
constexpr auto at_most_two_waits = 2 * busy_timeout + std::chrono::seconds(4);

std::string config_json(std::uint16_t upstream_port, const std::string& state_dir,
                        const std::string& policy) {
  usagegate_config c = models_stage({.api = "sfapi00001",
                                     .root = "sfres00001",
                                     .models = "sfres00002",
                                     .plan = "sfplan0001",
                                     .key = "sfkey00001",
                                     .name = "state-failure"},
                                    api_key, upstream_port);
  c.gateway.workers = 2;
  c.gateway.state_directory = state_dir;
  c.gateway.quota_reserve_chunk = chunk;
  c.gateway.state_flush_interval_ms = 50;
  c.gateway.on_state_failure = policy;
  c.usage_plans[0].quota = quota_limits{.limit = limit, .period = "MONTH"};
  c.api_keys[0].name = "sf";
  return to_json(c);
}

std::string decisions(const std::string& decision) {
  return R"(usagegate_state_failure_decisions_total{decision=")" + decision + R"("})";
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

/// Holds the write lock of a usage.db from this process for its lifetime.
class write_lock {
 public:
  explicit write_lock(const std::filesystem::path& db) : db_(db.string(), false, false) {
    db_.exec("PRAGMA busy_timeout = 10000");  // the gateway may be committing right now
    db_.exec("BEGIN EXCLUSIVE");
  }
  ~write_lock() {
    try {
      db_.exec("ROLLBACK");
    } catch (const store::sqlite_error&) {
      // Closing the connection releases the lock as well.
    }
  }
  write_lock(const write_lock&) = delete;
  write_lock& operator=(const write_lock&) = delete;

 private:
  store::database db_;
};

class StateFailure : public gateway_test {
 protected:
  void SetUp() override { start_mock({"--threads", "2"}); }

  std::filesystem::path write_config(const std::string& policy) {
    return write_config_file(config_json(mock_port(), state_dir().string(), policy));
  }
  [[nodiscard]] std::filesystem::path state_dir() const { return dir_.path() / "state"; }

  /// One request; the connection waits out a synchronous write that hits
  /// the lock (busy_timeout, 5 s) with room to spare.
  static quota_answer ask(http_connection& conn) {
    return expect_quota_answer(conn.request("GET", "/test/models", with_api_key(api_key)));
  }

  /// Sends `n` requests one after the other: {200s, Limit Exceeded}.
  static std::pair<int, int> send(std::uint16_t port, int n) {
    http_connection conn(port, 20s);
    return count_quota_answers(conn, "/test/models", api_key, n);
  }
};

TEST_F(StateFailure, ClosedRefusesOnceTheReservationRunsOutAndRecovers) {
  usagegate_process gate = start_usagegate(write_config("closed"));
  const std::uint16_t admin = admin_port_of(gate);
  ASSERT_EQ(send(gate.port, 2), std::make_pair(2, 0));

  int ok_while_locked = 0;
  int refused_while_locked = 0;
  {
    const write_lock lock(state_dir() / "usage.db");
    const auto start = steady::now();
    http_connection conn(gate.port, 20s);
    bool refusing = false;
    for (int i = 0; i < 3 * chunk; ++i) {
      const quota_answer a = ask(conn);
      if (a == quota_answer::ok) {
        EXPECT_FALSE(refusing) << "admitted after a refusal while the store still fails";
        ++ok_while_locked;
      } else if (a == quota_answer::limit_exceeded) {
        refusing = true;
        ++refused_while_locked;
      }
    }
    EXPECT_LT(steady::now() - start, at_most_two_waits)
        << "one wait for the failing store, not one each";
    // Only what the store had reserved before the lock can still be admitted.
    EXPECT_LE(ok_while_locked, chunk);
    EXPECT_GE(refused_while_locked, 2 * chunk);
    EXPECT_EQ(scrape_metric(admin, decisions("refused")), refused_while_locked);
    EXPECT_EQ(scrape_metric(admin, decisions("admitted")), 0);
    const std::string out = gate.proc.output();
    EXPECT_EQ(occurrences(out, "usagegate: state: cannot "), 1u) << out;
    EXPECT_NE(out.find("(onStateFailure closed)"), std::string::npos) << out;
  }

  // The writer retries every interval; the first success serves the key again.
  const std::regex again(R"(usagegate: state: writing .*usage\.db again)");
  ASSERT_FALSE(gate.proc.wait_for_line(again, 20s).empty()) << gate.proc.output();
  EXPECT_EQ(send(gate.port, 1), std::make_pair(1, 0));
  EXPECT_EQ(occurrences(gate.proc.output(), "usagegate: state: cannot "), 1u);
  ASSERT_EQ(stop_usagegate(gate, 15s), 0) << gate.proc.output();

  // Refused requests cost nothing: the restart resumes from what was admitted.
  const int used = 2 + ok_while_locked + 1;
  usagegate_process again_gate = start_usagegate(write_config("closed"));
  EXPECT_EQ(send(again_gate.port, limit - used + 3), std::make_pair(limit - used, 3));
  ASSERT_EQ(stop_usagegate(again_gate, 15s), 0) << again_gate.proc.output();
}

TEST_F(StateFailure, OpenKeepsServingAndCountingInMemory) {
  usagegate_process gate = start_usagegate(write_config("open"));
  const std::uint16_t admin = admin_port_of(gate);
  ASSERT_EQ(send(gate.port, 2), std::make_pair(2, 0));

  constexpr int while_locked = 3 * chunk;
  {
    const write_lock lock(state_dir() / "usage.db");
    const auto start = steady::now();
    EXPECT_EQ(send(gate.port, while_locked), std::make_pair(while_locked, 0));
    // One request may wait out busy_timeout (5 s) before the failure is known
    // (its own write, or the writer's); the others never touch the store.
    EXPECT_LT(steady::now() - start, at_most_two_waits) << gate.proc.output();
    const auto admitted = scrape_metric(admin, decisions("admitted"));
    ASSERT_TRUE(admitted.has_value());
    EXPECT_GE(*admitted, while_locked - chunk);
    EXPECT_LE(*admitted, while_locked);
    EXPECT_EQ(scrape_metric(admin, decisions("refused")), 0);
    const std::string out = gate.proc.output();
    EXPECT_EQ(occurrences(out, "usagegate: state: cannot "), 1u) << out;
    EXPECT_NE(out.find("(onStateFailure open)"), std::string::npos) << out;
  }

  const std::regex again(R"(usagegate: state: writing .*usage\.db again)");
  ASSERT_FALSE(gate.proc.wait_for_line(again, 20s).empty()) << gate.proc.output();
  ASSERT_EQ(stop_usagegate(gate, 15s), 0) << gate.proc.output();

  // Admitted during the outage and written once the store recovered: the
  // quota after a restart is what is left after all of them.
  const int used = 2 + while_locked;
  usagegate_process again_gate = start_usagegate(write_config("open"));
  EXPECT_EQ(send(again_gate.port, limit - used + 3), std::make_pair(limit - used, 3));
  ASSERT_EQ(stop_usagegate(again_gate, 15s), 0) << again_gate.proc.output();
}

}  // namespace
}  // namespace ug::test
