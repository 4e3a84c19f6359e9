#include "config/snapshot/compiled_config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "limiter/key_table.hpp"

namespace ug::config {
namespace {

using limiter::instant;
using limiter::limit_level;

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t day_ns = 86'400'000'000'000;
// 2024-03-05T12:00:00Z (a Tuesday).
constexpr std::int64_t t0_utc = 1'709'640'000'000'000'000;

const std::string key_a = "key-a-value-0123456789";
const std::string key_b = "key-b-value-0123456789";
const std::string key_off = "key-disabled-0123456789";
const std::string key_other = "key-other-stage-0123456789";

/// One API "api1" with stage "v1": GET /endpoint (key), GET /open (no key),
/// POST /chat (key); plan "p1" on v1 with key "ka" and "kb"; plan "p2" on a
/// second API "api2"/"prod" with key "kother"; key "koff" disabled in p1.
document base_document() {
  document doc;
  rest_api api1;
  api1.id = "api1";
  api1.resources = {resource{"r1", "/endpoint", {method{"GET", true}}},
                    resource{"r2", "/open", {method{"GET", false}}},
                    resource{"r3", "/chat", {method{"POST", true}}}};
  rest_api api2;
  api2.id = "api2";
  api2.resources = {resource{"r4", "/{proxy+}", {method{"ANY", true}}}};
  doc.rest_apis = {api1, api2};

  stage v1;
  v1.api_id = "api1";
  v1.stage_name = "v1";
  v1.base_path = "/v1";
  stage prod;
  prod.api_id = "api2";
  prod.stage_name = "prod";
  prod.base_path = "/prod";
  doc.stages = {v1, prod};

  usage_plan p1;
  p1.id = "p1";
  p1.api_stages = {api_stage{"api1", "v1", {}}};
  usage_plan p2;
  p2.id = "p2";
  p2.api_stages = {api_stage{"api2", "prod", {}}};
  doc.usage_plans = {p1, p2};

  api_key ka;
  ka.id = "ka";
  ka.value = key_a;
  ka.enabled = true;
  api_key kb;
  kb.id = "kb";
  kb.value_sha256 = common::sha256(key_b);
  kb.enabled = true;
  api_key koff;
  koff.id = "koff";
  koff.value = key_off;
  koff.enabled = false;
  api_key kother;
  kother.id = "kother";
  kother.value = key_other;
  kother.enabled = true;
  doc.api_keys = {ka, kb, koff, kother};
  doc.usage_plan_keys = {{"p1", "ka"}, {"p1", "kb"}, {"p1", "koff"}, {"p2", "kother"}};
  return doc;
}

class CompiledConfig : public ::testing::Test {
 protected:
  std::shared_ptr<const compiled_config> compile(const document& doc,
                                                 const compiled_config* previous = nullptr) {
    auto next = compiled_config::compile(doc, registry_, now_, "hash", previous);
    if (previous != nullptr) {
      next->carry_over_from(*previous, now_.mono_ns);  // what the server does before publishing
    }
    return next;
  }

  verdict ask(const compiled_config& cfg, std::string_view method, std::string_view target,
              const std::string* key) {
    request_facts facts;
    facts.method = method;
    facts.target = target;
    if (key != nullptr) {
      facts.api_key = *key;
      facts.has_api_key = true;
    }
    facts.now = now_;
    return cfg.decide(facts);
  }

  void advance(std::int64_t delta_ns) {
    now_.mono_ns += delta_ns;
    now_.utc_ns += delta_ns;
  }

