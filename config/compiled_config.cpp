#include "config/compiled_config.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/compiled_config_impl.hpp"
#include "config/route_table.hpp"
#include "limiter/key_table.hpp"
#include "limiter/plan_start_ledger.hpp"
#include "limiter/quota_period.hpp"

namespace ug::config {
namespace {

constexpr std::uint32_t no_index = route_table::no_route;

// Ids in the state registry are built from config ids joined by a byte that
// cannot appear in them, so two different tuples never share state.
constexpr char id_separator = '\x1f';

std::string state_id(std::initializer_list<std::string_view> parts) {
  std::string id;
  for (std::string_view part : parts) {
    id.append(part);
    id.push_back(id_separator);
  }
  return id;
}

// A bucket's id names only what it limits, not its limits: a reload that
// changes them keeps the bucket, and carry_over_from() rewrites its
// state into the new units (docs/semantics.md, "Reload").
std::string bucket_id(std::initializer_list<std::string_view> parts) {
  return state_id(parts);
}

limiter::throttle_params to_params(const throttle_settings& t) {
  return limiter::throttle_params::make(t.rate_limit, t.burst_limit);
}

// What AWS fills into a stage method setting that lacks a throttling field
// when "*/*" does not have it either: the account limits.
constexpr double account_default_rate_per_s = 10'000;
constexpr std::int64_t account_default_burst = 5'000;

/// AWS keeps both throttling fields on every stage method setting: one that a
/// setting leaves out comes from "*/*" (`stage_default`, null for "*/*"
/// itself), else from the account defaults.
limiter::throttle_params stage_throttle_params(const method_setting& setting,
                                               const method_setting* stage_default) {
  double rate_per_s = account_default_rate_per_s;
  std::int64_t burst = account_default_burst;
  if (stage_default != nullptr) {
    rate_per_s = stage_default->throttling_rate_limit.value_or(rate_per_s);
    burst = stage_default->throttling_burst_limit.value_or(burst);
  }
  rate_per_s = setting.throttling_rate_limit.value_or(rate_per_s);
  burst = setting.throttling_burst_limit.value_or(burst);
  return limiter::throttle_params::make(rate_per_s, burst);
}

/// "~1endpoint~1{id}/GET" -> {"/endpoint/{id}", "GET"}; "*/*" -> {"*", "*"}.
std::pair<std::string, std::string> split_method_setting_key(std::string_view key) {
  const std::size_t slash = key.rfind('/');
  if (slash == std::string_view::npos) {
    return {std::string(key), std::string()};
  }
  std::string_view escaped = key.substr(0, slash);
  std::string method(key.substr(slash + 1));
  if (escaped == "*") {
    return {"*", method};
  }
  std::string path;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '~' && i + 1 < escaped.size() &&
        (escaped[i + 1] == '1' || escaped[i + 1] == '0')) {
      path.push_back(escaped[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      path.push_back(escaped[i]);
    }
  }
  // AWS also accepts "test/GET" (no escaped leading slash) for resource /test.
  if (path.empty() || path.front() != '/') {
    path.insert(path.begin(), '/');
  }
  return {path, method};
}

}  // namespace

compiled_config::compiled_config() : impl_(std::make_unique<impl>()) {}
compiled_config::~compiled_config() = default;

std::shared_ptr<const compiled_config> compiled_config::compile(const document& doc,
                                                                limiter::state_registry& state,
                                                                limiter::instant now,
                                                                std::string content_sha256_hex,
                                                                const compiled_config* previous) {
  std::shared_ptr<compiled_config> result(new compiled_config());
  impl& out = *result->impl_;
  out.gateway = doc.gateway;
  out.content_sha256_hex = std::move(content_sha256_hex);
  out.journal = state.journal();

  // Gateway responses, compiled once per REST API that customised some.
  std::map<std::string, const gateway_response_table*, std::less<>> responses_by_api;
  for (const rest_api& a : doc.rest_apis) {
    if (auto table = gateway_response_table::compile(a)) {
      responses_by_api[a.id] = table.get();
      out.response_tables.push_back(std::move(table));
    }
  }

  // Stages, their routes and stage-level throttles.
  std::map<std::pair<std::string, std::string>, std::uint32_t> stage_index_by_id;
  for (const stage& s : doc.stages) {
    const auto stage_index = static_cast<std::uint32_t>(out.stages.size());
    stage_index_by_id[{s.api_id, s.stage_name}] = stage_index;
    compiled_stage compiled{s.api_id, s.stage_name,
                            s.base_path.empty() ? "/" + s.stage_name : s.base_path, s.upstream};
    compiled.base_segments = compiled.base_path == "/"
                                 ? 0
                                 : static_cast<std::uint32_t>(std::count(
                                       compiled.base_path.begin(), compiled.base_path.end(), '/'));
    out.stages.push_back(std::move(compiled));
    const auto responses = responses_by_api.find(s.api_id);
    out.stage_responses.push_back(responses == responses_by_api.end() ? nullptr
                                                                      : responses->second);
    impl::stage_runtime runtime;

    const rest_api* api = nullptr;
    for (const rest_api& a : doc.rest_apis) {
      if (a.id == s.api_id) {
        api = &a;
      }
    }
    // Stage method settings: a specific "res/METHOD" entry replaces "*/*"
    // (with the fields it lacks filled in, see stage_throttle_params).
    std::map<std::pair<std::string, std::string>, const method_setting*> specific;
    const method_setting* stage_default = nullptr;
    for (const auto& [key, setting] : s.method_settings) {
      auto [path, method] = split_method_setting_key(key);
      if (path == "*") {
        stage_default = &setting;
      } else {
        specific[{path, method}] = &setting;
      }
    }
    if (api != nullptr) {
      for (const resource& r : api->resources) {
        for (const method& m : r.methods) {
          const std::uint32_t route_id = runtime.routes.add(r.path, m.http_method);
          if (route_id == no_index) {
            continue;  // unknown method name: rejected by validation already
          }
          if (runtime.limits.size() <= route_id) {
            runtime.limits.resize(route_id + 1);
          }
          impl::route_limits& limits = runtime.limits[route_id];
          limits.resource_path = r.path;
          limits.http_method = m.http_method;
          limits.api_key_required = m.api_key_required;

          if (auto it = specific.find({r.path, m.http_method}); it != specific.end()) {
            limits.has_stage_throttle = true;
            limits.stage_level = limiter::limit_level::stage_method;
            limits.stage_params = stage_throttle_params(*it->second, stage_default);
          } else if (stage_default != nullptr) {
            limits.has_stage_throttle = true;
            limits.stage_level = limiter::limit_level::stage;
            limits.stage_params = stage_throttle_params(*stage_default, nullptr);
          }
          if (limits.has_stage_throttle) {
            // "*/*" applies to each method separately, as a specific entry would.
            limits.stage_bucket =
                state.bucket(bucket_id({"stage", s.api_id, s.stage_name, r.path, m.http_method}));
          }
        }
      }
    }
    out.stage_runtimes.push_back(std::move(runtime));
  }
  out.stages_by_base_length.resize(out.stages.size());
  for (std::uint32_t i = 0; i < out.stages.size(); ++i) {
    out.stages_by_base_length[i] = i;
  }
  std::stable_sort(out.stages_by_base_length.begin(), out.stages_by_base_length.end(),
                   [&](std::uint32_t a, std::uint32_t b) {
                     return out.stages[a].base_path.size() > out.stages[b].base_path.size();
                   });

  // Usage plans. A plan's start is the one in the ledger; else the one of the
  // snapshot being replaced (compiled against another ledger: the gateway's
  // first compile runs before the store is open); else now. Starts the ledger
  // lacks are recorded below, before this snapshot exists: no snapshot uses
  // a start that the ledger (the state store, across restarts) does not hold.
  limiter::plan_start_ledger& ledger = state.plan_starts();
  std::vector<limiter::plan_start> unrecorded;
  std::map<std::string, std::uint32_t, std::less<>> plan_index_by_id;
  for (const usage_plan& up : doc.usage_plans) {
    impl::plan p;
    p.id = up.id;
    if (up.throttle) {
      p.has_throttle = true;
      p.throttle = to_params(*up.throttle);
    }
    std::optional<std::int64_t> start = ledger.recorded_start(up.id);
    if (!start) {
      start = previous != nullptr ? previous->plan_start_utc_ns(up.id) : std::nullopt;
      start = start.value_or(now.utc_ns);
      unrecorded.push_back(limiter::plan_start{up.id, *start});
    }
    const std::int64_t start_ns = *start;
    out.plan_start_utc_ns[up.id] = start_ns;
    if (up.quota) {
      p.has_quota = true;
      p.quota.limit = up.quota->limit;
      p.quota.period = up.quota->period;
      if (doc.gateway.quota_offset_meaning == limiter::offset_meaning::start_day) {
        p.quota.start_day_offset = static_cast<int>(up.quota->offset);
      } else {
        p.quota.first_period_reduction = up.quota->offset;
        p.quota.first_period_index =
            limiter::period_containing(up.quota->period, 0, start_ns).index;
      }
    }
    for (const api_stage& as : up.api_stages) {
      auto it = stage_index_by_id.find({as.api_id, as.stage});
      if (it == stage_index_by_id.end()) {
        continue;  // rejected by validation already
      }
      const std::uint32_t stage_index = it->second;
      p.stage_indices.push_back(stage_index);
      const impl::stage_runtime& runtime = out.stage_runtimes[stage_index];
      for (const auto& [method_key, throttle] : as.throttle) {
        // "/path/METHOD": the method is after the last '/'; the root is "//GET".
        const std::size_t slash = method_key.rfind('/');
        if (slash == std::string::npos) {
          continue;
        }
        std::string path = method_key.substr(0, slash);
        if (path.empty()) {
          path = "/";
        }
        const std::string http_method = method_key.substr(slash + 1);
        for (std::uint32_t route_id = 0; route_id < runtime.limits.size(); ++route_id) {
          const impl::route_limits& limits = runtime.limits[route_id];
          if (limits.resource_path == path && limits.http_method == http_method) {
            p.method_throttles.push_back(
                impl::method_throttle{stage_index, route_id, to_params(throttle)});
          }
        }
      }
    }
    plan_index_by_id[p.id] = static_cast<std::uint32_t>(out.plans.size());
    out.plans.push_back(std::move(p));
  }
  if (!unrecorded.empty()) {
    ledger.record_starts(unrecorded);  // throws: the load fails, nothing is published
  }

  // API keys and their plan memberships.
  std::map<std::string, std::uint32_t, std::less<>> key_index_by_id;
  std::vector<limiter::key_table::entry> lookup_entries;
  out.keys.reserve(doc.api_keys.size());
  lookup_entries.reserve(doc.api_keys.size());
  for (const api_key& k : doc.api_keys) {
    const auto index = static_cast<std::uint32_t>(out.keys.size());
    key_index_by_id[k.id] = index;
    out.keys.push_back(impl::key{k.id, k.enabled, {}});
    lookup_entries.push_back(limiter::key_table::entry{k.value, k.value_sha256, index});
  }
  for (const usage_plan_key& link : doc.usage_plan_keys) {
    auto plan_it = plan_index_by_id.find(link.usage_plan_id);
    auto key_it = key_index_by_id.find(link.key_id);
    if (plan_it == plan_index_by_id.end() || key_it == key_index_by_id.end()) {
      continue;  // rejected by validation already
    }
    const impl::plan& p = out.plans[plan_it->second];
    impl::key_binding binding;
    binding.plan_index = plan_it->second;
    binding.state = state.key_plan(p.id, link.key_id);
    for (const impl::method_throttle& mt : p.method_throttles) {
      const impl::route_limits& limits = out.stage_runtimes[mt.stage_index].limits[mt.route_id];
      const compiled_stage& st = out.stages[mt.stage_index];
      binding.method_buckets.push_back(
          state.bucket(bucket_id({"plan-method", p.id, link.key_id, st.api_id, st.stage_name,
                                  limits.resource_path, limits.http_method})));
    }
    out.keys[key_it->second].bindings.push_back(std::move(binding));
  }
  out.key_lookup = limiter::key_table(lookup_entries);

  if (doc.gateway.account_throttle) {
    out.has_account_throttle = true;
    out.account_params = to_params(*doc.gateway.account_throttle);
    out.account_bucket = state.bucket(bucket_id({"account"}));
  }
  return result;
}

verdict compiled_config::decide(const request_facts& facts) const noexcept {
  const impl& self = *impl_;
  verdict v;
  const std::size_t query = facts.target.find('?');
  const std::string_view path = facts.target.substr(0, query);

  const auto [stage_index, base_length] = self.match_stage(path);
  if (stage_index == no_index) {
    if (facts.lowest_depth_segments != UINT32_MAX) {
      // "/v1/../../etc": a ".." that led out of every stage.
      v.result = outcome::bad_request;
    }
    return v;  // missing_auth_token
  }
  if (stage_index == route_table::case_conflict) {
    v.result = outcome::bad_request;
    v.stage_index = no_index;
    return v;
  }
  v.stage_index = stage_index;
  v.forward_path_offset = base_length;
  if (facts.lowest_depth_segments < self.stages[stage_index].base_segments) {
    v.result = outcome::bad_request;  // "/v1/../v2/x": decided by neither stage
    return v;
  }
  std::string_view resource_path = path.substr(base_length);
  if (resource_path.empty()) {
    resource_path = "/";
  }
  const impl::stage_runtime& runtime = self.stage_runtimes[stage_index];
  const std::uint32_t route_id = runtime.routes.match(resource_path, facts.method);
  if (route_id == no_index) {
    return v;  // missing_auth_token: no resource/method, checked before any key
  }
  if (route_id == route_table::case_conflict) {
    v.result = outcome::bad_request;
    return v;
  }
  const impl::route_limits& limits = runtime.limits[route_id];
  v.resource_path = limits.resource_path;

  limiter::admission_chain chain;
  if (limits.api_key_required) {
    v.result = outcome::forbidden;
    if (!facts.has_api_key) {
      return v;
    }
    const std::optional<std::uint32_t> key_index = self.key_lookup.find(facts.api_key);
    if (!key_index) {
      return v;
    }
    const impl::key& k = self.keys[*key_index];
    v.key_id = k.id;
    if (!k.enabled) {
      return v;
    }
    const impl::key_binding* binding = self.binding_for(k, stage_index);
    if (binding == nullptr) {
      return v;
    }
    const impl::plan& p = self.plans[binding->plan_index];
    v.plan_id = p.id;
    // A plan's per-method throttle replaces the plan throttle for that method.
    const limiter::throttle_params* plan_params = nullptr;
    limiter::gcra_bucket* plan_bucket = nullptr;
    limiter::limit_level plan_level = limiter::limit_level::plan;
    for (std::size_t i = 0; i < p.method_throttles.size(); ++i) {
      const impl::method_throttle& mt = p.method_throttles[i];
      if (mt.stage_index == stage_index && mt.route_id == route_id) {
        plan_params = &mt.params;
        plan_bucket = binding->method_buckets[i].get();
        plan_level = limiter::limit_level::plan_method;
        break;
      }
    }
    if (plan_params == nullptr && p.has_throttle) {
      plan_params = &p.throttle;
      plan_bucket = &binding->state->plan_bucket;
    }
    if (plan_params != nullptr) {
      chain.add(plan_params, plan_bucket, plan_level);
    }
    if (p.has_quota) {
      chain.quota = &p.quota;
      chain.counter = &binding->state->quota;
      chain.journal = self.journal;
      chain.state = binding->state.get();
      chain.on_state_failure = self.gateway.on_state_failure;
    }
  }
  if (limits.has_stage_throttle) {
    chain.add(&limits.stage_params, limits.stage_bucket.get(), limits.stage_level);
  }
  if (self.has_account_throttle) {
    chain.add(&self.account_params, self.account_bucket.get(), limiter::limit_level::account);
  }

  v.admission = limiter::admit(chain, facts.now);
  switch (v.admission.refused) {
    case limiter::refusal::none:
      v.result = outcome::forward;
      v.charged = chain;
      break;
    case limiter::refusal::throttled:
      v.result = outcome::throttled;
      break;
    case limiter::refusal::quota_exceeded:
      v.result = outcome::quota_exceeded;
      break;
  }
  return v;
}

stage_match compiled_config::stage_of(std::string_view target) const noexcept {
  const auto [index, base_length] = impl_->match_stage(target.substr(0, target.find('?')));
  if (index >= impl_->stages.size()) {
    return {};
  }
  return {index, base_length};
}

const gateway_response_table* compiled_config::gateway_responses(
    std::uint32_t stage_index) const noexcept {
  return stage_index < impl_->stage_responses.size() ? impl_->stage_responses[stage_index]
                                                     : nullptr;
}

const gateway_settings& compiled_config::gateway() const noexcept {
  return impl_->gateway;
}
const std::vector<compiled_stage>& compiled_config::stages() const noexcept {
  return impl_->stages;
}
std::size_t compiled_config::key_count() const noexcept {
  return impl_->keys.size();
}
std::size_t compiled_config::plan_count() const noexcept {
  return impl_->plans.size();
}
const std::string& compiled_config::content_sha256_hex() const noexcept {
  return impl_->content_sha256_hex;
}
std::optional<std::int64_t> compiled_config::plan_start_utc_ns(std::string_view plan_id) const {
  auto it = impl_->plan_start_utc_ns.find(plan_id);
  if (it == impl_->plan_start_utc_ns.end()) {
    return std::nullopt;
  }
  return it->second;
}

void compiled_config::for_each_quota(const quota_visitor& fn) const {
  for (const impl::key& k : impl_->keys) {
    for (const impl::key_binding& b : k.bindings) {
      const impl::plan& p = impl_->plans[b.plan_index];
      if (p.has_quota) {
        fn(p.id, k.id, p.quota, b.state);
      }
    }
  }
}

}  // namespace ug::config
