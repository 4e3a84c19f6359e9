#include "tools/mock-llm/mock_server.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "tools/mock-llm/session.hpp"

namespace ug::mock_llm {

mock_server::mock_server(net::io_context& ioc, const tcp::endpoint& endpoint, const options& opts,
                         stats& st, beast::error_code& ec)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), opts_(opts), stats_(st) {
  acceptor_.open(endpoint.protocol(), ec);
  if (ec)
    return;
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec)
    return;
  acceptor_.bind(endpoint, ec);
  if (ec)
    return;
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
}

tcp::endpoint mock_server::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void mock_server::run() {
  do_accept();
}

void mock_server::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void mock_server::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&mock_server::on_accept, shared_from_this()));
}

void mock_server::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open())
    return;
  if (!ec) {
    stats_.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    std::make_shared<session>(std::move(socket), opts_, stats_)->run();
  }
  // Transient errors (EMFILE, ECONNABORTED): keep accepting.
  do_accept();
}

}  // namespace ug::mock_llm
