// compiled_config::compile: a validated document into the immutable snapshot,
// one step per part of the document (compiled_config::impl::compiler).
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/document/aws_names.hpp"
#include "config/document/document_lookup.hpp"
#include "config/document/upstream_url.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "config/snapshot/compiled_config_impl.hpp"
#include "config/snapshot/route_table.hpp"
#include "limiter/key_table.hpp"
#include "limiter/plan_start_ledger.hpp"
#include "limiter/quota_period.hpp"

namespace ug::config {
namespace {

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

/// A stage's methodSettings by what they apply to: a specific "res/METHOD"
/// entry replaces "*/*" (with the fields it lacks filled in, see
/// stage_throttle_params).
struct stage_method_settings {
  std::map<std::pair<std::string, std::string>, const method_setting*> specific;
  const method_setting* stage_default = nullptr;  ///< "*/*"
};

stage_method_settings sort_method_settings(const stage& s) {
  stage_method_settings sorted;
  for (const auto& [setting_key, setting] : s.method_settings) {
    std::string ignored;  // the document parser reported bad keys already
    const std::optional<detail::method_key> parsed =
        detail::parse_method_setting_key(setting_key, ignored);
    if (!parsed) {
      continue;
    }
    if (parsed->resource_path == "*") {
      sorted.stage_default = &setting;
    } else {
      sorted.specific[{parsed->resource_path, parsed->http_method}] = &setting;
    }
  }
  return sorted;
}

}  // namespace

struct compiled_config::impl::compiler {
  compiler(const document& d, limiter::state_registry& r, impl& o) : doc(d), state(r), out(o) {}

  const document& doc;
  limiter::state_registry& state;
  impl& out;
  // What a later step finds by id in what an earlier one built.
  std::map<std::string, const gateway_response_table*, std::less<>> responses_by_api;
  std::map<std::pair<std::string, std::string>, std::uint32_t> stage_index_by_id;
  std::map<std::string, std::uint32_t, std::less<>> plan_index_by_id;

  /// Gateway responses, compiled once per REST API that customised some.
  void add_gateway_responses() {
    for (const rest_api& a : doc.rest_apis) {
      if (auto table = gateway_response_table::compile(a)) {
        responses_by_api[a.id] = table.get();
        out.response_tables.push_back(std::move(table));
      }
    }
  }

  /// Stages, their routes and stage-level throttles, and the table that
  /// finds a stage by its ids (stage_addresses.hpp).
  void add_stages() {
    for (const stage& s : doc.stages) {
      add_stage(s);
    }
    for (std::uint32_t i = 0; i < out.stages.size(); ++i) {
      if (!out.stages[i].upstream_from_integrations)
        out.stages_by_base_length.push_back(i);
    }
    std::stable_sort(out.stages_by_base_length.begin(), out.stages_by_base_length.end(),
                     [this](std::uint32_t a, std::uint32_t b) {
                       return out.stages[a].base_path.size() > out.stages[b].base_path.size();
                     });
    for (std::uint32_t i = 0; i < out.stages.size(); ++i) {
      out.addresses.add(out.stages[i].api_id, out.stages[i].stage_name, i);
    }
    out.addresses.seal();
  }

  void add_stage(const stage& s) {
    const auto stage_index = static_cast<std::uint32_t>(out.stages.size());
    stage_index_by_id[{s.api_id, s.stage_name}] = stage_index;
    compiled_stage compiled{s.api_id, s.stage_name,
                            s.base_path.empty() ? "/" + s.stage_name : s.base_path, s.upstream};
    compiled.upstream_from_integrations = s.upstream_from_integrations;
    if (compiled.upstream_from_integrations)
      compiled.base_path.clear();
    compiled.base_segments = compiled.base_path.empty() || compiled.base_path == "/"
                                 ? 0
                                 : static_cast<std::uint32_t>(std::count(
                                       compiled.base_path.begin(), compiled.base_path.end(), '/'));
    out.stages.push_back(std::move(compiled));
    const auto responses = responses_by_api.find(s.api_id);
    out.stage_responses.push_back(responses == responses_by_api.end() ? nullptr
                                                                      : responses->second);
    stage_runtime runtime;
    if (const rest_api* api = find_rest_api(doc, s.api_id)) {
      add_routes(s, *api, runtime);
    }
    out.stage_runtimes.push_back(std::move(runtime));
  }

