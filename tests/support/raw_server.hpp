#pragma once
// A raw TCP server on 127.0.0.1 for integration tests that play the upstream
// themselves: a hostile one that resets, stalls or sends garbage on cue, or a
// recording one that keeps the exact bytes it received. No HTTP library on
// purpose, for the same reason as http_client.hpp: the test must be able to
// send anything and must not share the parser under test. Header-only, POSIX.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

namespace ug::test {

/// A listening socket on 127.0.0.1 with a port the kernel chose; -1 on failure.
inline int listen_loopback(std::uint16_t& port, int backlog) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  // POSIX hands socket APIs a sockaddr*; there is no cast-free spelling.
  // NOLINTNEXTLINE
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, backlog) != 0 ||
      // NOLINTNEXTLINE: POSIX socket API
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

/// A port that was free a moment ago, for programs that cannot report the
/// port they picked themselves (nginx): bound, then released. Another
/// process may take it in between, so callers retry a start that fails.
inline std::uint16_t free_loopback_port() {
  std::uint16_t port = 0;
  const int fd = listen_loopback(port, 1);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "free_loopback_port");
  ::close(fd);
  return port;
}

/// One accepted connection, as a handler of raw_tcp_server sees it. Every
/// call is bounded by its timeout and returns early once the server stops.
class raw_connection {
 public:
  enum class io { data, eof, error, timeout };

  raw_connection(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  int fd() const { return fd_; }
  bool stopping() const { return stop_.load(); }

  /// Appends what arrives within `timeout` (at least one byte) to `in`.
  io read_some(std::string& in, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (stopping())
        return io::timeout;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left < 0)
        return io::timeout;
      // Short slices so that a stopping server is noticed promptly.
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left + 1, 20)));
      if (r < 0 && errno != EINTR)
        return io::error;
      if (r <= 0)
        continue;
      char buf[16384];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        in.append(buf, static_cast<std::size_t>(n));
        return io::data;
      }
      if (n == 0)
        return io::eof;
      if (errno != EAGAIN && errno != EINTR)
        return io::error;
    }
  }

  /// Reads until `in` contains `needle`; false on EOF, error, timeout or stop.
  bool read_until(std::string& in, std::string_view needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (in.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() < 0 || read_some(in, left) != io::data)
        return false;
    }
    return true;
  }

  /// Sends all of `bytes`; false if the peer is gone, or on timeout or stop
  /// (a peer that stops reading must not hang the server).
  bool send_all(std::string_view bytes, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!bytes.empty()) {
      if (stopping() || std::chrono::steady_clock::now() > deadline)
        return false;
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        return false;
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, 20);
    }
    return true;
  }

  /// True if the peer closes (EOF or reset) within `timeout`; what it sends
  /// meanwhile is appended to `in`.
  bool wait_peer_close(std::string& in, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() < 0)
        return false;
      const io r = read_some(in, left);
      if (r == io::eof || r == io::error)
        return true;
      if (r == io::timeout)
        return false;
    }
  }

  /// The close that ends this connection sends a reset (RST), not a FIN.
  void reset_on_close() {
    const linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }

 private:
  int fd_;
  const std::atomic<bool>& stop_;
};

/// Accepts connections on 127.0.0.1 (a free port) and runs `handler` for
/// each on a thread of its own; the socket is closed when the handler
/// returns. The destructor stops accepting, tells handlers to stop (their
/// raw_connection calls return early) and joins every thread.
class raw_tcp_server {
 public:
  using handler = std::function<void(raw_connection&)>;

  explicit raw_tcp_server(handler h, int backlog = 128) : handler_(std::move(h)) {
    listen_fd_ = listen_loopback(port_, backlog);
    if (listen_fd_ < 0)
      throw std::system_error(errno, std::generic_category(), "raw_tcp_server: listen");
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  raw_tcp_server(const raw_tcp_server&) = delete;
  raw_tcp_server& operator=(const raw_tcp_server&) = delete;
  ~raw_tcp_server() {
    stop_ = true;
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (auto& t : handlers_)
      t.join();
    ::close(listen_fd_);
  }

  std::uint16_t port() const { return port_; }
  /// Connections accepted so far.
  int accepted() const { return accepted_.load(); }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0)
        continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0)
        continue;
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ++accepted_;
      std::lock_guard lock(mu_);
      handlers_.emplace_back([this, fd] {
        {
          raw_connection c(fd, stop_);
          handler_(c);
        }
        ::close(fd);
      });
    }
  }

  handler handler_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::list<std::thread> handlers_;
};

}  // namespace ug::test
