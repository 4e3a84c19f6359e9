#pragma once
// The client end of one connection as a value: its socket and the bytes read
// from it that nobody has parsed yet. Whoever holds it is the one reading and
// writing the client: the http_session between exchanges, the proxy_relay
// during a forwarded one (it is moved into the relay and handed back by
// relay_owner::on_relay_done). Moving it is a few pointer stores: the
// socket's reactor state and the buffer's storage move, nothing is
// allocated, no syscall is made. It must not move while an operation is
// pending on the socket (the holder moves it only from a completion, with
// nothing else in flight).
#include <utility>

#include "gateway/net/net.hpp"

namespace ug::gateway {

/// Owned by one holder at a time, on the owning worker's thread.
struct client_stream {
  explicit client_stream(socket_type&& s) : socket(std::move(s)) {}

  socket_type socket;
  /// Read from the socket, not parsed yet: the rest of a request (its body),
  /// or the next, pipelined one.
  beast::flat_buffer buffer;
};

}  // namespace ug::gateway
