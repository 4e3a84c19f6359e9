#pragma once
// The admin listener: a small HTTP/1.1 server on its own io_context and
// thread, separate from the data plane (default 127.0.0.1:9080, config
// gateway.admin). It serves whatever admin_routes holds; add_operations_routes()
// installs GET /metrics, GET /healthz, GET /readyz, POST /reload and the AWS
// control plane (admin_control_routes). Handlers
// run on the admin thread, one request at a time, so a slow reload delays
// other admin requests but never the data plane. Every request passes
// admin_access first (SigV4, bearer token, DNS rebinding, cross-site
// requests), with its whole body read: a signature covers the body.
//
// Health must stay reachable when clients hold connections open: a
// connection gets idle_timeout_ms to send a complete request header (after
// it opens, and again after each answer), and a connection arriving at
// max_connections closes the open one that has waited longest for its
// client instead of being refused.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/system/error_code.hpp>

#include "gateway/admin/admin_access.hpp"
#include "gateway/admin/admin_control_routes.hpp"
#include "gateway/admin/admin_routes.hpp"

namespace ug::gateway {

struct admin_server_options {
  std::string address = "127.0.0.1";  ///< numeric IPv4/IPv6 address
  std::uint16_t port = 9080;          ///< 0: any free port (see admin_server::port())
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;  ///< -> 413
  /// From the connection's start, or its previous answer, to a complete
  /// request header; an idle keep-alive connection closes when it passes.
  std::int64_t idle_timeout_ms = 2'000;
  std::int64_t io_timeout_ms = 10'000;  ///< reading a request body; writing an answer
  /// Open connections; one more closes the one that waited longest for its client.
  std::size_t max_connections = 64;
  admin_access_policy access;
};

/// What POST /reload reports.
struct reload_result {
  bool ok = false;
  std::string message;  ///< why it failed (diagnostics), or a short summary
};

/// The owner's side of the operations endpoints. Every callback runs on the
/// admin thread; unset callbacks make /readyz report not ready, /metrics
/// empty and /reload 501.
struct operations_callbacks {
  std::function<bool()> ready;                ///< config loaded and upstream reached once
  std::function<std::string()> metrics_text;  ///< e.g. metrics::scrape_text
  std::function<reload_result()> reload;      ///< reload the config file now
  /// The config snapshot in force; set, it serves the AWS control plane
  /// (add_control_plane_routes), unset, its paths are 404 like any other.
  snapshot_source snapshot;
  /// Control-plane writes (admin_control_routes); unset, they are refused.
  control_write_fn control_write;
  /// GetUsage's counts (thread-safe); null: GetUsage answers that the
  /// gateway keeps no usage (no gateway.stateDirectory). Outlives the server.
  control::usage_access* usage = nullptr;
  /// Told of every control-plane answer (e.g. metrics::count_control_plane_request).
  control_answer_fn control_answered;
};

/// Not thread-safe: build the routes before starting the server.
///   GET /healthz -> 200 {"status":"ok"} while the process serves at all
///   GET /readyz  -> 200 {"status":"ready"} or 503 {"status":"not ready"}
///   GET /metrics -> 200, Prometheus text (metrics_content_type)
///   POST /reload -> 200 {"status":"ok",...} or 422 {"status":"failed","error":...}
///   /apikeys, /usageplans, /restapis, /account, ... -> the AWS control plane
///   (when callbacks.snapshot is set)
void add_operations_routes(admin_routes& routes, operations_callbacks callbacks);

class admin_server {
 public:
  /// Not thread-safe (every member): one control thread owns the server.
  admin_server(admin_routes routes, admin_server_options options);
  admin_server(const admin_server&) = delete;
  admin_server& operator=(const admin_server&) = delete;
  /// Stops the server if it runs.
  ~admin_server();

  /// Binds and listens on options.address:port, then starts the admin
  /// thread. Returns the bind/listen error (nothing started) or success.
  /// Calling it twice is an error (already_started).
  boost::system::error_code start();
  /// Closes the listener and every admin connection, and joins the thread.
  /// Idempotent; a stopped server cannot be started again.
  void stop();
  /// The bound port (the real one when 0 was asked); 0 before start().
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::uint16_t port_ = 0;
};

}  // namespace ug::gateway
