#include "gateway/telemetry/metrics.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <sstream>
#include <utility>

#include "prometheus/client_metric.h"
#include "prometheus/text_serializer.h"

#ifndef UG_VERSION
#define UG_VERSION "unknown"
#endif

namespace ug::gateway {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr double ns_per_s = 1e9;

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

ClientMetric::Label label(std::string_view name, std::string_view value) {
  return ClientMetric::Label{std::string(name), std::string(value)};
}

void add_counter(MetricFamily& f, std::vector<ClientMetric::Label> labels, std::uint64_t value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = static_cast<double>(value);
  f.metric.push_back(std::move(m));
}

void add_gauge(MetricFamily& f, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

void add_histogram(MetricFamily& f, std::vector<ClientMetric::Label> labels,
                   const histogram_counts& c) {
  ClientMetric m;
  m.label = std::move(labels);
  m.histogram.sample_sum = static_cast<double>(c.sum_ns) / ns_per_s;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < latency_bucket_count; ++i) {
    cumulative += c.buckets[i];
    ClientMetric::Bucket b;
    b.cumulative_count = cumulative;
    b.upper_bound = i < latency_bucket_bounds_ns.size()
                        ? static_cast<double>(latency_bucket_bounds_ns[i]) / ns_per_s
                        : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back(b);
  }
  // The count is the +Inf bucket by construction, so the two always agree.
  m.histogram.sample_count = cumulative;
  f.metric.push_back(std::move(m));
}

/// Per-stage figures summed over workers.
struct stage_totals {
  histogram_counts duration;
  histogram_counts upstream_ttfb;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::int64_t pool_open = 0;
  std::int64_t pool_idle = 0;
};

using route_key = std::array<std::string_view, 3>;
using route_cells = std::array<std::uint64_t, status_class_count * outcome_count>;
using outcome_cells = std::array<std::uint64_t, outcome_count>;

void read_cells(const detail::outcome_row& row, outcome_cells& into) noexcept {
  for (std::size_t o = 0; o < outcome_count; ++o) {
    into[o] += row.counts[o].load(std::memory_order_relaxed);
  }
}

/// Exports cell o when `present[o]` is non-zero: a series appears with its
/// first sample (or, for a newly named key, with the key's first sample).
void add_outcome_series(MetricFamily& f, std::string_view label_name, std::string_view value,
                        const outcome_cells& cells, const outcome_cells& present) {
  for (std::size_t o = 0; o < outcome_count; ++o) {
    if (present[o] == 0)
      continue;
    add_counter(f, {label(label_name, value), label("outcome", outcome_name(outcome(o)))},
                cells[o]);
  }
}

}  // namespace

std::string_view metrics::default_version() noexcept {
  return UG_VERSION;
}

metrics::metrics(unsigned workers, std::size_t max_key_series, std::string_view version)
    : registry_(std::make_shared<prometheus::Registry>()), key_series_(max_key_series) {
  workers_.reserve(std::max(workers, 1u));
  for (unsigned i = 0; i < std::max(workers, 1u); ++i) {
    workers_.push_back(std::make_unique<worker_metrics>());
  }

  auto& reloads = prometheus::BuildCounter()
                      .Name("usagegate_config_reloads_total")
                      .Help("Configuration reloads by result (ok, failed).")
                      .Register(*registry_);
  reloads_ok_ = &reloads.Add({{"result", "ok"}});
  reloads_failed_ = &reloads.Add({{"result", "failed"}});

  control_plane_requests_ = &prometheus::BuildCounter()
                                 .Name("usagegate_control_plane_requests_total")
                                 .Help(
                                     "AWS control-plane requests answered, by operation and "
                                     "HTTP status (none: no operation matched).")
                                 .Register(*registry_);

  config_info_ = &prometheus::BuildGauge()
                      .Name("usagegate_config_info")
                      .Help("The configuration in force, by SHA-256 of its document (always 1).")
                      .Register(*registry_);

  prometheus::BuildGauge()
      .Name("usagegate_build_info")
      .Help("The running build, by version (always 1).")
      .Register(*registry_)
      .Add({{"version", std::string(version)}})
      .Set(1);
}

metrics::~metrics() = default;

void metrics::set_config_info(std::string_view sha256) {
  std::lock_guard lock(config_info_mutex_);
  if (config_info_current_ != nullptr)
    config_info_->Remove(config_info_current_);
  config_info_current_ = &config_info_->Add({{"sha256", std::string(sha256)}});
  config_info_current_->Set(1);
}

