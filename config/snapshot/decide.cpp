// compiled_config::decide and stage_of, and the stage a request addresses
// (match_stage): the per-request reads of a snapshot, on the worker threads.
// Nothing here locks, allocates or throws.
#include <optional>
#include <string_view>

#include "config/snapshot/compiled_config.hpp"
#include "config/snapshot/compiled_config_impl.hpp"
#include "config/snapshot/route_table.hpp"
#include "config/snapshot/stage_addresses.hpp"

namespace ug::config {
namespace {

constexpr std::uint32_t no_index = route_table::no_route;
static_assert(stage_address_table::none == no_index);

}  // namespace

compiled_config::impl::stage_hit compiled_config::impl::match_stage(
    std::string_view path, std::string_view host) const noexcept {
  const auto addressed = [](std::uint32_t index, const stage_address& a) {
    return stage_hit{index, a.prefix_bytes, a.prefix_segments};
  };
  if (const std::optional<std::string_view> host_api_id = execute_api_host_id(host)) {
    // On AWS that host serves that one API: no base path applies under it.
    const std::optional<stage_address> a = execute_api_address(*host_api_id, path);
    return a ? addressed(addresses.find_by_host(a->api_id, a->stage_name), *a) : stage_hit{};
  }
  // "/V1/x" where "/v1" exists, taken by a shorter base path (a "/" stage):
  // refused, as a case-insensitive upstream behind both would serve /v1.
  bool case_variant = false;
  std::uint32_t root_stage = no_index;
  for (std::uint32_t index : stages_by_base_length) {
    const compiled_stage& s = stages[index];
    const std::string& base = s.base_path;
    if (base == "/") {
      root_stage = index;  // the shortest: every other base path was tried
      break;
    }
    if (path.size() >= base.size() && (path.size() == base.size() || path[base.size()] == '/')) {
      if (path.compare(0, base.size(), base) == 0) {
        return {case_variant ? route_table::case_conflict : index, base.size(), s.base_segments};
      }
      case_variant = case_variant || equals_ignoring_ascii_case(path.substr(0, base.size()), base);
    }
  }
  // A configured base path ("/restapis") wins over LocalStack's form, which
  // wins over the "/" catch-all; an unknown id or stage in that form is no
  // route rather than the catch-all's, as it names a stage that is not here.
  if (const std::optional<stage_address> a = user_request_address(path)) {
    return addressed(addresses.find(a->api_id, a->stage_name), *a);
  }
  if (root_stage != no_index) {
    return {case_variant ? route_table::case_conflict : root_stage, 0, 0};
  }
  return {};
}

verdict compiled_config::decide(const request_facts& facts) const noexcept {
  const impl& self = *impl_;
  verdict v;
  const std::size_t query = facts.target.find('?');
  const std::string_view path = facts.target.substr(0, query);

  const impl::stage_hit hit = self.match_stage(path, facts.host);
  const std::uint32_t stage_index = hit.index;
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
  v.forward_path_offset = hit.prefix_bytes;
  if (facts.lowest_depth_segments < hit.prefix_segments) {
    v.result = outcome::bad_request;  // "/v1/../v2/x": decided by neither stage
    return v;
  }
  std::string_view resource_path = path.substr(hit.prefix_bytes);
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
  v.integration_path = limits.integration_path;
  v.integration_method = limits.integration_method;

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

stage_match compiled_config::stage_of(std::string_view target,
                                      std::string_view host) const noexcept {
  const impl::stage_hit hit = impl_->match_stage(target.substr(0, target.find('?')), host);
  if (hit.index >= impl_->stages.size()) {
    return {};
  }
  return {hit.index, hit.prefix_bytes};
}

}  // namespace ug::config
