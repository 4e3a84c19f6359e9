#pragma once
// The process: workers, the data-plane listener, signals and the drain
// sequence, all driven from a control io_context on the calling thread.
//
// Shutdown (SIGTERM/SIGINT): stop accepting; every worker closes connections
// that wait for a request and lets the others finish their exchange (streams
// included); when no connection is left, or gateway.drain_timeout_ms passed,
// the rest are aborted, the loops stop and run() returns 0. A second signal
// skips the wait.
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "config/compiled_config.hpp"
#include "gateway/listener.hpp"
#include "gateway/net.hpp"
#include "gateway/worker.hpp"
#include "limiter/clock.hpp"

namespace ug::gateway {

class server {
 public:
  /// Control thread only (every member). `workers` >= 1.
  server(std::shared_ptr<const config::compiled_config> first, limiter::system_clock& clock,
         unsigned workers);
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  ~server();

  /// Binds gateway.listener of the first snapshot; the error says why not.
  error_code listen();
  /// The bound data-plane address (the real port when 0 was configured).
  [[nodiscard]] tcp::endpoint local_endpoint() const;
  /// Starts the workers and accepting, calls `on_ready`, then serves until a
  /// signal has been handled and everything drained. Returns the exit code.
  int run(const std::function<void()>& on_ready);

  /// Reload hook (SIGHUP comes in a later issue): publishes a compiled
  /// snapshot; each worker picks it up on its next request. Thread-safe.
  void publish(std::shared_ptr<const config::compiled_config> next);

  [[nodiscard]] std::size_t worker_count() const noexcept { return workers_.size(); }

 private:
  void on_signal(const error_code& ec, int signal_number);
  void do_resync();
  void on_resync(const error_code& ec);
  void begin_drain();
  void on_drain_poll(const error_code& ec);
  void stop_workers();
  void finish_control();

  config_cell cell_;
  limiter::system_clock& clock_;
  shared_counters shared_;
  net::io_context control_{1};
  std::vector<std::unique_ptr<worker>> workers_;
  std::shared_ptr<listener> listener_;
  net::signal_set signals_;
  net::steady_timer resync_timer_;
  net::steady_timer drain_timer_;
  std::chrono::steady_clock::time_point drain_deadline_{};
  bool stopping_ = false;
};

}  // namespace ug::gateway