  limiter::state_registry registry_;
  instant now_{5'000 * ms, t0_utc};
};

TEST_F(CompiledConfig, UnknownRoutesAreMissingAuthenticationToken) {
  auto cfg = compile(base_document());
  for (const char* target : {"/", "/v2/endpoint", "/v1/nothing", "/v1endpoint", "/v1"}) {
    EXPECT_EQ(ask(*cfg, "GET", target, &key_a).result, outcome::missing_auth_token) << target;
  }
  // The method is part of the route: POST /endpoint does not exist.
  EXPECT_EQ(ask(*cfg, "POST", "/v1/endpoint", &key_a).result, outcome::missing_auth_token);
}

TEST_F(CompiledConfig, KeyChecksAnswerForbiddenAndNeverExposeTheValue) {
  auto cfg = compile(base_document());
  const std::string unknown = "not-a-configured-key-000000";
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", nullptr).result, outcome::forbidden);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &unknown).result, outcome::forbidden);
  const verdict disabled = ask(*cfg, "GET", "/v1/endpoint", &key_off);
  EXPECT_EQ(disabled.result, outcome::forbidden);
  EXPECT_EQ(disabled.key_id, "koff");
  // A valid key whose plan does not cover this API stage.
  const verdict other = ask(*cfg, "GET", "/v1/endpoint", &key_other);
  EXPECT_EQ(other.result, outcome::forbidden);
  EXPECT_EQ(other.key_id, "kother");
}

TEST_F(CompiledConfig, ValidKeysForwardWithStageAndPathOffset) {
  auto cfg = compile(base_document());
  const std::string target = "/v1/endpoint?q=1";
  const verdict by_value = ask(*cfg, "GET", target, &key_a);
  ASSERT_EQ(by_value.result, outcome::forward);
  EXPECT_EQ(cfg->stages()[by_value.stage_index].stage_name, "v1");
  EXPECT_EQ(std::string_view(target).substr(by_value.forward_path_offset), "/endpoint?q=1");
  EXPECT_EQ(by_value.key_id, "ka");
  EXPECT_EQ(by_value.plan_id, "p1");
  EXPECT_EQ(by_value.resource_path, "/endpoint");
  // A key configured only by its SHA-256 digest.
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_b).result, outcome::forward);
  // Greedy proxy on the second API.
  const verdict proxied = ask(*cfg, "PATCH", "/prod/a/b/c", &key_other);
  ASSERT_EQ(proxied.result, outcome::forward);
  EXPECT_EQ(cfg->stages()[proxied.stage_index].stage_name, "prod");
  // Keyless method: forwarded with or without a key, no plan involved.
  const verdict open = ask(*cfg, "GET", "/v1/open", nullptr);
  EXPECT_EQ(open.result, outcome::forward);
  EXPECT_EQ(open.plan_id, "");
  EXPECT_EQ(ask(*cfg, "GET", "/v1/open", &key_other).result, outcome::forward);
}

TEST_F(CompiledConfig, PlanThrottleIsPerKeyAndStartsFull) {
  document doc = base_document();
  doc.usage_plans[0].throttle = throttle_settings{5, 10.0};
  auto cfg = compile(doc);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward) << i;
  }
  const verdict refused = ask(*cfg, "GET", "/v1/endpoint", &key_a);
  EXPECT_EQ(refused.result, outcome::throttled);
  EXPECT_EQ(refused.admission.level, limit_level::plan);
  EXPECT_GT(refused.admission.retry_after_ns, 0);
  EXPECT_LE(refused.admission.retry_after_ns, 100 * ms);
  // Another key of the same plan has its own bucket.
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_b).result, outcome::forward);
  // Keyless methods skip the plan throttle entirely.
  EXPECT_EQ(ask(*cfg, "GET", "/v1/open", &key_a).result, outcome::forward);
  advance(100 * ms);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::throttled);
}

