// GetUsage and UpdateUsage end to end in one process, as usagegate wires
// them: a compiled config whose quotas count into a durable journal over a
// real usage.db, requests decided by the snapshot, and the control plane's
// operations over journal_usage_access. The numbers are exact and current,
// an update is live for the next request, and it survives a crash.
#include "gateway/app/journal_usage_access.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "gateway/control/usage_operations.hpp"
#include "limiter/clock.hpp"
#include "store/durable_journal.hpp"
#include "store/usage_store.hpp"
#include "tests/support/process.hpp"

namespace ug::gateway {
namespace {

// 2023-11-14 (a Tuesday) 01:00 UTC; its MONTH period began on 2023-11-01.
constexpr std::int64_t day0_utc_ns = 19'675 * 86'400'000'000'000 + 3'600'000'000'000;

constexpr std::string_view config_json = R"({
  "gateway": {"stages": {"api0000001/v1": {"upstream": {"url": "http://127.0.0.1:1"}}}},
  "restApis": [{
    "id": "api0000001", "name": "ai_api",
    "resources": [
      {"id": "root01", "path": "/"},
      {"id": "endp01", "path": "/endpoint", "resourceMethods": {
        "GET": {"httpMethod": "GET", "authorizationType": "NONE", "apiKeyRequired": true}}}
    ],
    "stages": [{"stageName": "v1"}]
  }],
  "usagePlans": [{"id": "gold01", "name": "gold",
                  "apiStages": [{"apiId": "api0000001", "stage": "v1"}],
                  "quota": {"limit": 1000, "period": "MONTH"}}],
  "apiKeys": [
    {"id": "key0000001", "name": "alice", "enabled": true, "value": "alice-value-00000000000001"},
    {"id": "key0000002", "name": "bob", "enabled": true, "value": "bob-value-0000000000000002"}
  ],
  "usagePlanKeys": {"gold01": [{"id": "key0000001"}, {"id": "key0000002"}]}
})";

/// What main.cpp builds with a state directory: registry, store, journal
/// (set on the registry before compiling, attached after), the snapshot, and
/// the usage access the control plane is given.
struct running_gateway {
  limiter::state_registry state;
  std::unique_ptr<store::usage_store> usage_db;
  std::unique_ptr<store::durable_journal> journal;
  config::document doc;
  std::shared_ptr<const config::compiled_config> snapshot;
  std::unique_ptr<journal_usage_access> usage;

  running_gateway(const std::filesystem::path& dir, const limiter::clock& clock) {
    config::load_result loaded = config::load_string(config_json);
    EXPECT_TRUE(loaded.doc.has_value());
    doc = std::move(*loaded.doc);
    usage_db = store::usage_store::open_for_gateway(dir);
    journal = std::make_unique<store::durable_journal>(
        *usage_db, clock, store::journal_settings{std::chrono::milliseconds(1000), 0});
    state.set_journal(journal.get());
    state.set_plan_start_ledger(journal.get());
    snapshot = config::compiled_config::compile(doc, state, clock.now());
    std::vector<store::quota_binding> bindings;
    snapshot->for_each_quota([&bindings](std::string_view plan_id, std::string_view key_id,
                                         const limiter::quota_params& params,
                                         const std::shared_ptr<limiter::key_plan_state>& s) {
      bindings.push_back(store::quota_binding{plan_id, key_id, params, s});
    });
    journal->attach(bindings);
    usage = std::make_unique<journal_usage_access>(*journal, state);
  }

  config::outcome request(const limiter::clock& clock, std::string_view key_value) const {
    config::request_facts facts;
    facts.method = "GET";
    facts.target = "/v1/endpoint";
    facts.api_key = key_value;
    facts.has_api_key = true;
    facts.now = clock.now();
    return snapshot->decide(facts).result;
  }

  control::control_response get_usage(std::string_view query) {
    return run("GET", "/usageplans/gold01/usage", query,
               [this](const auto& c) { return control::get_usage(c, *usage); });
  }

