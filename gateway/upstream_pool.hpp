#pragma once
// Keep-alive connections to one stage's upstream, owned by one worker (so no
// lock): a LIFO stack of idle connections (the warmest is reused first) with a
// size cap and an idle deadline, plus the cached resolve result.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/document.hpp"
#include "gateway/net.hpp"

namespace ug::gateway {

/// One connection to an upstream; `buffer` holds bytes read past a response.
struct upstream_connection {
  explicit upstream_connection(const net::any_io_executor& ex) : stream(ex) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::int64_t idle_since_ns = 0;  ///< monotonic ns when pooled
  std::uint64_t exchanges = 0;     ///< completed exchanges on this connection
};
using upstream_connection_ptr = std::unique_ptr<upstream_connection>;

class upstream_pool {
 public:
  /// Owning worker only (all members). `ex` is the worker's executor.
  upstream_pool(net::any_io_executor ex, config::upstream_settings settings);
  upstream_pool(const upstream_pool&) = delete;
  upstream_pool& operator=(const upstream_pool&) = delete;
  ~upstream_pool();

  /// The most recently pooled connection that is still usable, or null.
  /// Connections idle past idle_timeout_ms, or that the upstream closed or
  /// wrote to while idle (a non-blocking peek), are closed on the way.
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

  [[nodiscard]] const config::upstream_settings& settings() const noexcept { return settings_; }
  /// The Host value sent upstream.
  [[nodiscard]] const std::string& host_value() const noexcept { return host_value_; }
  [[nodiscard]] const tcp::resolver::results_type& endpoints() const noexcept { return endpoints_; }
  void set_endpoints(tcp::resolver::results_type r) { endpoints_ = std::move(r); }
  [[nodiscard]] std::size_t idle_count() const noexcept { return idle_.size(); }
  [[nodiscard]] const net::any_io_executor& executor() const noexcept { return ex_; }

  /// Counters for logs and tests (owning worker only).
  std::uint64_t connects = 0;  ///< connections created
  std::uint64_t reuses = 0;    ///< exchanges served by a pooled connection
  std::uint64_t retries = 0;   ///< stale pooled connections retried on a fresh one

 private:
  static bool usable(upstream_connection& c) noexcept;

  net::any_io_executor ex_;
  config::upstream_settings settings_;
  std::string host_value_;
  tcp::resolver::results_type endpoints_;
  std::vector<upstream_connection_ptr> idle_;
  std::int64_t last_seen_ns_ = 0;  ///< latest monotonic reading seen
  bool draining_ = false;
};

}  // namespace ug::gateway
