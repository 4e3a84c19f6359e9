#pragma once
// Namespace aliases for the network layer, so call sites read like Beast's own
// examples (net::, beast::, http::, tcp), plus the Asio/Beast headers the
// layer uses. Nothing of our own is declared here.
// GCC 12 at -O2 reports -Wnull-dereference inside Asio's executor comparison
// (io_context.hpp) once inlined into our code; the code is Asio's, so the
// warning is silenced for the Asio/Beast headers only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace ug::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

/// A worker's io_context executor by its concrete type: sockets and the
/// composed operations on them skip any_io_executor's type erasure (a copy,
/// move and destroy of a polymorphic executor per handler).
using worker_executor = net::io_context::executor_type;
/// A data-plane connection (client or upstream): a plain socket. Timeouts are
/// coarse deadlines checked by the worker's tick (coarse_deadline.hpp), not a
/// timer per operation.
using socket_type = net::basic_stream_socket<tcp, worker_executor>;

}  // namespace ug::gateway
