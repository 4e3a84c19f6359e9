#include "gateway/proxy/upstream_pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "gateway/http/header_transform.hpp"

namespace ug::gateway {
namespace {

/// A connection idle for less than this is reused without the peek (one
/// recv per request under load). Upstreams close idle keep-alive connections
/// after seconds (uvicorn 5 s, gunicorn 2 s, nginx 75 s), not milliseconds;
/// a connection closed within this window fails like any stale one, and a
/// request without body is retried once on a fresh connection.
constexpr std::int64_t probe_after_idle_ns = 20'000'000;

}  // namespace

upstream_connection::~upstream_connection() {
  if (owner_ != nullptr) {
    owner_->connection_destroyed();
  }
}

bool same_endpoint(const config::upstream_settings& a,
                   const config::upstream_settings& b) noexcept {
  return a.host == b.host && a.port == b.port;
}

upstream_pool::upstream_pool(worker_executor ex, config::upstream_settings settings,
                             pool_gauge_cell* gauges, reach_flag reached)
    : ex_(std::move(ex)),
      settings_(std::move(settings)),
      host_value_(upstream_host_value(settings_)),
      gauges_(gauges),
      reached_(std::move(reached)) {
  idle_.reserve(settings_.pool_size);
}

upstream_pool::~upstream_pool() {
  idle_.clear();  // each connection reports its end while the counters exist
  if (gauges_ != nullptr) {
    gauges_->add(-reported_open_, -reported_idle_);
  }
}

void upstream_pool::connection_destroyed() noexcept {
  if (open_ > 0) {
    --open_;
  }
  report();
}

void upstream_pool::report() noexcept {
  const auto open = static_cast<std::int64_t>(open_);
  const auto idle = static_cast<std::int64_t>(idle_.size());
  if (gauges_ != nullptr && (open != reported_open_ || idle != reported_idle_)) {
    gauges_->add(open - reported_open_, idle - reported_idle_);
  }
  reported_open_ = open;
  reported_idle_ = idle;
}

void upstream_pool::attach_gauges(pool_gauge_cell* gauges) noexcept {
  if (gauges == gauges_) {
    return;
  }
  if (gauges_ != nullptr) {
    gauges_->add(-reported_open_, -reported_idle_);
  }
  gauges_ = gauges;
  reported_open_ = 0;
  reported_idle_ = 0;
  report();
}

bool upstream_pool::usable(upstream_connection& c, std::int64_t idle_ns) noexcept {
  if (!c.socket.is_open() || c.buffer.size() != 0) {
    return false;
  }
  if (idle_ns < probe_after_idle_ns) {
    return true;  // just released: the stale-connection retry covers the rare race
  }
  // An idle HTTP/1.1 connection must be silent: EOF means the upstream closed
  // it (its own keep-alive timeout), bytes mean a protocol error. Either way
  // it must not carry the next request.
  char probe = 0;
  const ssize_t n = ::recv(c.socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

upstream_connection_ptr upstream_pool::acquire(std::int64_t now_mono_ns) {
  last_seen_ns_ = std::max(last_seen_ns_, now_mono_ns);
  const std::int64_t idle_limit_ns = settings_.idle_timeout_ms * 1'000'000;
  upstream_connection_ptr found;
  while (!idle_.empty()) {
    upstream_connection_ptr c = std::move(idle_.back());
    idle_.pop_back();
    const std::int64_t idle_ns = now_mono_ns - c->idle_since_ns;
    if (idle_ns < idle_limit_ns && usable(*c, idle_ns)) {
      ++reuses;
      found = std::move(c);
      break;
    }
    error_code ignored;
    c->socket.close(ignored);
  }
  report();
  return found;
}

upstream_connection_ptr upstream_pool::make_connection() {
  ++connects;
  ++open_;
  auto c = std::make_unique<upstream_connection>(ex_, this);
  report();
  return c;
}

void upstream_pool::release(upstream_connection_ptr c, std::int64_t now_mono_ns) {
  if (draining_ || idle_.size() >= settings_.pool_size || !c->socket.is_open()) {
    error_code ignored;
    c->socket.close(ignored);
    return;  // `c` ends here and reports itself
  }
  // The caller's reading may be as old as its exchange (a long stream); the
  // sweep timer keeps last_seen_ns_ within a second of the real time.
  c->idle_since_ns = std::max(now_mono_ns, last_seen_ns_);
  idle_.push_back(std::move(c));
  report();
}

std::size_t upstream_pool::sweep(std::int64_t now_mono_ns) {
  last_seen_ns_ = std::max(last_seen_ns_, now_mono_ns);
  const std::int64_t idle_limit_ns = settings_.idle_timeout_ms * 1'000'000;
  // Oldest entries sit at the bottom of the stack.
  std::size_t keep_from = 0;
  while (keep_from < idle_.size() &&
         now_mono_ns - idle_[keep_from]->idle_since_ns >= idle_limit_ns) {
    ++keep_from;
  }
  for (std::size_t i = 0; i < keep_from; ++i) {
    error_code ignored;
    idle_[i]->socket.close(ignored);
  }
  idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(keep_from));
  report();
  return keep_from;
}

void upstream_pool::drain() {
  draining_ = true;
  for (auto& c : idle_) {
    error_code ignored;
    c->socket.close(ignored);
  }
  idle_.clear();
  report();
}

void upstream_pool::update_settings(const config::upstream_settings& s) {
  settings_ = s;
  host_value_ = upstream_host_value(settings_);
  if (idle_.size() > settings_.pool_size) {
    // Keep the warmest (top of the stack), close the oldest.
    const std::size_t extra = idle_.size() - settings_.pool_size;
    for (std::size_t i = 0; i < extra; ++i) {
      error_code ignored;
      idle_[i]->socket.close(ignored);
    }
    idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(extra));
  }
  report();
}

}  // namespace ug::gateway