void metrics::count_reload(bool ok) {
  (ok ? reloads_ok_ : reloads_failed_)->Increment();
}

void metrics::count_control_plane_request(std::string_view operation, unsigned status) {
  control_plane_requests_
      ->Add({{"operation", operation.empty() ? std::string("none") : std::string(operation)},
             {"status", std::to_string(status)}})
      .Increment();
}

std::vector<MetricFamily> metrics::Collect() const {
  std::lock_guard lock(scrape_mutex_);

  // Merge the workers' rows by label values. The views point into the
  // workers' tables, whose published labels never change or move.
  std::map<route_key, route_cells> routes;
  std::map<std::string_view, stage_totals> stages;
  std::map<std::string_view, outcome_cells> plans;
  key_series_selector::totals_map keys;
  outcome_cells key_overflow{};
  std::array<std::uint64_t, limiter::limit_level_count> throttled{};
  std::array<std::uint64_t, state_failure_decision_count> state_failures{};
  std::int64_t active_connections = 0;
  std::uint64_t dropped = 0;
  std::uint64_t client_watches = 0;
  std::uint64_t client_watch_failures = 0;

  for (const auto& w : workers_) {
    const auto& rt = w->routes();
    for (std::size_t i = 0, n = rt.size(); i < n; ++i) {
      const auto& l = rt.labels(i);
      auto& cells = routes[{l[0], l[1], l[2]}];
      const auto& row = rt.row(i);
      for (std::size_t c = 0; c < cells.size(); ++c) {
        cells[c] += row.counts[c].load(std::memory_order_relaxed);
      }
    }
    const auto& st = w->stages();
    for (std::size_t i = 0, n = st.size(); i < n; ++i) {
      auto& t = stages[st.labels(i)[0]];
      const auto& row = st.row(i);
      t.duration.add(row.duration.read());
      t.upstream_ttfb.add(row.upstream_ttfb.read());
      t.bytes_in += row.bytes_in.load(std::memory_order_relaxed);
      t.bytes_out += row.bytes_out.load(std::memory_order_relaxed);
      t.pool_open += row.pool.open();
      t.pool_idle += row.pool.idle();
    }
    const auto& pt = w->plans();
    for (std::size_t i = 0, n = pt.size(); i < n; ++i) {
      read_cells(pt.row(i), plans[pt.labels(i)[0]]);
    }
    const auto& kt = w->keys();
    for (std::size_t i = 0, n = kt.size(); i < n; ++i) {
      read_cells(kt.row(i), keys[kt.labels(i)[0]]);
    }
    for (std::size_t o = 0; o < outcome_count; ++o)
      key_overflow[o] += w->key_overflow(outcome(o));
    for (std::size_t l = 0; l < limiter::limit_level_count; ++l) {
      throttled[l] += w->throttled(limiter::limit_level(l));
    }
    for (std::size_t d = 0; d < state_failure_decision_count; ++d) {
      state_failures[d] += w->state_failure_decisions(d);
    }
    active_connections += w->active_connections();
    dropped += w->dropped_samples();
    client_watches += w->client_watches();
    client_watch_failures += w->client_watch_failures();
  }

  std::vector<MetricFamily> out;

  auto requests = family("usagegate_requests_total",
                         "Requests by stage, matched resource, method, status class and outcome.",
                         MetricType::Counter);
  for (const auto& [k, cells] : routes) {
    for (std::size_t sc = 0; sc < status_class_count; ++sc) {
      for (std::size_t o = 0; o < outcome_count; ++o) {
        const std::uint64_t v = cells[sc * outcome_count + o];
        if (v == 0)
          continue;
        add_counter(requests,
                    {label("stage", k[0]), label("resource", k[1]), label("method", k[2]),
                     label("status_class", status_class_name(sc)),
                     label("outcome", outcome_name(outcome(o)))},
                    v);
      }
    }
  }
  out.push_back(std::move(requests));

  auto throttled_family =
      family("usagegate_throttled_total",
             "Requests refused by a token bucket, by the refusing level.", MetricType::Counter);
  for (std::size_t l = 0; l < limiter::limit_level_count; ++l) {
    add_counter(throttled_family, {label("level", limit_level_name(limiter::limit_level(l)))},
                throttled[l]);
  }
  out.push_back(std::move(throttled_family));

  auto state_failure_family =
      family("usagegate_state_failure_decisions_total",
             "Counted requests the durable state store could not cover, by what "
             "gateway.onStateFailure decided (refused, admitted).",
             MetricType::Counter);
  for (std::size_t d = 0; d < state_failure_decision_count; ++d) {
    add_counter(state_failure_family, {label("decision", state_failure_decision_name(d))},
                state_failures[d]);
  }
  out.push_back(std::move(state_failure_family));

  auto duration = family("usagegate_request_duration_seconds",
                         "Time from request header received to last response byte sent.",
                         MetricType::Histogram);
  auto ttfb = family("usagegate_upstream_time_to_first_byte_seconds",
                     "Time from request sent upstream to the first upstream response byte.",
                     MetricType::Histogram);
  auto received =
      family("usagegate_received_bytes_total",
             "Request bytes received from clients (header and body).", MetricType::Counter);
  auto sent = family("usagegate_sent_bytes_total",
                     "Response bytes sent to clients (header and body).", MetricType::Counter);
  auto pool_open =
      family("usagegate_upstream_connections",
             "Open upstream connections (busy and idle), by stage.", MetricType::Gauge);
  auto pool_idle = family("usagegate_upstream_idle_connections",
                          "Idle pooled upstream connections, by stage.", MetricType::Gauge);
  for (const auto& [stage, t] : stages) {
    // A stage row may exist only for its pool gauges; request series start
    // with the first request, like every other series here.
    if (t.duration.count() > 0) {
      add_histogram(duration, {label("stage", stage)}, t.duration);
      add_counter(received, {label("stage", stage)}, t.bytes_in);
      add_counter(sent, {label("stage", stage)}, t.bytes_out);
    }
    if (t.upstream_ttfb.count() > 0)
      add_histogram(ttfb, {label("stage", stage)}, t.upstream_ttfb);
    if (!stage.empty()) {
      add_gauge(pool_open, {label("stage", stage)}, static_cast<double>(t.pool_open));
      add_gauge(pool_idle, {label("stage", stage)}, static_cast<double>(t.pool_idle));
    }
  }
  out.push_back(std::move(duration));
  out.push_back(std::move(ttfb));
  out.push_back(std::move(received));
  out.push_back(std::move(sent));
  out.push_back(std::move(pool_open));
  out.push_back(std::move(pool_idle));

  auto active = family("usagegate_downstream_active_connections",
                       "Client connections currently open.", MetricType::Gauge);
  add_gauge(active, {}, static_cast<double>(active_connections));
  out.push_back(std::move(active));

  auto plan_family =
      family("usagegate_plan_requests_total",
             "Requests that applied a usage plan, by plan id and outcome.", MetricType::Counter);
  for (const auto& [plan, cells] : plans)
    add_outcome_series(plan_family, "plan", plan, cells, cells);
  out.push_back(std::move(plan_family));

  auto key_family = family("usagegate_key_requests_total",
                           "Requests by API key id and outcome: the heaviest keys by name, the "
                           "rest as key=\"__other__\" (never the key value).",
                           MetricType::Counter);
  for (const auto& s : key_series_.update(keys, key_overflow)) {
    add_outcome_series(key_family, "key", s.key, s.values, s.totals);
  }
  out.push_back(std::move(key_family));

  auto dropped_family = family("usagegate_metrics_dropped_samples_total",
                               "Samples not attributed to a series because a per-worker series "
                               "table was full.",
                               MetricType::Counter);
  add_counter(dropped_family, {}, dropped);
  out.push_back(std::move(dropped_family));

  auto watches_family =
      family("usagegate_client_watches_total",
             "Slow exchanges (over 50 ms) that started watching their client for a disconnect.",
             MetricType::Counter);
  add_counter(watches_family, {}, client_watches);
  out.push_back(std::move(watches_family));
  auto watch_failures_family =
      family("usagegate_client_watch_failures_total",
             "Client watches that could not start (out of memory): such an exchange goes on "
             "without noticing a client that leaves before the response.",
             MetricType::Counter);
  add_counter(watch_failures_family, {}, client_watch_failures);
  out.push_back(std::move(watch_failures_family));
  return out;
}

std::string metrics::scrape_text() const {
  std::vector<MetricFamily> families = registry_->Collect();
  std::vector<MetricFamily> mine = Collect();
  families.insert(families.end(), std::make_move_iterator(mine.begin()),
                  std::make_move_iterator(mine.end()));
  std::sort(families.begin(), families.end(),
            [](const MetricFamily& a, const MetricFamily& b) { return a.name < b.name; });
  std::ostringstream text;
  prometheus::TextSerializer{}.Serialize(text, families);
  return std::move(text).str();
}

}  // namespace ug::gateway
