#include "gateway/proxy/listener.hpp"

#include <chrono>
#include <cstdio>

namespace ug::gateway {

listener::listener(net::io_context& control, std::vector<worker*> workers, shared_counters& shared,
                   std::size_t max_connections)
    : acceptor_(control),
      retry_timer_(control),
      workers_(std::move(workers)),
      shared_(shared),
      max_connections_(max_connections) {}

error_code listener::open(const tcp::endpoint& ep) {
  error_code ec;
  acceptor_.open(ep.protocol(), ec);
  if (ec) {
    return ec;
  }
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) {
    return ec;
  }
  acceptor_.bind(ep, ec);
  if (ec) {
    return ec;
  }
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

tcp::endpoint listener::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

void listener::start() {
  do_accept();
}

void listener::close() {
  closed_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

void listener::do_accept() {
  if (closed_) {
    return;
  }
  pending_ = workers_[next_];
  next_ = (next_ + 1) % workers_.size();
  acceptor_.async_accept(pending_->executor(),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(const error_code& ec, socket_type socket) {
  if (ec == net::error::operation_aborted) {
    return;
  }
  if (closed_) {
    if (!ec) {
      pending_->discard(std::move(socket));
    }
    return;
  }
  if (ec) {
    // Typically EMFILE/ENFILE: retrying at once would spin on the same error.
    std::fprintf(stderr, "usagegate: accept failed: %s\n", ec.message().c_str());
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait(beast::bind_front_handler(&listener::on_retry, shared_from_this()));
    return;
  }
  if (shared_.live_sessions.load(std::memory_order_relaxed) >= max_connections_) {
    ++refused;
    pending_->discard(std::move(socket));
  } else {
    ++accepted;
    // The socket is already bound to the worker's executor (the worker was
    // chosen before async_accept); adopt() moves it onto that thread. The
    // slot counts it live now, so the cap sees it before the worker runs.
    pending_->adopt(std::move(socket), session_slot(shared_));
  }
  do_accept();
}

void listener::on_retry(const error_code& ec) {
  if (ec || closed_) {
    return;
  }
  do_accept();
}

}  // namespace ug::gateway