TEST_F(CompiledConfig, QuotaCountsOnlyAdmittedRequests) {
  document doc = base_document();
  doc.usage_plans[0].throttle = throttle_settings{2, 1.0};
  doc.usage_plans[0].quota = quota_settings{3, 0, limiter::quota_period::day};
  auto cfg = compile(doc);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  // Throttled: must not use up quota.
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::throttled);
  advance(1'000 * ms);
  const verdict third = ask(*cfg, "GET", "/v1/endpoint", &key_a);
  ASSERT_EQ(third.result, outcome::forward);
  EXPECT_TRUE(third.admission.has_quota);
  EXPECT_EQ(third.admission.quota_remaining, 0);
  advance(1'000 * ms);
  const verdict over = ask(*cfg, "GET", "/v1/endpoint", &key_a);
  EXPECT_EQ(over.result, outcome::quota_exceeded);
  // Retry-After for a quota refusal points at the next UTC midnight.
  EXPECT_EQ(over.admission.retry_after_ns, day_ns / 2 - 2'000 * ms);
  // The quota refusal gave its throttle token back: after the period ends the
  // bucket (burst 2, one token consumed long ago) admits at once.
  advance(day_ns / 2);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
}

TEST_F(CompiledConfig, PlanMethodThrottleReplacesPlanThrottle) {
  document doc = base_document();
  doc.usage_plans[0].throttle = throttle_settings{1, 1.0};
  doc.usage_plans[0].api_stages[0].throttle["/chat/POST"] = throttle_settings{3, 1.0};
  auto cfg = compile(doc);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ask(*cfg, "POST", "/v1/chat", &key_a).result, outcome::forward) << i;
  }
  const verdict refused = ask(*cfg, "POST", "/v1/chat", &key_a);
  EXPECT_EQ(refused.result, outcome::throttled);
  EXPECT_EQ(refused.admission.level, limit_level::plan_method);
  // The plan-level bucket was untouched by /chat.
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::throttled);
}

TEST_F(CompiledConfig, StageThrottlesApplyToEveryCaller) {
  document doc = base_document();
  doc.stages[0].method_settings["*/*"] = method_setting{2, 1.0};
  doc.stages[0].method_settings["~1open/GET"] = method_setting{1, 1.0};
  auto cfg = compile(doc);
  // Specific entry for GET /open (keyless).
  EXPECT_EQ(ask(*cfg, "GET", "/v1/open", nullptr).result, outcome::forward);
  const verdict open_refused = ask(*cfg, "GET", "/v1/open", &key_a);
  EXPECT_EQ(open_refused.result, outcome::throttled);
  EXPECT_EQ(open_refused.admission.level, limit_level::stage_method);
  // "*/*" for GET /endpoint, shared by all keys.
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_b).result, outcome::forward);
  const verdict refused = ask(*cfg, "GET", "/v1/endpoint", &key_a);
  EXPECT_EQ(refused.result, outcome::throttled);
  EXPECT_EQ(refused.admission.level, limit_level::stage);
  // "*/*" gives POST /chat a bucket of its own.
  EXPECT_EQ(ask(*cfg, "POST", "/v1/chat", &key_a).result, outcome::forward);
}

