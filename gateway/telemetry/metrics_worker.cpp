#include "gateway/telemetry/metrics_worker.hpp"

namespace ug::gateway {

void worker_metrics::record(const request_record& r) noexcept {
  // An out-of-range enum value must not index past the counters.
  const auto o = static_cast<std::size_t>(r.result) < outcome_count
                     ? static_cast<std::size_t>(r.result)
                     : static_cast<std::size_t>(outcome::bad_request);
  if (auto* route = routes_.find_or_add({r.stage, r.resource, method_label(r.method)})) {
    detail::bump(route->counts[status_class_index(r.status) * outcome_count + o]);
  } else {
    detail::bump(dropped_samples_);
  }

  if (auto* stage = stages_.find_or_add({r.stage})) {
    stage->duration.observe(r.duration_ns);
    if (r.upstream_ttfb_ns >= 0)
      stage->upstream_ttfb.observe(r.upstream_ttfb_ns);
    detail::bump(stage->bytes_in, r.bytes_in);
    detail::bump(stage->bytes_out, r.bytes_out);
  } else {
    detail::bump(dropped_samples_);
  }

  if (r.client_watches > 0) {
    detail::bump(client_watches_, r.client_watches);
  }
  if (r.client_watch_failures > 0) {
    detail::bump(client_watch_failures_, r.client_watch_failures);
  }

  if (r.throttled && static_cast<std::size_t>(r.level) < limiter::limit_level_count) {
    detail::bump(throttled_[static_cast<std::size_t>(r.level)]);
  }

  if (!r.key_id.empty()) {
    if (auto* key = keys_.find_or_add({r.key_id})) {
      detail::bump(key->counts[o]);
    } else {
      detail::bump(key_overflow_[o]);
    }
  }
  if (!r.plan_id.empty()) {
    if (auto* plan = plans_.find_or_add({r.plan_id})) {
      detail::bump(plan->counts[o]);
    } else {
      detail::bump(dropped_samples_);
    }
  }
}

upstream_pool_gauges* worker_metrics::upstream_gauges(std::string_view stage) noexcept {
  auto* row = stages_.find_or_add({stage});
  return row ? &row->pool : nullptr;
}

}  // namespace ug::gateway
