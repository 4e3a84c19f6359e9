// Where a usage plan's start comes from (the initialRequests offset reduces
// only the period it falls in): the state registry's plan-start ledger first,
// then the snapshot being replaced, else the compile time, which is then
// recorded before the snapshot exists.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/snapshot/compiled_config.hpp"
#include "limiter/plan_start_ledger.hpp"

namespace ug::config {
namespace {

constexpr std::int64_t hour_ns = 3'600'000'000'000;
constexpr std::int64_t day_ns = 24 * hour_ns;
// 2024-03-05T12:00:00Z.
constexpr std::int64_t t0_utc = 1'709'640'000'000'000'000;

const std::string key_a = "key-a-value-0123456789";

/// A ledger standing in for the state store: what it holds, what compile
/// asked it to record, and an optional failure.
class fake_ledger final : public limiter::plan_start_ledger {
 public:
  std::optional<std::int64_t> recorded_start(std::string_view plan_id) override {
    const auto it = starts.find(plan_id);
    return it == starts.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
  }
  void record_starts(const std::vector<limiter::plan_start>& batch) override {
    if (!failure.empty()) {
      throw std::runtime_error(failure);
    }
    std::vector<std::pair<std::string, std::int64_t>> written;
    for (const limiter::plan_start& s : batch) {
      written.emplace_back(std::string(s.plan_id), s.start_utc_ns);
      starts.emplace(std::string(s.plan_id), s.start_utc_ns);
    }
    batches.push_back(std::move(written));
  }

  std::map<std::string, std::int64_t, std::less<>> starts;
  std::vector<std::vector<std::pair<std::string, std::int64_t>>> batches;
  std::string failure;
};

/// GET /v1/endpoint (key required) of api1/v1; plan "p1" (DAY quota of 5,
/// initialRequests offset 3) holds key "ka"; plan "p2" has no quota.
document initial_requests_document() {
  document doc;
  doc.gateway.quota_offset_meaning = limiter::offset_meaning::initial_requests;
  rest_api api;
  api.id = "api1";
  api.resources = {resource{"r1", "/endpoint", {method{"GET", true}}}};
  doc.rest_apis = {api};
  stage v1;
  v1.api_id = "api1";
  v1.stage_name = "v1";
  v1.base_path = "/v1";
  doc.stages = {v1};
  usage_plan p1;
  p1.id = "p1";
  p1.api_stages = {api_stage{"api1", "v1", {}}};
  p1.quota = quota_settings{5, 3, limiter::quota_period::day};
  usage_plan p2;
  p2.id = "p2";
  doc.usage_plans = {p1, p2};
  api_key ka;
  ka.id = "ka";
  ka.value = key_a;
  ka.enabled = true;
  doc.api_keys = {ka};
  doc.usage_plan_keys = {{"p1", "ka"}};
  return doc;
}

class PlanStart : public ::testing::Test {
 protected:
  std::shared_ptr<const compiled_config> compile(const document& doc,
                                                 const compiled_config* previous = nullptr) {
    return compiled_config::compile(doc, registry_, now_, "hash", previous);
  }

  /// Requests for ka until the first refusal (at most 10): how many were forwarded.
  int forwarded_until_refused(const compiled_config& cfg) {
    request_facts facts;
    facts.method = "GET";
    facts.target = "/v1/endpoint";
    facts.api_key = key_a;
    facts.has_api_key = true;
    facts.now = now_;
    int forwarded = 0;
    for (int i = 0; i < 10; ++i) {
      const verdict v = cfg.decide(facts);
      if (v.result != outcome::forward) {
        EXPECT_EQ(v.result, outcome::quota_exceeded);
        break;
      }
      ++forwarded;
    }
    return forwarded;
  }