TEST_F(CompiledConfig, StageRefusalRefundsThePlanToken) {
  document doc = base_document();
  // The plan bucket refills only once per 1000 s, so only a refund can give
  // its token back within this test.
  doc.usage_plans[0].throttle = throttle_settings{2, 0.001};
  doc.usage_plans[0].quota = quota_settings{10, 0, limiter::quota_period::day};
  doc.stages[0].method_settings["*/*"] = method_setting{1, 1.0};
  auto cfg = compile(doc);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  const verdict stage_refused = ask(*cfg, "GET", "/v1/endpoint", &key_a);
  EXPECT_EQ(stage_refused.result, outcome::throttled);
  EXPECT_EQ(stage_refused.admission.level, limit_level::stage);
  advance(1'000 * ms);
  const verdict v = ask(*cfg, "GET", "/v1/endpoint", &key_a);
  ASSERT_EQ(v.result, outcome::forward);
  EXPECT_EQ(v.admission.quota_remaining, 8);
  advance(1'000 * ms);
  const verdict plan_refused = ask(*cfg, "GET", "/v1/endpoint", &key_a);
  EXPECT_EQ(plan_refused.result, outcome::throttled);
  EXPECT_EQ(plan_refused.admission.level, limit_level::plan);
}

TEST_F(CompiledConfig, AccountThrottleIsSharedByEverything) {
  document doc = base_document();
  doc.gateway.account_throttle = throttle_settings{2, 1.0};
  auto cfg = compile(doc);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/open", nullptr).result, outcome::forward);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  const verdict refused = ask(*cfg, "PATCH", "/prod/x", &key_other);
  EXPECT_EQ(refused.result, outcome::throttled);
  EXPECT_EQ(refused.admission.level, limit_level::account);
}

TEST_F(CompiledConfig, BurstZeroRefusesEverythingRateZeroOnlyTheBurst) {
  document doc = base_document();
  doc.usage_plans[0].throttle = throttle_settings{0, 10.0};
  doc.stages[1].method_settings["*/*"] = method_setting{3, 0.0};
  auto cfg = compile(doc);
  const verdict no_bucket = ask(*cfg, "GET", "/v1/endpoint", &key_a);
  EXPECT_EQ(no_bucket.result, outcome::throttled);
  EXPECT_EQ(no_bucket.admission.retry_after_ns, -1);
  // A bucket of 3 that never refills: 3 requests, then none, however long one waits.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ask(*cfg, "GET", "/prod/anything", &key_other).result, outcome::forward) << i;
  }
  for (int wait = 0; wait < 3; ++wait) {
    const verdict refused = ask(*cfg, "GET", "/prod/anything", &key_other);
    EXPECT_EQ(refused.result, outcome::throttled);
    EXPECT_EQ(refused.admission.level, limit_level::stage);
    EXPECT_EQ(refused.admission.retry_after_ns, -1) << "never";
    advance(day_ns);
  }
}

TEST_F(CompiledConfig, ReloadThatRaisesAThrottleGivesReliefAtOnce) {
  document doc = base_document();
  doc.usage_plans[0].throttle = throttle_settings{1000, 1000.0};
  auto first = compile(doc);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(ask(*first, "GET", "/v1/endpoint", &key_a).result, outcome::forward) << i;
  }
  // Lowered: 995 tokens left, capped at the new burst of 2.
  doc.usage_plans[0].throttle = throttle_settings{2, 0.01};
  auto lowered = compile(doc, first.get());
  EXPECT_EQ(ask(*lowered, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  EXPECT_EQ(ask(*lowered, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  const verdict throttled = ask(*lowered, "GET", "/v1/endpoint", &key_a);
  EXPECT_EQ(throttled.result, outcome::throttled);
  EXPECT_EQ(throttled.admission.retry_after_ns, 100'000 * ms - 1);
  // Raised back: the 2 spent stay spent, the other 998 are there at once.
  doc.usage_plans[0].throttle = throttle_settings{1000, 1000.0};
  auto raised = compile(doc, lowered.get());
  const verdict relieved = ask(*raised, "GET", "/v1/endpoint", &key_a);
  ASSERT_EQ(relieved.result, outcome::forward);
  EXPECT_EQ(relieved.admission.throttle_remaining, 997);
  for (int i = 0; i < 997; ++i) {
    ASSERT_EQ(ask(*raised, "GET", "/v1/endpoint", &key_a).result, outcome::forward) << i;
  }
  EXPECT_EQ(ask(*raised, "GET", "/v1/endpoint", &key_a).result, outcome::throttled);
  // Another key of the plan never lost anything.
  EXPECT_EQ(ask(*raised, "GET", "/v1/endpoint", &key_b).admission.throttle_remaining, 999);
}

TEST_F(CompiledConfig, TokensTakenWhileTheReloadIsBeingPreparedCarryOver) {
  // Workers keep deciding with the running snapshot while the next one is
  // compiled (and the store attached): carry-over happens at the swap, so what
  // they took then is read in the old units and carried, not misread.
  document doc = base_document();
  doc.usage_plans[0].throttle = throttle_settings{10, 1.0};
  auto first = compile(doc);
  doc.usage_plans[0].throttle = throttle_settings{20, 3.0};
  auto second = compiled_config::compile(doc, registry_, now_, "hash", first.get());
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(ask(*first, "GET", "/v1/endpoint", &key_a).result, outcome::forward) << i;
  }
  ASSERT_EQ(ask(*first, "GET", "/v1/endpoint", &key_a).result, outcome::throttled);
  second->carry_over_from(*first, now_.mono_ns);
  // 20 - 10 spent: the raise adds 10 at once; the 10 taken during compile stay spent.
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(ask(*second, "GET", "/v1/endpoint", &key_a).result, outcome::forward) << i;
  }
  const verdict refused = ask(*second, "GET", "/v1/endpoint", &key_a);
  EXPECT_EQ(refused.result, outcome::throttled);
  EXPECT_EQ(refused.admission.retry_after_ns, 333'333'333) << "refills at the new rate";
}

/// Puts a throttle at `level` on the requests `ask_spent` sends (POST /v1/chat
/// for plan_method, GET /v1/endpoint otherwise); the other levels stay open.
void set_throttle(document& doc, limit_level level, throttle_settings t) {
  switch (level) {
    case limit_level::plan_method:
      doc.usage_plans[0].throttle = throttle_settings{1000, 1000.0};
      doc.usage_plans[0].api_stages[0].throttle["/chat/POST"] = t;
      break;
    case limit_level::plan:
      doc.usage_plans[0].throttle = t;
      break;
    case limit_level::stage_method:
      doc.stages[0].method_settings["~1endpoint/GET"] = method_setting{t.burst_limit, t.rate_limit};
      break;
    case limit_level::stage:
      doc.stages[0].method_settings["*/*"] = method_setting{t.burst_limit, t.rate_limit};
      break;
    case limit_level::account:
      doc.gateway.account_throttle = t;
      break;
  }
}

TEST_F(CompiledConfig, ReloadCarriesTokensOverAtEveryLevel) {
  // 1/s counts in ns, 3/s in thirds of a ns: the reload changes the units.
  for (limit_level level : {limit_level::plan_method, limit_level::plan, limit_level::stage_method,
                            limit_level::stage, limit_level::account}) {
    SCOPED_TRACE(testing::Message() << "level " << static_cast<int>(level));
    const bool chat = level == limit_level::plan_method;
    const std::string_view method = chat ? "POST" : "GET";
    const std::string_view target = chat ? "/v1/chat" : "/v1/endpoint";
    limiter::state_registry registry;
    document doc = base_document();
    set_throttle(doc, level, throttle_settings{10, 1.0});
    auto first = compiled_config::compile(doc, registry, now_, "hash");
    for (int i = 0; i < 10; ++i) {
      ASSERT_EQ(ask(*first, method, target, &key_a).result, outcome::forward) << i;
    }
    ASSERT_EQ(ask(*first, method, target, &key_a).admission.level, level);
    set_throttle(doc, level, throttle_settings{20, 3.0});
    auto second = compiled_config::compile(doc, registry, now_, "hash", first.get());
    second->carry_over_from(*first, now_.mono_ns);
    for (int i = 0; i < 10; ++i) {
      ASSERT_EQ(ask(*second, method, target, &key_a).result, outcome::forward) << i;
    }
    const verdict refused = ask(*second, method, target, &key_a);
    EXPECT_EQ(refused.result, outcome::throttled) << "the 10 spent stay spent";
    EXPECT_EQ(refused.admission.level, level);
    EXPECT_EQ(refused.admission.retry_after_ns, 333'333'333) << "refills at the new rate";
  }
}

TEST_F(CompiledConfig, StageMethodSettingsFillMissingThrottleFieldsLikeAws) {
  struct fill_case {
    const char* name;
    std::map<std::string, method_setting> settings;
    std::int64_t burst;  // of GET /open's stage bucket
    double rate_per_s;
    limit_level level;
  };
  using opt_burst = std::optional<std::int64_t>;
  using opt_rate = std::optional<double>;
  const std::vector<fill_case> cases = {
      {"specific burst, rate from */*",
       {{"*/*", {7, 3.0}}, {"~1open/GET", {2, opt_rate{}}}},
       2,
       3.0,
       limit_level::stage_method},
      {"specific rate, burst from */*",
       {{"*/*", {7, 3.0}}, {"~1open/GET", {opt_burst{}, 0.5}}},
       7,
       0.5,
       limit_level::stage_method},
      {"specific burst, no */*: account rate",
       {{"~1open/GET", {2, opt_rate{}}}},
       2,
       10000.0,
       limit_level::stage_method},
      {"specific rate, no */*: account burst",
       {{"~1open/GET", {opt_burst{}, 0.5}}},
       5000,
       0.5,
       limit_level::stage_method},
      {"specific with neither: both from */*",
       {{"*/*", {7, 3.0}}, {"~1open/GET", {}}},
       7,
       3.0,
       limit_level::stage_method},
      {"*/* with a burst only, specific with a rate only",
       {{"*/*", {7, opt_rate{}}}, {"~1open/GET", {opt_burst{}, 0.5}}},
       7,
       0.5,
       limit_level::stage_method},
      {"*/* burst only: account rate", {{"*/*", {9, opt_rate{}}}}, 9, 10000.0, limit_level::stage},
      {"*/* rate only: account burst",
       {{"*/*", {opt_burst{}, 4.0}}},
       5000,
       4.0,
       limit_level::stage},
  };
  for (const fill_case& c : cases) {
    SCOPED_TRACE(c.name);
    limiter::state_registry registry;
    document doc = base_document();
    doc.stages[0].method_settings = c.settings;
    auto cfg = compiled_config::compile(doc, registry, now_, "hash");
    const verdict first = ask(*cfg, "GET", "/v1/open", nullptr);
    ASSERT_EQ(first.result, outcome::forward);
    ASSERT_TRUE(first.admission.has_throttle);
    EXPECT_EQ(first.admission.throttle_burst, c.burst);
    EXPECT_EQ(first.admission.throttle_rate_per_s, c.rate_per_s);
    for (std::int64_t i = 1; i < c.burst; ++i) {
      ASSERT_EQ(ask(*cfg, "GET", "/v1/open", nullptr).result, outcome::forward) << i;
    }
    const verdict refused = ask(*cfg, "GET", "/v1/open", nullptr);
    EXPECT_EQ(refused.result, outcome::throttled);
    EXPECT_EQ(refused.admission.level, c.level);
  }
  // Without method settings a stage has no throttle of its own.
  const verdict open = ask(*compile(base_document()), "GET", "/v1/open", nullptr);
  EXPECT_FALSE(open.admission.has_throttle);
}

TEST_F(CompiledConfig, StateSurvivesRecompile) {
  document doc = base_document();
  doc.usage_plans[0].quota = quota_settings{3, 0, limiter::quota_period::month};
  auto first = compile(doc);
  EXPECT_EQ(ask(*first, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  EXPECT_EQ(ask(*first, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  // A reload that adds a key and lowers nothing keeps ka's count.
  api_key extra;
  extra.id = "kextra";
  extra.value = "key-extra-value-0123456789";
  extra.enabled = true;
  doc.api_keys.push_back(extra);
  doc.usage_plan_keys.push_back({"p1", "kextra"});
  auto second = compile(doc, first.get());
  EXPECT_EQ(ask(*second, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  EXPECT_EQ(ask(*second, "GET", "/v1/endpoint", &key_a).result, outcome::quota_exceeded);
  // A lowered quota applies to what was already used.
  doc.usage_plans[0].quota->limit = 2;
  auto third = compile(doc, second.get());
  EXPECT_EQ(ask(*third, "GET", "/v1/endpoint", &key_a).result, outcome::quota_exceeded);
  doc.usage_plans[0].quota->limit = 5;
  auto fourth = compile(doc, third.get());
  EXPECT_EQ(ask(*fourth, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
}

TEST_F(CompiledConfig, InitialRequestsOffsetReducesOnlyTheFirstPeriod) {
  document doc = base_document();
  doc.gateway.quota_offset_meaning = limiter::offset_meaning::initial_requests;
  doc.usage_plans[0].quota = quota_settings{3, 1, limiter::quota_period::day};
  auto cfg = compile(doc);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::quota_exceeded);
  // A reload keeps the plan's start, so the first period stays reduced.
  auto reloaded = compile(doc, cfg.get());
  EXPECT_EQ(reloaded->plan_start_utc_ns("p1"), cfg->plan_start_utc_ns("p1"));
  EXPECT_EQ(ask(*reloaded, "GET", "/v1/endpoint", &key_a).result, outcome::quota_exceeded);
  advance(day_ns);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ask(*reloaded, "GET", "/v1/endpoint", &key_a).result, outcome::forward) << i;
  }
  EXPECT_EQ(ask(*reloaded, "GET", "/v1/endpoint", &key_a).result, outcome::quota_exceeded);
}

TEST_F(CompiledConfig, StartDayOffsetShiftsTheWeek) {
  document doc = base_document();
  // Week starting Wednesday (offset 3); t0 is Tuesday 12:00, so the period ends
  // in 12 hours.
  doc.usage_plans[0].quota = quota_settings{1, 3, limiter::quota_period::week};
  auto cfg = compile(doc);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  const verdict over = ask(*cfg, "GET", "/v1/endpoint", &key_a);
  EXPECT_EQ(over.result, outcome::quota_exceeded);
  EXPECT_EQ(over.admission.retry_after_ns, day_ns / 2);
  advance(day_ns / 2);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
}

TEST_F(CompiledConfig, LongestBasePathWins) {
  document doc = base_document();
  doc.stages[1].base_path = "/";
  auto cfg = compile(doc);
  EXPECT_EQ(ask(*cfg, "GET", "/v1/endpoint", &key_a).result, outcome::forward);
  const verdict root = ask(*cfg, "GET", "/v2/anything", &key_other);
  ASSERT_EQ(root.result, outcome::forward);
  EXPECT_EQ(root.forward_path_offset, 0u);
  EXPECT_EQ(cfg->stages()[root.stage_index].stage_name, "prod");
}

TEST_F(CompiledConfig, ACaseVariantOfABasePathTakenByTheRootStageIsABadRequest) {
  document doc = base_document();
  doc.stages[1].base_path = "/";  // prod: /{proxy+} on "/"
  auto cfg = compile(doc);
  for (const char* target : {"/V1/endpoint", "/V1/open"}) {
    const verdict v = ask(*cfg, "GET", target, &key_other);
    EXPECT_EQ(v.result, outcome::bad_request) << target;
  }
  // Without a stage to take it, a case variant is simply no route, as in AWS.
  auto plain = compile(base_document());
  EXPECT_EQ(ask(*plain, "GET", "/V1/endpoint", &key_a).result, outcome::missing_auth_token);
  EXPECT_EQ(ask(*plain, "GET", "/v1/Endpoint", &key_a).result, outcome::missing_auth_token);
}

TEST_F(CompiledConfig, ClimbingOutOfTheStageBasePathIsABadRequest) {
  auto cfg = compile(base_document());
  request_facts facts;
  facts.method = "GET";
  facts.target = "/v1/endpoint";  // canonical form of "/prod/../v1/endpoint"
  facts.api_key = key_a;
  facts.has_api_key = true;
  facts.now = now_;
  facts.lowest_depth_segments = 0;
  EXPECT_EQ(cfg->decide(facts).result, outcome::bad_request);
  facts.lowest_depth_segments = 1;  // "/v1/x/../endpoint" stays inside /v1
  EXPECT_EQ(cfg->decide(facts).result, outcome::forward);
  facts.target = "/etc";  // "/v1/../etc": out of every stage
  facts.lowest_depth_segments = 0;
  EXPECT_EQ(cfg->decide(facts).result, outcome::bad_request);
  facts.lowest_depth_segments = UINT32_MAX;  // "/etc" as sent: simply no route
  EXPECT_EQ(cfg->decide(facts).result, outcome::missing_auth_token);
}

}  // namespace
}  // namespace ug::config
