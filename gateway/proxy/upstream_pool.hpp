#pragma once
// Keep-alive connections to one stage's upstream, owned by one worker (so no
// lock): a LIFO stack of idle connections (the warmest is reused first) with a
// size cap and an idle deadline, plus the cached resolve result, the
// endpoint's "reached once" flag (readiness) and the stage's pool gauges.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/document/document.hpp"
#include "gateway/net/net.hpp"
#include "gateway/telemetry/metrics_worker.hpp"

namespace ug::gateway {

class upstream_pool;

/// One connection to an upstream; `buffer` holds bytes read past a response.
/// Counted as open by its pool from creation to destruction.
struct upstream_connection {
  upstream_connection(const worker_executor& ex, upstream_pool* owner)
      : socket(ex), owner_(owner) {}
  upstream_connection(const upstream_connection&) = delete;
  upstream_connection& operator=(const upstream_connection&) = delete;
  ~upstream_connection();

  socket_type socket;
  beast::flat_buffer buffer;
  std::int64_t idle_since_ns = 0;  ///< monotonic ns when pooled
  std::uint64_t exchanges = 0;     ///< completed exchanges on this connection

 private:
  upstream_pool* owner_;  ///< outlives the connection (relays hold both, pool last)
};
using upstream_connection_ptr = std::unique_ptr<upstream_connection>;

/// The pool gauges of one stage label on one worker, summed over every pool
/// reporting under that label: after a reload the replaced pool may still
/// finish exchanges next to its successor. Owning worker only.
struct pool_gauge_cell {
  upstream_pool_gauges* gauges = nullptr;  ///< null when the metrics table is full
  std::int64_t open = 0;
  std::int64_t idle = 0;

  void add(std::int64_t open_delta, std::int64_t idle_delta) noexcept {
    open += open_delta;
    idle += idle_delta;
    if (gauges != nullptr) {
      gauges->set(static_cast<std::size_t>(open < 0 ? 0 : open),
                  static_cast<std::size_t>(idle < 0 ? 0 : idle));
    }
  }
};

/// Set (relaxed) by the first successful connect to an endpoint; read by /readyz.
using reach_flag = std::shared_ptr<std::atomic<bool>>;

class upstream_pool {
 public:
  /// Owning worker only (all members). `ex` is the worker's executor;
  /// `gauges` (may be null) must outlive the pool; `reached` may be null.
  upstream_pool(worker_executor ex, config::upstream_settings settings,
                pool_gauge_cell* gauges = nullptr, reach_flag reached = nullptr);
  upstream_pool(const upstream_pool&) = delete;
  upstream_pool& operator=(const upstream_pool&) = delete;
  ~upstream_pool();

  /// The most recently pooled connection that is still usable, or null.
  /// Connections idle past idle_timeout_ms, or that the upstream closed or
  /// wrote to while idle (a non-blocking peek, for connections idle 20 ms or
  /// more), are closed on the way.
  upstream_connection_ptr acquire(std::int64_t now_mono_ns);
  /// A new, unconnected connection on the worker's executor.
  upstream_connection_ptr make_connection();
  /// Pools `c` (caller checked it is reusable) unless the pool is full or
  /// draining, in which case it is closed.
  void release(upstream_connection_ptr c, std::int64_t now_mono_ns);
  /// Closes idle connections past the idle deadline; returns how many.
  std::size_t sweep(std::int64_t now_mono_ns);
  /// Closes every idle connection and refuses to pool from now on.
  void drain();

  /// A reload kept this stage's endpoint (host and port) but may have changed
  /// the other settings: take them over, keeping the warm connections (the
  /// extra ones when pool_size shrank are closed). Exchanges in flight keep
  /// the timeouts they started with.
  void update_settings(const config::upstream_settings& s);
  /// Reports under another stage label from now on (a reload renamed or
  /// re-ordered stages); `gauges` may be null.
  void attach_gauges(pool_gauge_cell* gauges) noexcept;
  /// A connect succeeded: the endpoint is reachable (readiness).
  void mark_reached() noexcept {
    if (reached_ && !reached_->load(std::memory_order_relaxed)) {
      reached_->store(true, std::memory_order_relaxed);
    }
  }

  [[nodiscard]] const config::upstream_settings& settings() const noexcept { return settings_; }
  /// The Host value sent upstream.
  [[nodiscard]] const std::string& host_value() const noexcept { return host_value_; }
  [[nodiscard]] const tcp::resolver::results_type& endpoints() const noexcept { return endpoints_; }
  void set_endpoints(tcp::resolver::results_type r) { endpoints_ = std::move(r); }
  [[nodiscard]] std::size_t idle_count() const noexcept { return idle_.size(); }
  /// Connections of this pool that exist now (idle, busy or being connected).
  [[nodiscard]] std::size_t open_count() const noexcept { return open_; }
  [[nodiscard]] const worker_executor& executor() const noexcept { return ex_; }

  /// Counters for logs and tests (owning worker only).
  std::uint64_t connects = 0;  ///< connections created
  std::uint64_t reuses = 0;    ///< exchanges served by a pooled connection
  std::uint64_t retries = 0;   ///< stale pooled connections retried on a fresh one

 private:
  friend struct upstream_connection;
  static bool usable(upstream_connection& c, std::int64_t idle_ns) noexcept;
  void connection_destroyed() noexcept;
  /// Brings the gauge cell in line with open_ and idle_.size().
  void report() noexcept;

  worker_executor ex_;
  config::upstream_settings settings_;
  std::string host_value_;
  tcp::resolver::results_type endpoints_;
  pool_gauge_cell* gauges_ = nullptr;
  reach_flag reached_;
  std::size_t open_ = 0;
  std::int64_t reported_open_ = 0;
  std::int64_t reported_idle_ = 0;
  // Last: destroyed first, while the counters above still exist.
  std::vector<upstream_connection_ptr> idle_;
  std::int64_t last_seen_ns_ = 0;  ///< latest monotonic reading seen
  bool draining_ = false;
};

/// Pure. Same host and port: a pool (its connections and resolve result)
/// can serve the other settings.
[[nodiscard]] bool same_endpoint(const config::upstream_settings& a,
                                 const config::upstream_settings& b) noexcept;

}  // namespace ug::gateway
