// gateway.onStateFailure reaches the admission chain of every quota'd
// request, and a reload changes it like any other snapshot setting.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "config/loader.hpp"
#include "config/snapshot/compiled_config.hpp"

namespace ug::config {
namespace {

using limiter::state_failure_decision;

// 2024-03-05T12:00:00Z.
constexpr limiter::instant now{1'000'000, 1'709'640'000'000'000'000};
const std::string key = "state-failure-key-0123456789";

/// A store that has gone away: nothing is ever covered.
struct failed_store final : limiter::quota_journal {
  bool on_counted(limiter::key_plan_state&, const limiter::quota_params&, std::int64_t,
                  std::int64_t) noexcept override {
    return false;
  }
};

document load(const std::string& gateway_members) {
  const load_result r = load_string(R"({"gateway": {)" + gateway_members + R"(
      "stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}}}},
    "restApis": [{"id": "api1", "stages": [{"stageName": "v1"}], "resources": [
      {"id": "r0", "path": "/"},
      {"id": "r1", "parentId": "r0", "pathPart": "chat", "path": "/chat",
       "resourceMethods": {"POST": {"httpMethod": "POST", "apiKeyRequired": true}}}]}],
    "usagePlans": [{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}],
                    "quota": {"limit": 100, "period": "DAY"}}],
    "apiKeys": [{"id": "k1", "enabled": true, "value": ")" +
                                    key + R"("}],
    "usagePlanKeys": {"p1": [{"id": "k1", "type": "API_KEY"}]}})");
  EXPECT_TRUE(r.errors.empty()) << r.errors.front().message;
  return r.doc.value_or(document{});
}

verdict chat(const compiled_config& cfg) {
  request_facts facts;
  facts.method = "POST";
  facts.target = "/v1/chat";
  facts.api_key = key;
  facts.has_api_key = true;
  facts.now = now;
  return cfg.decide(facts);
}

TEST(CompiledStateFailure, ClosedByDefaultOpenWhenSetAndReloadable) {
  failed_store journal;
  limiter::state_registry registry;
  registry.set_journal(&journal);

  const auto closed = compiled_config::compile(load(""), registry, now);
  const verdict refused = chat(*closed);
  EXPECT_EQ(refused.result, outcome::quota_exceeded);
  EXPECT_EQ(refused.admission.state_failure, state_failure_decision::refused);

  const auto open = compiled_config::compile(load(R"("onStateFailure": "open",)"), registry, now,
                                             "", closed.get());
  open->carry_over_from(*closed, now.mono_ns);
  const verdict admitted = chat(*open);
  EXPECT_EQ(admitted.result, outcome::forward);
  EXPECT_EQ(admitted.admission.state_failure, state_failure_decision::admitted);
  EXPECT_EQ(admitted.admission.quota_remaining, 99) << "counted as usual";
  EXPECT_EQ(admitted.charged.on_state_failure, limiter::state_failure_policy::open);
}

}  // namespace
}  // namespace ug::config
