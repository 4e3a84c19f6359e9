#pragma once
// The data-plane acceptor. It runs on the control thread and accepts each
// connection straight onto the next worker's executor (round robin), so a
// socket never changes thread after accept. Past gateway.max_connections a new
// connection is accepted and closed at once: the kernel backlog stays short
// and the client learns immediately.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "gateway/net/net.hpp"
#include "gateway/proxy/worker.hpp"

namespace ug::gateway {

class listener : public std::enable_shared_from_this<listener> {
 public:
  /// Control thread only (every member).
  listener(net::io_context& control, std::vector<worker*> workers, shared_counters& shared,
           std::size_t max_connections);
  /// Binds and listens; the error says why not (e.g. address in use).
  error_code open(const tcp::endpoint& ep);
  [[nodiscard]] tcp::endpoint local_endpoint() const;
  void start();
  /// Stops accepting (drain, shutdown).
  void close();
  /// A reload changed gateway.max_connections; applies from the next accept.
  void set_max_connections(std::size_t n) noexcept { max_connections_ = n; }

  std::uint64_t accepted = 0;  ///< connections handed to workers
  std::uint64_t refused = 0;   ///< connections closed at max_connections

 private:
  void do_accept();
  void on_accept(const error_code& ec, socket_type socket);
  void on_retry(const error_code& ec);

  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  std::vector<worker*> workers_;
  shared_counters& shared_;
  std::size_t max_connections_;
  std::size_t next_ = 0;
  worker* pending_ = nullptr;  ///< the worker the pending accept is bound to
  bool closed_ = false;
};

}  // namespace ug::gateway