  control::control_response update_usage(std::string_view key_id, std::string_view remaining) {
    const std::string body = R"({"patchOperations":[{"op":"replace","path":"/remaining",)"
                             R"("value":")" +
                             std::string(remaining) + "\"}]}";
    return run("PATCH", "/usageplans/gold01/keys/" + std::string(key_id) + "/usage", "",
               [this, &body](const auto& c) { return control::update_usage(c, *usage, body); });
  }

  template <class Op>
  control::control_response run(std::string_view method, const std::string& path,
                                std::string_view query, Op op) {
    const std::optional<control::query_params> q = control::query_params::parse(query);
    const control::route_result routed = control::route(method, path, *q);
    EXPECT_TRUE(routed.match.has_value()) << path;
    const control::operation_context c{*routed.match, *q, snapshot->source_document()};
    return op(c);
  }
};

constexpr std::string_view alice = "alice-value-00000000000001";
constexpr std::string_view bob = "bob-value-0000000000000002";

TEST(JournalUsageAccess, GetUsageCountsEveryAdmittedRequestFlushedOrNot) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  running_gateway gw(dir.path(), clock);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(gw.request(clock, alice), config::outcome::forward);
  }
  ASSERT_TRUE(gw.journal->flush());
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(gw.request(clock, alice), config::outcome::forward);
  }
  clock.advance_ns(1'000'000);  // one millisecond later, before any flush
  const control::control_response r = gw.get_usage("startDate=2023-11-13&endDate=2023-11-14");
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body,
            R"({"usagePlanId":"gold01","startDate":"2023-11-13","endDate":"2023-11-14",)"
            R"("values":{"key0000001":[[0,1000],[5,995]],"key0000002":[[0,1000],[0,1000]]}})");
}

TEST(JournalUsageAccess, UpdateUsageIsLiveForTheNextRequest) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  running_gateway gw(dir.path(), clock);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(gw.request(clock, alice), config::outcome::forward);
  }
  const control::control_response r = gw.update_usage("key0000001", "2");
  ASSERT_EQ(r.status, 200u) << r.body;
  std::string days;
  for (int day = 1; day < 14; ++day) {
    days += "[0,1000],";
  }
  EXPECT_EQ(r.body, R"({"usagePlanId":"gold01","startDate":"2023-11-01","endDate":"2023-11-14",)"
                    R"("values":{"key0000001":[)" +
                        days + "[4,2]]}}")
      << "the period so far: the four requests, and what is left now";
  EXPECT_EQ(gw.request(clock, alice), config::outcome::forward);
  EXPECT_EQ(gw.request(clock, alice), config::outcome::forward);
  EXPECT_EQ(gw.request(clock, alice), config::outcome::quota_exceeded);
  EXPECT_EQ(gw.request(clock, bob), config::outcome::forward);
  EXPECT_EQ(gw.get_usage("startDate=2023-11-14&endDate=2023-11-14").body,
            R"({"usagePlanId":"gold01","startDate":"2023-11-14","endDate":"2023-11-14",)"
            R"("values":{"key0000001":[[6,0]],"key0000002":[[1,999]]}})");
}

TEST(JournalUsageAccess, AnUpdateAnsweredSurvivesACrash) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  {
    running_gateway gw(dir.path(), clock);
    ASSERT_EQ(gw.request(clock, alice), config::outcome::forward);
    ASSERT_EQ(gw.update_usage("key0000001", "7").status, 200u);
    // No stop(): nothing is written after the answer, as after kill -9.
  }
  running_gateway back(dir.path(), clock);
  EXPECT_EQ(back.get_usage("startDate=2023-11-14&endDate=2023-11-14&keyId=key0000001").body,
            R"({"usagePlanId":"gold01","startDate":"2023-11-14","endDate":"2023-11-14",)"
            R"("values":{"key0000001":[[0,7]]}})")
      << "the request before the set was never flushed: the crash lost it from the day, "
         "not from the quota";
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(back.request(clock, alice), config::outcome::forward) << i;
  }
  EXPECT_EQ(back.request(clock, alice), config::outcome::quota_exceeded);
}

TEST(JournalUsageAccess, AKeyTheRegistryNeverSawIsNotFound) {
  ug::test::temp_dir dir;
  limiter::manual_clock clock({1, day0_utc_ns});
  running_gateway gw(dir.path(), clock);
  const control::remaining_update r = gw.usage->set_remaining("gold01", "nokey00001", 5);
  EXPECT_EQ(r.status, control::usage_status::not_found);
  EXPECT_EQ(gw.state.find_key_plan("gold01", "nokey00001"), nullptr) << "and none was created";
}

}  // namespace
}  // namespace ug::gateway