  /// What stage `s` serves: the deployment it points at, else (a file's
  /// stage, or a deploymentId from AWS with no deployments here) the API's
  /// resources as they are.
  static const std::vector<resource>& served_resources(const stage& s, const rest_api& api) {
    const deployment* d = find_deployment(api, s.deployment_id);
    return d != nullptr ? d->resources : api.resources;
  }

  void add_routes(const stage& s, const rest_api& api, stage_runtime& runtime) {
    const stage_method_settings settings = sort_method_settings(s);
    for (const resource& r : served_resources(s, api)) {
      for (const method& m : r.methods) {
        const std::uint32_t route_id = runtime.routes.add(r.path, m.http_method);
        if (route_id == route_table::no_route) {
          continue;  // unknown method name: rejected by validation already
        }
        if (runtime.limits.size() <= route_id) {
          runtime.limits.resize(route_id + 1);
        }
        route_limits& limits = runtime.limits[route_id];
        limits.resource_path = r.path;
        limits.http_method = m.http_method;
        limits.api_key_required = m.api_key_required;
        if (s.upstream_from_integrations && m.method_integration)
          add_integration(*m.method_integration, limits);

        if (auto it = settings.specific.find({r.path, m.http_method});
            it != settings.specific.end()) {
          limits.has_stage_throttle = true;
          limits.stage_level = limiter::limit_level::stage_method;
          limits.stage_params = stage_throttle_params(*it->second, settings.stage_default);
        } else if (settings.stage_default != nullptr) {
          limits.has_stage_throttle = true;
          limits.stage_level = limiter::limit_level::stage;
          limits.stage_params = stage_throttle_params(*settings.stage_default, nullptr);
        }
        if (limits.has_stage_throttle) {
          // "*/*" applies to each method separately, as a specific entry would.
          limits.stage_bucket =
              state.bucket(bucket_id({"stage", s.api_id, s.stage_name, r.path, m.http_method}));
        }
      }
    }
  }

  /// Validation checked the URI (upstream_from_integrations).
  static void add_integration(const integration& in, route_limits& limits) {
    std::string ignored;
    if (const auto address = detail::parse_integration_uri(in.uri, ignored))
      limits.integration_path = address->path_template;
    if (in.http_method != "ANY")
      limits.integration_method = in.http_method;
  }

  /// Usage plans. A plan's start is the one in the ledger; else the one of
  /// the snapshot being replaced (compiled against another ledger: the
  /// gateway's first compile runs before the store is open); else now. Starts
  /// the ledger lacks are recorded here, before the snapshot exists: no
  /// snapshot uses a start that the ledger (the state store, across
  /// restarts) does not hold. Throws what the ledger throws.
  void add_plans(limiter::instant now, const compiled_config* previous) {
    limiter::plan_start_ledger& ledger = state.plan_starts();
    std::vector<limiter::plan_start> unrecorded;
    for (const usage_plan& up : doc.usage_plans) {
      std::optional<std::int64_t> start = ledger.recorded_start(up.id);
      if (!start) {
        start = previous != nullptr ? previous->plan_start_utc_ns(up.id) : std::nullopt;
        start = start.value_or(now.utc_ns);
        unrecorded.push_back(limiter::plan_start{up.id, *start});
      }
      out.plan_start_utc_ns[up.id] = *start;
      plan_index_by_id[up.id] = static_cast<std::uint32_t>(out.plans.size());
      out.plans.push_back(compile_plan(up, *start));
    }
    if (!unrecorded.empty()) {
      ledger.record_starts(unrecorded);  // throws: the load fails, nothing is published
    }
  }

  plan compile_plan(const usage_plan& up, std::int64_t start_utc_ns) const {
    plan p;
    p.id = up.id;
    if (up.throttle) {
      p.has_throttle = true;
      p.throttle = to_params(*up.throttle);
    }
    if (up.quota) {
      p.has_quota = true;
      p.quota.limit = up.quota->limit;
      p.quota.period = up.quota->period;
      if (doc.gateway.quota_offset_meaning == limiter::offset_meaning::start_day) {
        p.quota.start_day_offset = static_cast<int>(up.quota->offset);
      } else {
        p.quota.first_period_reduction = up.quota->offset;
        p.quota.first_period_index =
            limiter::period_containing(up.quota->period, 0, start_utc_ns).index;
      }
    }
    for (const api_stage& as : up.api_stages) {
      auto it = stage_index_by_id.find({as.api_id, as.stage});
      if (it == stage_index_by_id.end()) {
        continue;  // rejected by validation already
      }
      p.stage_indices.push_back(it->second);
      add_method_throttles(as, it->second, p);
    }
    return p;
  }

