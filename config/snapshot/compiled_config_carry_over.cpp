#include <map>
#include <string>
#include <vector>

#include "config/snapshot/compiled_config_impl.hpp"
#include "limiter/throttle_carry_over.hpp"

namespace ug::config {

void compiled_config::carry_over_from(const compiled_config& previous,
                                      std::int64_t now_mono_ns) const {
  impl_->carry_over_buckets_from(*previous.impl_, now_mono_ns);
}

void compiled_config::impl::carry_over_buckets_from(const impl& previous,
                                                    std::int64_t now_mono_ns) const {
  const auto carry = [now_mono_ns](limiter::gcra_bucket& bucket,
                                   const limiter::throttle_params* from,
                                   const limiter::throttle_params& to) {
    if (from != nullptr) {
      bucket.carry_over(*from, to, now_mono_ns);
    }
  };
  if (has_account_throttle && previous.has_account_throttle) {
    carry(*account_bucket, &previous.account_params, account_params);
  }

  // Stage buckets are shared objects: the same pointer is the same bucket.
  std::map<const limiter::gcra_bucket*, const limiter::throttle_params*> stage_params_before;
  for (const stage_runtime& runtime : previous.stage_runtimes) {
    for (const route_limits& limits : runtime.limits) {
      if (limits.has_stage_throttle) {
        stage_params_before[limits.stage_bucket.get()] = &limits.stage_params;
      }
    }
  }
  for (const stage_runtime& runtime : stage_runtimes) {
    for (const route_limits& limits : runtime.limits) {
      if (!limits.has_stage_throttle) {
        continue;
      }
      if (auto it = stage_params_before.find(limits.stage_bucket.get());
          it != stage_params_before.end()) {
        carry(*limits.stage_bucket, it->second, limits.stage_params);
      }
    }
  }

  // Per-key buckets are many: find each plan's earlier limits once, and visit
  // the keys only when some plan's limits changed.
  struct plan_before {
    const limiter::throttle_params* plan = nullptr;
    std::vector<const limiter::throttle_params*> methods;  // parallel to method_throttles
  };
  std::map<std::string_view, const plan*, std::less<>> previous_plans;
  for (const plan& p : previous.plans) {
    previous_plans[p.id] = &p;
  }
  const auto method_name = [](const impl& config, const method_throttle& mt) {
    const compiled_stage& st = config.stages[mt.stage_index];
    const route_limits& limits = config.stage_runtimes[mt.stage_index].limits[mt.route_id];
    return std::array<std::string_view, 4>{st.api_id, st.stage_name, limits.resource_path,
                                           limits.http_method};
  };
  std::vector<plan_before> before(plans.size());
  bool any_changed = false;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const plan& p = plans[i];
    auto found = previous_plans.find(p.id);
    if (found == previous_plans.end()) {
      continue;
    }
    const plan& old = *found->second;
    if (p.has_throttle && old.has_throttle && !limiter::same_units(old.throttle, p.throttle)) {
      before[i].plan = &old.throttle;
      any_changed = true;
    }
    before[i].methods.assign(p.method_throttles.size(), nullptr);
    for (std::size_t m = 0; m < p.method_throttles.size(); ++m) {
      const auto name = method_name(*this, p.method_throttles[m]);
      for (const method_throttle& old_mt : old.method_throttles) {
        if (method_name(previous, old_mt) == name &&
            !limiter::same_units(old_mt.params, p.method_throttles[m].params)) {
          before[i].methods[m] = &old_mt.params;
          any_changed = true;
        }
      }
    }
  }
  if (!any_changed) {
    return;
  }
  for (const key& k : keys) {
    for (const key_binding& b : k.bindings) {
      const plan& p = plans[b.plan_index];
      const plan_before& old = before[b.plan_index];
      carry(b.state->plan_bucket, old.plan, p.throttle);
      for (std::size_t m = 0; m < old.methods.size(); ++m) {
        carry(*b.method_buckets[m], old.methods[m], p.method_throttles[m].params);
      }
    }
  }
}

}  // namespace ug::config