  limiter::state_registry registry_;
  limiter::instant now_{5'000'000'000, t0_utc};
};

TEST_F(PlanStart, ANewPlanIsRecordedWithTheCompileTimeBeforeTheSnapshotExists) {
  fake_ledger ledger;
  registry_.set_plan_start_ledger(&ledger);
  const auto cfg = compile(initial_requests_document());
  using batch = std::vector<std::pair<std::string, std::int64_t>>;
  ASSERT_EQ(ledger.batches.size(), 1u);
  EXPECT_EQ(ledger.batches[0], (batch{{"p1", t0_utc}, {"p2", t0_utc}}));
  EXPECT_EQ(cfg->plan_start_utc_ns("p1"), t0_utc);
  EXPECT_EQ(forwarded_until_refused(*cfg), 2);  // 5 - 3 in the first period
  // A reload finds every start recorded: nothing is written again.
  now_.utc_ns += hour_ns;
  const auto reloaded = compile(initial_requests_document(), cfg.get());
  EXPECT_EQ(ledger.batches.size(), 1u);
  EXPECT_EQ(reloaded->plan_start_utc_ns("p1"), t0_utc);
  EXPECT_EQ(forwarded_until_refused(*reloaded), 0);
}

TEST_F(PlanStart, AStartRecordedInAnEarlierPeriodMeansNoReduction) {
  // A restart the day after the plan started: the store has yesterday's start.
  fake_ledger ledger;
  ledger.starts = {{"p1", t0_utc - day_ns}, {"p2", t0_utc - day_ns}};
  registry_.set_plan_start_ledger(&ledger);
  const auto cfg = compile(initial_requests_document());
  EXPECT_TRUE(ledger.batches.empty());
  EXPECT_EQ(cfg->plan_start_utc_ns("p1"), t0_utc - day_ns);
  EXPECT_EQ(forwarded_until_refused(*cfg), 5);
}

TEST_F(PlanStart, AStartRecordedEarlierTodayKeepsTodayReduced) {
  fake_ledger ledger;
  ledger.starts = {{"p1", t0_utc - hour_ns}};
  registry_.set_plan_start_ledger(&ledger);
  const auto cfg = compile(initial_requests_document());
  EXPECT_EQ(cfg->plan_start_utc_ns("p1"), t0_utc - hour_ns);
  EXPECT_EQ(forwarded_until_refused(*cfg), 2);
  ASSERT_EQ(ledger.batches.size(), 1u);  // only p2 was new
  EXPECT_EQ(ledger.batches[0].size(), 1u);
  EXPECT_EQ(ledger.batches[0][0].first, "p2");
}

TEST_F(PlanStart, TheRecordedStartWinsOverTheReplacedSnapshot) {
  // What the gateway does at start-up: a first compile before the store is
  // open (its own in-memory ledger), then one with the store's ledger.
  const auto before_store = compile(initial_requests_document());
  EXPECT_EQ(before_store->plan_start_utc_ns("p1"), t0_utc);
  fake_ledger ledger;
  ledger.starts = {{"p1", t0_utc - day_ns}};
  registry_.set_plan_start_ledger(&ledger);
  const auto with_store = compile(initial_requests_document(), before_store.get());
  EXPECT_EQ(with_store->plan_start_utc_ns("p1"), t0_utc - day_ns);
  // p2 was not in the store: it keeps the start it had and is recorded with it.
  ASSERT_EQ(ledger.batches.size(), 1u);
  using batch = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(ledger.batches[0], (batch{{"p2", t0_utc}}));
}

TEST_F(PlanStart, APlanRemovedAndAddedBackKeepsItsStart) {
  // Without a state directory: the registry's ledger lasts for the process.
  const auto first = compile(initial_requests_document());
  document without = initial_requests_document();
  without.usage_plans.erase(without.usage_plans.begin());
  without.usage_plan_keys.clear();
  now_.utc_ns += hour_ns;
  const auto removed = compile(without, first.get());
  EXPECT_FALSE(removed->plan_start_utc_ns("p1").has_value());
  now_.utc_ns += day_ns;
  const auto back = compile(initial_requests_document(), removed.get());
  EXPECT_EQ(back->plan_start_utc_ns("p1"), t0_utc);
  // Its first period is over: the full limit, not a second reduction.
  EXPECT_EQ(forwarded_until_refused(*back), 5);
}

TEST_F(PlanStart, AStartThatCannotBeRecordedFailsTheCompile) {
  fake_ledger ledger;
  ledger.failure = "/state/usage.db: cannot record (disk I/O error)";
  registry_.set_plan_start_ledger(&ledger);
  try {
    (void)compile(initial_requests_document());
    FAIL() << "compiled with a start that is nowhere recorded";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), ledger.failure);
  }
  EXPECT_TRUE(ledger.starts.empty());
}

}  // namespace
}  // namespace ug::config
