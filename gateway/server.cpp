#include "gateway/server.hpp"

#include <csignal>
#include <cstdio>

namespace ug::gateway {
namespace {

constexpr std::chrono::seconds resync_interval{5};
constexpr std::chrono::milliseconds drain_poll_interval{20};

}  // namespace

server::server(std::shared_ptr<const config::compiled_config> first, limiter::system_clock& clock,
               unsigned workers)
    : cell_(std::move(first)),
      clock_(clock),
      signals_(control_, SIGINT, SIGTERM),
      resync_timer_(control_),
      drain_timer_(control_) {
  const std::size_t n = workers == 0 ? 1 : workers;
  workers_.reserve(n);
  std::vector<worker*> raw;
  for (std::size_t i = 0; i < n; ++i) {
    workers_.push_back(std::make_unique<worker>(i, cell_, clock_, shared_));
    raw.push_back(workers_.back().get());
  }
  listener_ = std::make_shared<listener>(control_, std::move(raw), shared_,
                                         cell_.load()->gateway().max_connections);
}

server::~server() {
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

int server::run(const std::function<void()>& on_ready) {
  for (auto& w : workers_) {
    w->start();
  }
  listener_->start();
  signals_.async_wait([this](const error_code& ec, int sig) { on_signal(ec, sig); });
  do_resync();
  if (on_ready) {
    on_ready();
  }
  control_.run();
  finish_control();
  for (auto& w : workers_) {
    w->join();
  }
  std::fprintf(stdout, "usagegate: stopped\n");
  std::fflush(stdout);
  return 0;
}

void server::publish(std::shared_ptr<const config::compiled_config> next) {
  cell_.publish(std::move(next));
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
  drain_timer_.cancel();
  error_code ignored;
  signals_.cancel(ignored);
  control_.stop();
}

}  // namespace ug::gateway
