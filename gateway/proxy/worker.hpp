#pragma once
// One event loop and one thread. Every connection accepted onto a worker stays
// there for life, so everything a session touches — the session registry, the
// upstream pools, the config snapshot reader, its metrics block and access log
// ring — is single-threaded and needs no lock. Only limiter state (atomics
// inside the snapshot) is shared.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/snapshot_cell.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "gateway/net/net.hpp"
#include "gateway/proxy/coarse_deadline.hpp"
#include "gateway/proxy/shared_counters.hpp"
#include "gateway/proxy/upstream_pool.hpp"
#include "gateway/proxy/upstream_reachability.hpp"
#include "gateway/telemetry/access_log.hpp"
#include "gateway/telemetry/metrics_worker.hpp"
#include "limiter/clock.hpp"

namespace ug::gateway {

class http_session;

using config_cell = common::snapshot_cell<config::compiled_config>;

/// What a worker reports to; everything outlives the worker.
struct worker_services {
  worker_metrics* metrics = nullptr;              ///< this worker's block (required)
  access_log* log = nullptr;                      ///< null: access log off
  upstream_reachability* reachability = nullptr;  ///< null: readiness not tracked
};

/// Its handlers capture `this`, not a shared_ptr: the worker owns its
/// io_context and the one thread that runs it, and the destructor joins that
/// thread before any member goes, so no handler can run once `this` is gone
/// (handlers still queued are destroyed with the io_context, never invoked).
/// Sessions, which do not outlive their connection, hold shared_from_this().
class worker {
 public:
  /// Not thread-safe: construct and start on the control thread.
  worker(std::size_t index, const config_cell& cell, const limiter::system_clock& clock,
         shared_counters& shared, const worker_services& services);
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;
  /// Joins the thread (call request_stop() first), then closes pools and sessions.
  ~worker();

  /// Control thread. Starts the thread running the event loop.
  void start();
  /// Thread-safe. The executor connections of this worker are bound to.
  [[nodiscard]] worker_executor executor() noexcept { return ioc_.get_executor(); }
  /// Thread-safe. Takes ownership of an accepted connection and of its
  /// place in the live-session count (the session holds it for its life).
  void adopt(socket_type socket, session_slot slot);
  /// Thread-safe. Closes an accepted connection on the worker's thread: the
  /// socket is registered with this worker's reactor, whose per-descriptor
  /// state only the worker's thread may touch (BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO).
  void discard(socket_type socket);
  /// Thread-safe. Starts graceful drain on the worker's thread.
  void request_drain();
  /// Thread-safe. Aborts every connection, closes pools and stops the loop.
  void request_stop();
  /// Control thread. Waits for the thread to end.
  void join();

  // ---- Owning worker only ----
  [[nodiscard]] const config::compiled_config& config() noexcept { return reader_.get(); }
  [[nodiscard]] const std::shared_ptr<const config::compiled_config>& config_ptr() noexcept {
    return reader_.shared();
  }
  [[nodiscard]] const limiter::system_clock& clock() const noexcept { return clock_; }
  /// The latest monotonic reading the worker has seen (a request's, or the
  /// tick's): at most one tick old. What coarse deadlines are set from.
  [[nodiscard]] const std::int64_t& coarse_now_ns() const noexcept { return coarse_now_ns_; }
  void note_now(std::int64_t mono_ns) noexcept {
    if (mono_ns > coarse_now_ns_) {
      coarse_now_ns_ = mono_ns;
    }
  }
  [[nodiscard]] bool draining() const noexcept {
    return shared_.draining.load(std::memory_order_relaxed);
  }
  /// The pool of stage `stage_index` of `cfg` (the snapshot the request was
  /// decided with), created on first use. Pools are keyed by stage index, and
  /// indexes mean nothing across snapshots: the first request with a newer
  /// snapshot re-keys them by endpoint (see rekey_pools()).
  const std::shared_ptr<upstream_pool>& pool(
      const std::shared_ptr<const config::compiled_config>& cfg, std::uint32_t stage_index);
  [[nodiscard]] worker_metrics& metrics() noexcept { return *services_.metrics; }
  /// Null when the access log is off.
  [[nodiscard]] access_log* log() noexcept { return services_.log; }
  void add_session(http_session& s);
  void remove_session(http_session& s) noexcept;
  [[nodiscard]] std::size_t index() const noexcept { return index_; }

 private:
  void do_sweep();
  void on_sweep(const error_code& ec);
  void drain_sessions();
  void stop_now();
  /// Moves the pools over to `cfg`'s stages: a stage whose upstream endpoint
  /// (host, port) had a pool keeps it (warm connections, cached resolve) with
  /// the new settings; pools left over drain, and exchanges still using them
  /// finish on them. Runs once per snapshot change, never per request.
  void rekey_pools(const std::shared_ptr<const config::compiled_config>& cfg);
  pool_gauge_cell* gauge_cell(std::string_view stage_label);

  std::size_t index_;
  const limiter::system_clock& clock_;
  shared_counters& shared_;
  worker_services services_;
  // Declared before the io_context: sessions destroyed with pending handlers
  // (when the loop is torn down) still unregister here, and pools destroyed
  // with relays still report to their gauge cells.
  std::vector<http_session*> sessions_;
  std::map<std::string, std::unique_ptr<pool_gauge_cell>, std::less<>> gauge_cells_;
  // Only this worker's thread does I/O on its sockets (the listener merely
  // registers accepted ones, under the still-locked registration): the
  // reactor's per-descriptor lock, taken on every operation, is turned off.
  net::io_context ioc_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  // Declared after the io_context: destroyed first, while the loop exists.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  config_cell::reader reader_;
  std::shared_ptr<const config::compiled_config> pools_config_;  ///< what pools_ is keyed for
  std::vector<std::shared_ptr<upstream_pool>> pools_;
  net::steady_timer sweep_timer_;
  std::thread thread_;
  std::int64_t coarse_now_ns_ = 0;
  bool stopped_ = false;
};

}  // namespace ug::gateway
