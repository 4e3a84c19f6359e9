#pragma once
// One worker's block of metrics. Only the owning worker writes it (relaxed
// atomics, load+store since there is a single writer); the scraper reads it
// from another thread at any time. No mutex, no prometheus-cpp call and, once
// a label combination has been seen, no allocation on the request path.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/telemetry/metrics_histogram.hpp"
#include "gateway/telemetry/metrics_labels.hpp"
#include "gateway/telemetry/metrics_series_table.hpp"
#include "limiter/admission.hpp"

namespace ug::gateway {

/// Everything the metrics need to know about one finished request. The views
/// only need to live for the call. Label-like fields must come from the
/// config (stage, resource, key id, plan id), never from raw client input;
/// the method is folded by method_label().
struct request_record {
  std::string_view stage;     ///< stage name; "" when none matched
  std::string_view resource;  ///< matched resource path ("/chat"); "" when none
  std::string_view method;    ///< request method as received
  int status = 0;             ///< status sent downstream
  outcome result = outcome::forward;
  std::int64_t duration_ns = 0;        ///< header received -> last byte sent
  std::int64_t upstream_ttfb_ns = -1;  ///< upstream request sent -> first response byte; -1: none
  std::uint64_t bytes_in = 0;          ///< request bytes received (header + body)
  std::uint64_t bytes_out = 0;         ///< response bytes sent (header + body)
  std::string_view key_id;             ///< API key *id*; "" when no key was identified
  std::string_view plan_id;            ///< usage plan id; "" when no plan applied
  bool throttled = false;              ///< a token bucket refused (then `level` is valid)
  limiter::limit_level level = limiter::limit_level::account;
  std::uint32_t client_watches = 0;         ///< slow-exchange client watches started
  std::uint32_t client_watch_failures = 0;  ///< client watches that could not start
};

/// Upstream pool gauges of one stage on one worker. The pool (owning worker)
/// sets them whenever its connection count changes.
class upstream_pool_gauges {
 public:
  /// Owning worker only. Never throws.
  void set(std::size_t open_connections, std::size_t idle_connections) noexcept {
    open_.store(static_cast<std::int64_t>(open_connections), std::memory_order_relaxed);
    idle_.store(static_cast<std::int64_t>(idle_connections), std::memory_order_relaxed);
  }
  /// Thread-safe.
  [[nodiscard]] std::int64_t open() const noexcept { return open_.load(std::memory_order_relaxed); }
  /// Thread-safe.
  [[nodiscard]] std::int64_t idle() const noexcept { return idle_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> open_{0};
  std::atomic<std::int64_t> idle_{0};
};

namespace detail {

inline void bump(std::atomic<std::uint64_t>& a, std::uint64_t by = 1) noexcept {
  a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

/// usagegate_requests_total cells of one (stage, resource, method).
struct route_row {
  std::array<std::atomic<std::uint64_t>, status_class_count * outcome_count> counts{};
};
/// Per-stage histograms, byte counters and pool gauges.
struct stage_row {
  single_writer_histogram duration;
  single_writer_histogram upstream_ttfb;
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
  upstream_pool_gauges pool;
};
/// Requests by outcome of one key id or one plan id.
struct outcome_row {
  std::array<std::atomic<std::uint64_t>, outcome_count> counts{};
};

}  // namespace detail

// Cache-line aligned so that two workers' hot counters never share a line.
class alignas(64) worker_metrics {
 public:
  using route_table = series_table<detail::route_row, 3>;  // stage, resource, method
  using stage_table = series_table<detail::stage_row, 1>;  // stage
  using id_table = series_table<detail::outcome_row, 1>;   // key id or plan id

  /// Not thread-safe: built by `metrics` before the workers start.
  worker_metrics() = default;
  worker_metrics(const worker_metrics&) = delete;
  worker_metrics& operator=(const worker_metrics&) = delete;

  /// Owning worker only. Never throws; allocates only the first time a label
  /// combination (stage/resource/method, stage, key id, plan id) is seen.
  void record(const request_record& r) noexcept;

  /// Owning worker only. Never throws. Counts what the state-failure policy
  /// decided for one request (limiter::admission_result::state_failure);
  /// `none` counts nothing.
  void count_state_failure(limiter::state_failure_decision d) noexcept {
    if (d == limiter::state_failure_decision::refused) {
      detail::bump(state_failure_decisions_[0]);
    } else if (d == limiter::state_failure_decision::admitted) {
      detail::bump(state_failure_decisions_[1]);
    }
  }

  /// Owning worker only. A downstream connection was accepted / closed.
  void connection_opened() noexcept { add_connections(1); }
  void connection_closed() noexcept { add_connections(-1); }

  /// Owning worker only. The pool gauges of `stage` on this worker, a stable
  /// pointer the pool may keep for the life of this object; nullptr only when
  /// the stage table is full or memory ran out.
  upstream_pool_gauges* upstream_gauges(std::string_view stage) noexcept;

  // ---- Scrape side: thread-safe (relaxed/acquire reads) ----
  [[nodiscard]] const route_table& routes() const noexcept { return routes_; }
  [[nodiscard]] const stage_table& stages() const noexcept { return stages_; }
  [[nodiscard]] const id_table& keys() const noexcept { return keys_; }
  [[nodiscard]] const id_table& plans() const noexcept { return plans_; }
  [[nodiscard]] std::uint64_t throttled(limiter::limit_level level) const noexcept {
    return throttled_[static_cast<std::size_t>(level)].load(std::memory_order_relaxed);
  }
  /// `index` as in state_failure_decision_name().
  [[nodiscard]] std::uint64_t state_failure_decisions(std::size_t index) const noexcept {
    return index < state_failure_decision_count
               ? state_failure_decisions_[index].load(std::memory_order_relaxed)
               : 0;
  }
  [[nodiscard]] std::int64_t active_connections() const noexcept {
    return active_connections_.load(std::memory_order_relaxed);
  }
  /// Key samples whose key id could not get a row (table full): they are
  /// reported under key="__other__".
  [[nodiscard]] std::uint64_t key_overflow(outcome o) const noexcept {
    return key_overflow_[static_cast<std::size_t>(o)].load(std::memory_order_relaxed);
  }
  /// Samples of other tables lost because a table was full.
  [[nodiscard]] std::uint64_t dropped_samples() const noexcept {
    return dropped_samples_.load(std::memory_order_relaxed);
  }
  /// Client watches started by slow exchanges, and those that failed to start.
  [[nodiscard]] std::uint64_t client_watches() const noexcept {
    return client_watches_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t client_watch_failures() const noexcept {
    return client_watch_failures_.load(std::memory_order_relaxed);
  }

 private:
  void add_connections(std::int64_t delta) noexcept {
    active_connections_.store(active_connections_.load(std::memory_order_relaxed) + delta,
                              std::memory_order_relaxed);
  }

  route_table routes_;
  stage_table stages_;
  id_table keys_;
  id_table plans_;
  std::array<std::atomic<std::uint64_t>, limiter::limit_level_count> throttled_{};
  std::array<std::atomic<std::uint64_t>, outcome_count> key_overflow_{};
  std::array<std::atomic<std::uint64_t>, state_failure_decision_count> state_failure_decisions_{};
  std::atomic<std::uint64_t> dropped_samples_{0};
  std::atomic<std::uint64_t> client_watches_{0};
  std::atomic<std::uint64_t> client_watch_failures_{0};
  std::atomic<std::int64_t> active_connections_{0};
};

}  // namespace ug::gateway
