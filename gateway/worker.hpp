#pragma once
// One event loop and one thread. Every connection accepted onto a worker stays
// there for life, so everything a session touches — the session registry, the
// upstream pools, the config snapshot reader — is single-threaded and needs no
// lock. Only limiter state (atomics inside the snapshot) is shared.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "config/compiled_config.hpp"
#include "gateway/net.hpp"
#include "gateway/upstream_pool.hpp"
#include "limiter/clock.hpp"
#include "limiter/snapshot_cell.hpp"

namespace ug::gateway {

class http_session;

using config_cell = limiter::snapshot_cell<config::compiled_config>;

/// Process-wide state the workers share with the server (atomics only).
struct shared_counters {
  std::atomic<std::size_t> live_sessions{0};
  std::atomic<bool> draining{false};
};

class worker {
 public:
  /// Not thread-safe: construct and start on the control thread.
  worker(std::size_t index, const config_cell& cell, const limiter::system_clock& clock,
         shared_counters& shared);
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;
  /// Joins the thread (call request_stop() first), then closes pools and sessions.
  ~worker();

  /// Control thread. Starts the thread running the event loop.
  void start();
  /// Thread-safe. The executor connections of this worker are bound to.
  [[nodiscard]] net::any_io_executor executor() noexcept { return ioc_.get_executor(); }
  /// Thread-safe. Takes ownership of an accepted connection.
  void adopt(tcp::socket socket);
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
  [[nodiscard]] bool draining() const noexcept {
    return shared_.draining.load(std::memory_order_relaxed);
  }
  /// The pool of stage `stage_index` (of config_ptr()), created on first use
  /// and replaced when a reload changed the stage's upstream.
  const std::shared_ptr<upstream_pool>& pool(std::uint32_t stage_index,
                                             const config::compiled_stage& stage);
  void add_session(http_session& s);
  void remove_session(http_session& s) noexcept;
  [[nodiscard]] std::size_t index() const noexcept { return index_; }

 private:
  void do_sweep();
  void on_sweep(const error_code& ec);
  void drain_sessions();
  void stop_now();

  std::size_t index_;
  const limiter::system_clock& clock_;
  shared_counters& shared_;
  // Declared before the io_context: sessions destroyed with pending handlers
  // (when the loop is torn down) still unregister here.
  std::vector<http_session*> sessions_;
  net::io_context ioc_{1};
  // Declared after the io_context: destroyed first, while the loop exists.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  config_cell::reader reader_;
  std::vector<std::shared_ptr<upstream_pool>> pools_;
  net::steady_timer sweep_timer_;
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace ug::gateway
