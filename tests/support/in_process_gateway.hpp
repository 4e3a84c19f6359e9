#pragma once
// The data plane without the process: a compiled config, N workers and the
// listener, in the test's own process, for unit tests of gateway/proxy/ that
// need to see inside (live-session counts, worker metrics, readiness flags)
// or to drain and stop at a chosen moment. The listener runs on a control
// thread of the fixture's, as the server runs it on its main thread; clients
// are tests/support/http_client.hpp connections, upstreams raw_server.hpp
// servers. Header-only.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "config/document/document.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "gateway/proxy/listener.hpp"
#include "gateway/proxy/upstream_reachability.hpp"
#include "gateway/proxy/worker.hpp"
#include "gateway/telemetry/metrics_worker.hpp"
#include "limiter/clock.hpp"
#include "limiter/state_registry.hpp"

namespace ug::test {

/// The key of proxy_document()'s usage plan (for its /keyed resource).
inline const std::string proxy_test_key = "proxy-unit-test-key-0000000001";

/// Upstream settings for http://127.0.0.1:<port><base_path>.
inline config::upstream_settings loopback_upstream(std::uint16_t port,
                                                   const std::string& base_path = "") {
  config::upstream_settings u;
  u.url = "http://127.0.0.1:" + std::to_string(port) + base_path;
  u.host = "127.0.0.1";
  u.port = port;
  u.base_path = base_path;
  return u;
}

/// One REST API "api1" with stage "v1" on base path /v1, forwarded to
/// http://127.0.0.1:<upstream_port>/base: ANY /{proxy+} without a key, GET
/// /keyed with one (plan "p1", key proxy_test_key). Anything outside /v1 is
/// 403 Missing Authentication Token without touching the upstream.
inline config::document proxy_document(std::uint16_t upstream_port) {
  config::document doc;
  doc.gateway.listener.port = 0;
  doc.gateway.workers = 1;
  config::rest_api api;
  api.id = "api1";
  api.resources = {config::resource{"r1", "/{proxy+}", {config::method{"ANY", false}}},
                   config::resource{"r2", "/keyed", {config::method{"GET", true}}}};
  doc.rest_apis = {api};
  config::stage v1;
  v1.api_id = "api1";
  v1.stage_name = "v1";
  v1.base_path = "/v1";
  v1.upstream = loopback_upstream(upstream_port, "/base");
  doc.stages = {v1};
  config::usage_plan plan;
  plan.id = "p1";
  plan.api_stages = {config::api_stage{"api1", "v1", {}}};
  doc.usage_plans = {plan};
  config::api_key key;
  key.id = "k1";
  key.value = proxy_test_key;
  key.enabled = true;
  doc.api_keys = {key};
  doc.usage_plan_keys = {{"p1", "k1"}};
  return doc;
}

/// Polls `done` (every 2 ms) until it holds or `timeout` passes; the result
/// of its last call. For state no event announces (an atomic counter).
template <class Pred>
bool wait_until(Pred done, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return done();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

/// Workers and a listener on 127.0.0.1 (a free port), started by the
/// constructor. Not thread-safe: one test thread calls every member. The
/// destructor stops whatever is still running.
class in_process_gateway {
 public:
  explicit in_process_gateway(const config::document& doc, std::size_t workers = 1)
      : cell_(config::compiled_config::compile(doc, registry_, clock_.now(), "unit-test")) {
    std::vector<gateway::worker*> raw;
    for (std::size_t i = 0; i < workers; ++i) {
      metrics_.push_back(std::make_unique<gateway::worker_metrics>());
      gateway::worker_services services;
      services.metrics = metrics_.back().get();
      services.reachability = &reachability_;
      workers_.push_back(std::make_unique<gateway::worker>(i, cell_, clock_, shared_, services));
      raw.push_back(workers_.back().get());
    }
    listener_ = std::make_shared<gateway::listener>(control_, std::move(raw), shared_,
                                                    doc.gateway.max_connections);
    const gateway::error_code ec =
        listener_->open(gateway::tcp::endpoint(gateway::net::ip::make_address("127.0.0.1"), 0));
    if (ec) {
      throw std::runtime_error("in_process_gateway: listen: " + ec.message());
    }
    port_ = listener_->local_endpoint().port();
    for (auto& w : workers_) {
      w->start();
    }
    // Before the control thread exists this thread is the control thread.
    listener_->start();
    control_thread_ = std::thread([this] { control_.run(); });
  }
  in_process_gateway(const in_process_gateway&) = delete;
  in_process_gateway& operator=(const in_process_gateway&) = delete;
  ~in_process_gateway() { stop(); }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// Thread-safe reads (atomics) of what the listener and workers count.
  [[nodiscard]] std::size_t live_sessions() const noexcept {
    return shared_.live_sessions.load(std::memory_order_relaxed);
  }
  /// Thread-safe: the sum of the workers' active_connections gauges.
  [[nodiscard]] std::int64_t active_connections() const noexcept {
    std::int64_t n = 0;
    for (const auto& m : metrics_) {
      n += m->active_connections();
    }
    return n;
  }
  /// Thread-safe: worker `i`'s active_connections gauge.
  [[nodiscard]] std::int64_t active_connections(std::size_t i) const noexcept {
    return metrics_.at(i)->active_connections();
  }
  [[nodiscard]] std::shared_ptr<const config::compiled_config> snapshot() const {
    return cell_.load();
  }
  [[nodiscard]] gateway::upstream_reachability& reachability() noexcept { return reachability_; }

  /// The listener's counters, read on the control thread; nullopt if it did
  /// not answer within a second (or the gateway is stopped).
  [[nodiscard]] std::optional<std::uint64_t> accepted() {
    return on_control([this] { return listener_->accepted; });
  }
  [[nodiscard]] std::optional<std::uint64_t> refused() {
    return on_control([this] { return listener_->refused; });
  }

  /// What the server does on the first SIGTERM: stop accepting, let every
  /// worker close idle connections and finish the exchanges in flight.
  void drain() {
    shared_.draining.store(true, std::memory_order_relaxed);
    (void)on_control([this] {
      listener_->close();
      return true;
    });
    for (auto& w : workers_) {
      w->request_drain();
    }
  }

  /// What the server does at the drain deadline (and its destructor): abort
  /// every connection, end the loops, destroy the workers. Idempotent.
  void stop() {
    if (stopped_) {
      return;
    }
    stopped_ = true;
    shared_.draining.store(true, std::memory_order_relaxed);
    (void)on_control([this] {
      listener_->close();
      return true;
    });
    // The cancelled accept's handler owns a socket bound to a worker: the
    // control loop runs it (and then runs out of work) before any worker goes.
    control_work_.reset();
    control_thread_.join();
    for (auto& w : workers_) {
      w->request_stop();
    }
    for (auto& w : workers_) {
      w->join();
    }
    workers_.clear();
  }

 private:
  template <class F>
  auto on_control(F f) -> std::optional<decltype(f())> {
    if (!control_thread_.joinable()) {
      return std::nullopt;
    }
    using result = decltype(f());
    auto promise = std::make_shared<std::promise<result>>();
    std::future<result> done = promise->get_future();
    gateway::net::post(control_, [promise, f] { promise->set_value(f()); });
    if (done.wait_for(std::chrono::seconds(1)) != std::future_status::ready) {
      return std::nullopt;
    }
    return done.get();
  }

  limiter::state_registry registry_;
  limiter::system_clock clock_;
  gateway::config_cell cell_;
  gateway::shared_counters shared_;
  gateway::upstream_reachability reachability_;
  std::vector<std::unique_ptr<gateway::worker_metrics>> metrics_;
  gateway::net::io_context control_;
  std::optional<gateway::net::executor_work_guard<gateway::net::io_context::executor_type>>
      control_work_{gateway::net::make_work_guard(control_)};
  std::vector<std::unique_ptr<gateway::worker>> workers_;
  std::shared_ptr<gateway::listener> listener_;
  std::thread control_thread_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace ug::test
