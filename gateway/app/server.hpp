#pragma once
// The process: workers, the data-plane listener, the admin listener, metrics,
// the access log, signals, reloads and the drain sequence, all driven from a
// control io_context on the calling thread.
//
// Reload (SIGHUP, POST /reload, or a changed file with
// gateway.reloadOnFileChange): runs on the control thread. An invalid file is
// reported ("path: message" lines on stderr, the failed reload counted) and
// the running config stays; a valid one is compiled against the same limiter
// state and published, and each worker picks it up at its next request.
//
// Shutdown (SIGTERM/SIGINT): stop accepting; every worker closes connections
// that wait for a request and lets the others finish their exchange (streams
// included); when no connection is left, or gateway.drain_timeout_ms passed,
// the rest are aborted, the loops stop and run() returns 0. A second signal
// skips the wait.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "config/snapshot/compiled_config.hpp"
#include "gateway/admin/admin_server.hpp"
#include "gateway/app/config_source.hpp"
#include "gateway/app/control_writer.hpp"
#include "gateway/net/net.hpp"
#include "gateway/proxy/listener.hpp"
#include "gateway/proxy/upstream_reachability.hpp"
#include "gateway/proxy/worker.hpp"
#include "gateway/telemetry/access_log.hpp"
#include "gateway/telemetry/metrics.hpp"
#include "limiter/clock.hpp"

namespace ug::gateway {

struct server_setup {
  unsigned workers = 1;             ///< >= 1 (0 is treated as 1)
  std::unique_ptr<access_log> log;  ///< null: access log off
  config_source* source = nullptr;  ///< null: reload is not available; outlives the server
  /// null: the control plane refuses writes (no state directory); outlives the server.
  control_writer* writer = nullptr;
  /// GetUsage's counts (thread-safe); null: no state directory. Outlives the server.
  control::usage_access* usage = nullptr;
};

/// Its handlers capture `this`: they run only inside control_.run() (run(),
/// on the owner's thread) or control_.poll() in the destructor, both while the
/// server is alive; control_ is a member, so handlers left queued are
/// destroyed with it, never invoked.
class server {
 public:
  /// Control thread only (every member unless stated otherwise).
  server(std::shared_ptr<const config::compiled_config> first, limiter::system_clock& clock,
         server_setup setup);
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  ~server();

  /// Binds gateway.listener of the first snapshot; the error says why not.
  error_code listen();
  /// The bound data-plane address (the real port when 0 was configured).
  [[nodiscard]] tcp::endpoint local_endpoint() const;
  /// Starts the admin listener on gateway.admin (its own thread); the error
  /// says why not. Its requests wait for run() where they need the control
  /// thread (POST /reload).
  error_code start_admin();
  /// The bound admin port (the real one when 0 was configured); 0 before start_admin().
  [[nodiscard]] std::uint16_t admin_port() const noexcept;
  /// Starts the workers and accepting, calls `on_ready`, then serves until a
  /// signal has been handled and everything drained. Returns the exit code.
  int run(const std::function<void()>& on_ready);

  /// Re-reads the config file and applies it (see the file comment);
  /// `trigger` names the cause in the log lines.
  reload_result reload(std::string_view trigger);

  /// Thread-safe. Publishes a compiled snapshot; each worker picks it up on
  /// its next request.
  void publish(std::shared_ptr<const config::compiled_config> next);

  [[nodiscard]] std::size_t worker_count() const noexcept { return workers_.size(); }
  /// Thread-safe. The process's metrics.
  [[nodiscard]] gateway::metrics& metrics() noexcept { return *metrics_; }

 private:
  void on_signal(const error_code& ec, int signal_number);
  void on_hangup(const error_code& ec, int signal_number);
  void do_resync();
  void on_resync(const error_code& ec);
  void do_watch();
  void on_watch(const error_code& ec);
  void begin_drain();
  void on_drain_poll(const error_code& ec);
  void stop_workers();
  void finish_control();
  /// Admin thread: runs reload() on the control thread and waits for it.
  reload_result reload_from_admin();
  /// Admin thread: runs a control-plane write on the control thread and waits for it.
  control::control_response write_from_admin(const control::control_request& request);
  /// Control thread: a write on the control thread; publishes what it committed.
  control::control_response write(const control::control_request& request);
  /// Control thread: makes `next` (compiled from `running`) the config in force.
  void adopt(const std::shared_ptr<const config::compiled_config>& next,
             const config::compiled_config& running);
  /// Admin thread: config in force and every stage's upstream reached once.
  bool ready();

  config_cell cell_;
  limiter::system_clock& clock_;
  config_source* source_;
  control_writer* writer_;
  control::usage_access* usage_;
  shared_counters shared_;
  // Outlive the control io_context (probes) and the workers (pools).
  upstream_reachability reachability_;
  std::unique_ptr<gateway::metrics> metrics_;
  std::unique_ptr<access_log> access_log_;
  net::io_context control_{1};
  std::vector<std::unique_ptr<worker>> workers_;
  std::shared_ptr<listener> listener_;
  net::signal_set signals_;
  net::signal_set hangup_;
  net::steady_timer resync_timer_;
  net::steady_timer watch_timer_;
  net::steady_timer drain_timer_;
  std::chrono::steady_clock::time_point drain_deadline_{};
  /// Set before the admin server stops: a handler waiting for the control
  /// thread gives up instead of blocking the admin thread's join.
  std::atomic<bool> closing_{false};
  std::unique_ptr<admin_server> admin_;  // last: stopped before what its handlers use
  bool stopping_ = false;
};

}  // namespace ug::gateway