  /// The plan's per-method throttles on one of its stages ("/path/METHOD").
  void add_method_throttles(const api_stage& as, std::uint32_t stage_index, plan& p) const {
    const stage_runtime& runtime = out.stage_runtimes[stage_index];
    for (const auto& [throttle_key, throttle] : as.throttle) {
      std::string ignored;  // the document parser reported bad keys already
      const std::optional<detail::method_key> parsed =
          detail::parse_plan_method_key(throttle_key, ignored);
      if (!parsed) {
        continue;
      }
      for (std::uint32_t route_id = 0; route_id < runtime.limits.size(); ++route_id) {
        const route_limits& limits = runtime.limits[route_id];
        if (limits.resource_path == parsed->resource_path &&
            limits.http_method == parsed->http_method) {
          p.method_throttles.push_back(method_throttle{stage_index, route_id, to_params(throttle)});
        }
      }
    }
  }

  /// API keys and their plan memberships.
  void add_keys() {
    std::map<std::string, std::uint32_t, std::less<>> key_index_by_id;
    std::vector<limiter::key_table::entry> lookup_entries;
    out.keys.reserve(doc.api_keys.size());
    lookup_entries.reserve(doc.api_keys.size());
    for (const api_key& k : doc.api_keys) {
      const auto index = static_cast<std::uint32_t>(out.keys.size());
      key_index_by_id[k.id] = index;
      out.keys.push_back(key{k.id, k.enabled, {}});
      lookup_entries.push_back(limiter::key_table::entry{k.value, k.value_sha256, index});
    }
    for (const usage_plan_key& link : doc.usage_plan_keys) {
      auto plan_it = plan_index_by_id.find(link.usage_plan_id);
      auto key_it = key_index_by_id.find(link.key_id);
      if (plan_it == plan_index_by_id.end() || key_it == key_index_by_id.end()) {
        continue;  // rejected by validation already
      }
      out.keys[key_it->second].bindings.push_back(bind(plan_it->second, link.key_id));
    }
    out.key_lookup = limiter::key_table(lookup_entries);
  }

  /// Key `key_id` in plan `plan_index`: its state there and a bucket per
  /// per-method throttle of the plan.
  key_binding bind(std::uint32_t plan_index, std::string_view key_id) const {
    const plan& p = out.plans[plan_index];
    key_binding binding;
    binding.plan_index = plan_index;
    binding.state = state.key_plan(p.id, key_id);
    for (const method_throttle& mt : p.method_throttles) {
      const route_limits& limits = out.stage_runtimes[mt.stage_index].limits[mt.route_id];
      const compiled_stage& st = out.stages[mt.stage_index];
      binding.method_buckets.push_back(
          state.bucket(bucket_id({"plan-method", p.id, key_id, st.api_id, st.stage_name,
                                  limits.resource_path, limits.http_method})));
    }
    return binding;
  }

  void add_account_throttle() {
    if (doc.gateway.account_throttle) {
      out.has_account_throttle = true;
      out.account_params = to_params(*doc.gateway.account_throttle);
      out.account_bucket = state.bucket(bucket_id({"account"}));
    }
  }
};

std::shared_ptr<const compiled_config> compiled_config::compile(const document& doc,
                                                                limiter::state_registry& state,
                                                                limiter::instant now,
                                                                std::string content_sha256_hex,
                                                                const compiled_config* previous) {
  std::shared_ptr<compiled_config> result(new compiled_config());
  impl& out = *result->impl_;
  out.gateway = doc.gateway;
  out.source = std::make_shared<const document>(doc);
  out.content_sha256_hex = std::move(content_sha256_hex);
  out.journal = state.journal();

  // In this order: stages need the responses, plans the stages, keys the plans.
  impl::compiler steps(doc, state, out);
  steps.add_gateway_responses();
  steps.add_stages();
  steps.add_plans(now, previous);
  steps.add_keys();
  steps.add_account_throttle();
  return result;
}

}  // namespace ug::config
