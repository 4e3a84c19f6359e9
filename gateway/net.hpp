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

}  // namespace ug::gateway
