#include "gateway/app/server.hpp"

#include <csignal>
#include <cstdio>
#include <future>
#include <string>
#include <utility>

#include "gateway/control/aws_error.hpp"

namespace ug::gateway {
namespace {

constexpr std::chrono::seconds resync_interval{5};
constexpr std::chrono::seconds watch_interval{1};
constexpr std::chrono::milliseconds drain_poll_interval{20};
constexpr std::chrono::milliseconds admin_wait_slice{20};

std::string join_lines(const std::vector<std::string>& lines, std::string_view separator) {
  std::string out;
  for (const std::string& l : lines) {
    if (!out.empty()) {
      out.append(separator);
    }
    out.append(l);
  }
  return out;
}

}  // namespace

server::server(std::shared_ptr<const config::compiled_config> first, limiter::system_clock& clock,
               server_setup setup)
    : cell_(std::move(first)),
      clock_(clock),
      source_(setup.source),
      writer_(setup.writer),
      usage_(setup.usage),
      access_log_(std::move(setup.log)),
      signals_(control_, SIGINT, SIGTERM),
      hangup_(control_, SIGHUP),
      resync_timer_(control_),
      watch_timer_(control_),
      drain_timer_(control_) {
  const auto snapshot = cell_.load();
  const std::size_t n = setup.workers == 0 ? 1 : setup.workers;
  metrics_ = std::make_unique<gateway::metrics>(static_cast<unsigned>(n),
                                                snapshot->gateway().metrics_key_series);
  metrics_->set_config_info(snapshot->content_sha256_hex());
  workers_.reserve(n);
  std::vector<worker*> raw;
  for (std::size_t i = 0; i < n; ++i) {
    worker_services services;
    services.metrics = &metrics_->worker(static_cast<unsigned>(i));
    services.log = access_log_.get();
    services.reachability = &reachability_;
    workers_.push_back(std::make_unique<worker>(i, cell_, clock_, shared_, services));
    raw.push_back(workers_.back().get());
  }
  listener_ = std::make_shared<listener>(control_, std::move(raw), shared_,
                                         snapshot->gateway().max_connections);
}

server::~server() {
  closing_.store(true);
  if (admin_) {
    admin_->stop();
  }
  stop_workers();
  finish_control();
  for (auto& w : workers_) {
    w->join();
  }
}

void server::finish_control() {
  // A cancelled accept still owns a socket bound to a worker's io_context:
  // run its handler now, while every worker still exists.
  control_.restart();
  control_.poll();
}

error_code server::listen() {
  const auto snapshot = cell_.load();
  const config::listener_settings& l = snapshot->gateway().listener;
  error_code ec;
  const net::ip::address address = net::ip::make_address(l.address, ec);
  if (ec) {
    return ec;
  }
  return listener_->open(tcp::endpoint(address, l.port));
}

tcp::endpoint server::local_endpoint() const {
  return listener_->local_endpoint();
}

error_code server::start_admin() {
  const auto snapshot = cell_.load();
  admin_routes routes;
  operations_callbacks callbacks;
  callbacks.ready = [this] { return ready(); };
  callbacks.metrics_text = [this] { return metrics_->scrape_text(); };
  if (source_ != nullptr) {
    callbacks.reload = [this] { return reload_from_admin(); };
  }
  callbacks.snapshot = [this] { return cell_.load(); };
  if (writer_ != nullptr) {
    callbacks.control_write = [this](const control::control_request& request) {
      return write_from_admin(request);
    };
  }
  callbacks.usage = usage_;
  callbacks.control_answered = [this](std::string_view operation, unsigned status) {
    metrics_->count_control_plane_request(operation, status);
  };
  add_operations_routes(routes, std::move(callbacks));
  admin_server_options options;
  options.address = snapshot->gateway().admin.address;
  options.port = snapshot->gateway().admin.port;
  options.access.bearer_token_sha256 = snapshot->gateway().admin.auth_token_sha256;
  options.access.sigv4 = make_admin_sigv4_verifier(snapshot->gateway().admin.credentials);
  admin_ = std::make_unique<admin_server>(std::move(routes), std::move(options));
  return admin_->start();
}

std::uint16_t server::admin_port() const noexcept {
  return admin_ ? admin_->port() : 0;
}

int server::run(const std::function<void()>& on_ready) {
  for (auto& w : workers_) {
    w->start();
  }
  listener_->start();
  signals_.async_wait([this](const error_code& ec, int sig) { on_signal(ec, sig); });
  hangup_.async_wait([this](const error_code& ec, int sig) { on_hangup(ec, sig); });
  do_resync();
  do_watch();
  if (on_ready) {
    on_ready();
  }
  control_.run();
  finish_control();
  for (auto& w : workers_) {
    w->join();
  }
  // The admin listener served during the drain (metrics, readiness false);
  // it goes before the access log is flushed for the last time.
  closing_.store(true);
  if (admin_) {
    admin_->stop();
  }
  if (access_log_) {
    access_log_->flush();
  }
  std::fprintf(stdout, "usagegate: stopped\n");
  std::fflush(stdout);
  return 0;
}

void server::publish(std::shared_ptr<const config::compiled_config> next) {
  cell_.publish(std::move(next));
}

bool server::ready() {
  if (closing_.load() || shared_.draining.load(std::memory_order_relaxed)) {
    return false;  // a draining gateway must not get new traffic
  }
  const auto snapshot = cell_.load();
  if (reachability_.all_reached(*snapshot)) {
    return true;
  }
  // Not reached yet: try to, on the control thread, so the next check can
  // pass without waiting for client traffic.
  net::post(control_, [this, snapshot] {
    if (!stopping_) {
      reachability_.probe_unreached(control_, *snapshot);
    }
  });
  return false;
}

reload_result server::reload(std::string_view trigger) {
  if (stopping_ || shared_.draining.load(std::memory_order_relaxed)) {
    return {false, "the gateway is shutting down"};
  }
  if (source_ == nullptr) {
    return {false, "no configuration file to reload"};
  }
  const auto running = cell_.load();
  config_load loaded = source_->load(running.get());
  if (!loaded.snapshot) {
    for (const std::string& line : loaded.errors) {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    std::fprintf(stderr, "usagegate: reload (%.*s) failed; still serving config sha256 %s\n",
                 static_cast<int>(trigger.size()), trigger.data(),
                 running->content_sha256_hex().c_str());
    std::fflush(stderr);
    metrics_->count_reload(false);
    return {false, join_lines(loaded.errors, "\n")};
  }
  for (const std::string& setting : loaded.restart_needed) {
    std::fprintf(stderr,
                 "usagegate: reload: %s changed; it needs a restart, the running value is kept\n",
                 setting.c_str());
  }
  const std::shared_ptr<const config::compiled_config> next = loaded.snapshot;
  adopt(next, *running);
  metrics_->count_reload(true);
  if (access_log_) {
    access_log_->reopen();  // SIGHUP after rotating the log file is the usual ritual
  }
  std::string message = "config sha256 " + next->content_sha256_hex() + " applied (" +
                        std::to_string(next->stages().size()) + " stages, " +
                        std::to_string(next->key_count()) + " keys, " +
                        std::to_string(next->plan_count()) + " usage plans)";
  if (!loaded.restart_needed.empty()) {
    message += "; not applied, restart needed: " + join_lines(loaded.restart_needed, ", ") +
               " (running values kept)";
  }
  std::fprintf(stdout, "usagegate: reloaded (%.*s): %s\n", static_cast<int>(trigger.size()),
               trigger.data(), message.c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  return {true, std::move(message)};
}

void server::adopt(const std::shared_ptr<const config::compiled_config>& next,
                   const config::compiled_config& running) {
  listener_->set_max_connections(next->gateway().max_connections);
  // Last before the swap, with a fresh reading: the compile and the store's
  // attach took time during which workers kept taking tokens in the old units.
  next->carry_over_from(running, clock_.now().mono_ns);
  publish(next);
  metrics_->set_config_info(next->content_sha256_hex());
}

control::control_response server::write(const control::control_request& request) {
  if (stopping_ || shared_.draining.load(std::memory_order_relaxed)) {
    return control::error_response(control::error_code::service_unavailable,
                                   "the gateway is shutting down");
  }
  const auto running = cell_.load();
  const std::int64_t now_s = clock_.now().utc_ns / 1'000'000'000;
  control_write_result result = writer_->write(request, *running, now_s);
  if (result.next)
    adopt(result.next, *running);
  return std::move(result.answer);
}

control::control_response server::write_from_admin(const control::control_request& request) {
  auto promise = std::make_shared<std::promise<control::control_response>>();
  std::future<control::control_response> result = promise->get_future();
  // An owned copy: when the server closes, the admin thread stops waiting
  // while the handler may still be queued.
  struct owned_request {
    std::string method, path, query, body;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  auto copy = std::make_shared<owned_request>(owned_request{std::string(request.method),
                                                            std::string(request.path),
                                                            std::string(request.query),
                                                            std::string(request.body),
                                                            {}});
  for (const auto& [name, value] : request.headers)
    copy->headers.emplace_back(name, value);
  net::post(control_, [this, promise, copy] {
    control::control_request view{copy->method, copy->path, copy->query, copy->body, {}};
    for (const auto& [name, value] : copy->headers)
      view.headers.emplace_back(name, value);
    promise->set_value(write(view));
  });
  while (result.wait_for(admin_wait_slice) != std::future_status::ready) {
    if (closing_.load()) {
      return control::error_response(control::error_code::service_unavailable,
                                     "the gateway is shutting down");
    }
  }
  return result.get();
}

reload_result server::reload_from_admin() {
  auto promise = std::make_shared<std::promise<reload_result>>();
  std::future<reload_result> result = promise->get_future();
  net::post(control_, [this, promise] { promise->set_value(reload("POST /reload")); });
  // Bounded by the control thread's progress; gives up when the server
  // closes (the handler may then never run).
  while (result.wait_for(admin_wait_slice) != std::future_status::ready) {
    if (closing_.load()) {
      return {false, "the gateway is shutting down"};
    }
  }
  return result.get();
}

void server::on_signal(const error_code& ec, int /*signal_number*/) {
  if (ec) {
    return;
  }
  if (shared_.draining.load(std::memory_order_relaxed)) {
    // Second signal: the operator does not want to wait for the drain.
    std::fprintf(stdout, "usagegate: second signal, stopping now\n");
    std::fflush(stdout);
    stop_workers();
    return;
  }
  signals_.async_wait([this](const error_code& e, int sig) { on_signal(e, sig); });
  begin_drain();
}

void server::on_hangup(const error_code& ec, int /*signal_number*/) {
  if (ec || stopping_) {
    return;
  }
  hangup_.async_wait([this](const error_code& e, int sig) { on_hangup(e, sig); });
  reload("SIGHUP");
}

void server::do_resync() {
  resync_timer_.expires_after(resync_interval);
  resync_timer_.async_wait([this](const error_code& ec) { on_resync(ec); });
}

void server::on_resync(const error_code& ec) {
  if (ec || stopping_) {
    return;
  }
  clock_.resync();
  do_resync();
}

void server::do_watch() {
  watch_timer_.expires_after(watch_interval);
  watch_timer_.async_wait([this](const error_code& ec) { on_watch(ec); });
}

void server::on_watch(const error_code& ec) {
  if (ec || stopping_) {
    return;
  }
  if (source_ != nullptr && cell_.load()->gateway().reload_on_file_change &&
      !shared_.draining.load(std::memory_order_relaxed) && source_->files_changed()) {
    reload("file change");
  }
  do_watch();
}

void server::begin_drain() {
  const auto drain_ms = cell_.load()->gateway().drain_timeout_ms;
  std::fprintf(stdout, "usagegate: draining (%zu connections, up to %lld ms)\n",
               shared_.live_sessions.load(), static_cast<long long>(drain_ms));
  std::fflush(stdout);
  shared_.draining.store(true, std::memory_order_relaxed);
  listener_->close();
  for (auto& w : workers_) {
    w->request_drain();
  }
  drain_deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(drain_ms);
  drain_timer_.expires_after(drain_poll_interval);
  drain_timer_.async_wait([this](const error_code& e) { on_drain_poll(e); });
}

void server::on_drain_poll(const error_code& ec) {
  if (ec || stopping_) {
    return;
  }
  const std::size_t live = shared_.live_sessions.load();
  if (live == 0 || std::chrono::steady_clock::now() >= drain_deadline_) {
    if (live != 0) {
      std::fprintf(stdout, "usagegate: drain timeout, closing %zu connections\n", live);
    }
    stop_workers();
    return;
  }
  drain_timer_.expires_after(drain_poll_interval);
  drain_timer_.async_wait([this](const error_code& e) { on_drain_poll(e); });
}

void server::stop_workers() {
  if (stopping_) {
    return;
  }
  stopping_ = true;
  shared_.draining.store(true, std::memory_order_relaxed);
  listener_->close();
  for (auto& w : workers_) {
    w->request_stop();
  }
  resync_timer_.cancel();
  watch_timer_.cancel();
  drain_timer_.cancel();
  error_code ignored;
  signals_.cancel(ignored);
  hangup_.cancel(ignored);
  control_.stop();
}

}  // namespace ug::gateway
