#pragma once
// Accepts connections and starts a session for each, on its own strand.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

#include <memory>

#include "tools/mock-llm/options.hpp"
#include "tools/mock-llm/stats.hpp"

namespace ug::mock_llm {

/// Not thread-safe: create on one thread; afterwards only its strand touches it
/// (stop() posts onto that strand, so it may be called from any thread).
class mock_server : public std::enable_shared_from_this<mock_server> {
 public:
  /// Opens, binds and listens; on failure `ec` is set and the acceptor is unusable.
  mock_server(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
              const options& opts, stats& st, boost::beast::error_code& ec);

  /// The bound endpoint (the real port when 0 was asked for).
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  /// Starts accepting.
  void run();

  /// Closes the acceptor. Thread-safe.
  void stop();

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  const options& opts_;
  stats& stats_;
};

}  // namespace ug::mock_llm
