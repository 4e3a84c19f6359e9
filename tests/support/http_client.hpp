#pragma once
// A deliberately small blocking HTTP/1.1 client over POSIX sockets for
// integration tests. No Beast on purpose: tests must be able to send
// malformed, partial or slow bytes, and must not share the parser they test.
// Header-only; connects to 127.0.0.1 only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ascii.hpp"

namespace ug::test {

using header_list = std::vector<std::pair<std::string, std::string>>;

namespace detail {
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}
}  // namespace detail

/// One parsed response. Header order and duplicates are kept as received.
struct http_response {
  int status = 0;
  header_list headers;
  std::string body;  ///< de-chunked

  /// Value of the first header named `name` (case-insensitive), "" if absent.
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (common::ascii_iequals(k, name))
        return v;
    }
    return {};
  }
  bool has_header(std::string_view name) const {
    for (const auto& h : headers) {
      if (common::ascii_iequals(h.first, name))
        return true;
    }
    return false;
  }
  /// Number of headers named `name` (case-insensitive).
  std::size_t header_count(std::string_view name) const {
    return static_cast<std::size_t>(
        std::count_if(headers.begin(), headers.end(),
                      [&](const auto& h) { return common::ascii_iequals(h.first, name); }));
  }
};

/// A keep-alive connection to 127.0.0.1:port. Every blocking call is bounded
/// by the timeout given to the constructor (per call). Not thread-safe: one
/// thread per connection.
class http_connection {
 public:
  /// Connects immediately; connected() tells whether that worked (requests on
  /// a failed connection return nullopt).
  explicit http_connection(std::uint16_t port,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5))
      : port_(port), timeout_(timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0)
      return;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // POSIX hands socket APIs a sockaddr*; there is no cast-free spelling.
    // NOLINTNEXTLINE
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0)
      return;
    if (errno == EINPROGRESS && wait_for(POLLOUT, deadline_from_now())) {
      int err = 0;
      socklen_t len = sizeof err;
      if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
        return;
    }
    close();
  }
  http_connection(http_connection&& o) noexcept
      : port_(o.port_),
        timeout_(o.timeout_),
        fd_(std::exchange(o.fd_, -1)),
        in_(std::move(o.in_)),
        last_method_(std::move(o.last_method_)) {}
  http_connection& operator=(http_connection&&) = delete;
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;
  ~http_connection() { close(); }

  bool connected() const { return fd_ >= 0; }

  /// Writes `bytes` exactly as given. False on error or timeout.
  bool send_raw(std::string_view bytes) {
    const auto deadline = deadline_from_now();
    while (!bytes.empty()) {
      if (fd_ < 0)
        return false;
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!wait_for(POLLOUT, deadline))
          return false;
      } else {
        return false;
      }
    }
    return true;
  }

  /// Sends one well-formed request without reading the answer (for streaming
  /// tests that read raw bytes afterwards). Adds Host unless given, and
  /// Content-Length when there is a body (or the method usually has one)
  /// unless Content-Length/Transfer-Encoding is given.
  bool send_request(std::string_view method, std::string_view target,
                    const header_list& headers = {}, std::string_view body = {}) {
    std::string req;
    req.reserve(256 + body.size());
    req.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
    bool has_host = false;
    bool has_length = false;
    for (const auto& [k, v] : headers) {
      has_host = has_host || common::ascii_iequals(k, "host");
      has_length = has_length || common::ascii_iequals(k, "content-length") ||
                   common::ascii_iequals(k, "transfer-encoding");
      req.append(k).append(": ").append(v).append("\r\n");
    }
    if (!has_host)
      req.append("Host: 127.0.0.1:").append(std::to_string(port_)).append("\r\n");
    const bool wants_length =
        !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
    if (!has_length && wants_length) {
      req.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    }
    req.append("\r\n").append(body);
    last_method_ = std::string(method);
    return send_raw(req);
  }

  /// Sends a request and reads its response (keep-alive). nullopt on any
  /// error, timeout or malformed response.
  std::optional<http_response> request(std::string_view method, std::string_view target,
                                       header_list headers = {}, std::string_view body = {}) {
    if (!send_request(method, target, headers, body))
      return std::nullopt;
    return read_response();
  }

  /// Reads one response (skipping 1xx interim responses). Handles
  /// Content-Length, chunked and read-until-close bodies; HEAD, 204 and 304
  /// have no body.
  /// For a request sent with send_raw(): the method read_response() assumes
  /// it answers (a response to HEAD has no body).
  void request_method_was(std::string_view method) { last_method_ = std::string(method); }

  std::optional<http_response> read_response() {
    const auto deadline = deadline_from_now();
    for (;;) {
      auto r = read_one(deadline);
      if (!r || r->status < 100 || r->status >= 200 || r->status == 101)
        return r;
    }
  }

  /// Raw bytes as they arrive: whatever is buffered, else waits up to
  /// `timeout` for some. "" on timeout or EOF.
  std::string read_some(std::chrono::milliseconds timeout) {
    if (in_.empty())
      fill(std::chrono::steady_clock::now() + timeout);
    return std::exchange(in_, {});
  }

  /// Reads raw bytes until `needle` has been seen (everything read so far is
  /// returned and consumed), or until timeout/EOF (then returns what arrived).
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (in_.find(needle) == std::string::npos) {
      if (!fill(deadline))
        break;
    }
    return std::exchange(in_, {});
  }

  /// True if the peer closes (EOF or reset) within `timeout`. Bytes that
  /// arrive meanwhile are kept for later reads.
  bool closed_by_peer(std::chrono::milliseconds timeout) {
    if (fd_ < 0)
      return true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (!wait_for(POLLIN, deadline))
        return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        in_.append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        return true;
      }
    }
  }

  /// Closes the socket (idempotent).
  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

  /// Resets the connection abruptly (RST instead of FIN), like a client that crashes.
  void abort() {
    if (fd_ < 0)
      return;
    const linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close();
  }

 private:
  using clock = std::chrono::steady_clock;
  static constexpr std::size_t max_response_bytes = 256u << 20;  // runaway guard

  clock::time_point deadline_from_now() const { return clock::now() + timeout_; }

  bool wait_for(short events, clock::time_point deadline) {
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
      if (left < 0)
        return false;
      pollfd p{fd_, events, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left + 1, 60'000)));
      if (r > 0)
        return true;
      if (r < 0 && errno != EINTR)
        return false;
      if (r == 0 && clock::now() >= deadline)
        return false;
    }
  }

  /// Appends at least one byte to in_; false on EOF, error or timeout.
  bool fill(clock::time_point deadline) {
    if (fd_ < 0 || in_.size() > max_response_bytes)
      return false;
    for (;;) {
      char buf[16384];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        in_.append(buf, static_cast<std::size_t>(n));
        return true;
      }
      if (n == 0)
        return false;
      if (errno != EAGAIN && errno != EINTR)
        return false;
      if (!wait_for(POLLIN, deadline))
        return false;
    }
  }

  /// Takes one CRLF-terminated line from in_ (without CRLF).
  std::optional<std::string> take_line(clock::time_point deadline) {
    std::size_t pos;
    while ((pos = in_.find("\r\n")) == std::string::npos) {
      if (!fill(deadline))
        return std::nullopt;
    }
    std::string line = in_.substr(0, pos);
    in_.erase(0, pos + 2);
    return line;
  }

  bool take_bytes(std::size_t n, std::string& out, clock::time_point deadline) {
    while (in_.size() < n) {
      if (!fill(deadline))
        return false;
    }
    out.append(in_, 0, n);
    in_.erase(0, n);
    return true;
  }

  std::optional<http_response> read_one(clock::time_point deadline) {
    http_response r;
    auto status_line = take_line(deadline);
    // "HTTP/1.1 200 OK"
    if (!status_line || status_line->rfind("HTTP/1.", 0) != 0 || status_line->size() < 12) {
      return std::nullopt;
    }
    r.status = 0;
    for (std::size_t i = 9; i < 12; ++i) {
      const char c = (*status_line)[i];
      if (c < '0' || c > '9')
        return std::nullopt;
      r.status = r.status * 10 + (c - '0');
    }
    for (;;) {
      auto line = take_line(deadline);
      if (!line)
        return std::nullopt;
      if (line->empty())
        break;
      const auto colon = line->find(':');
      if (colon == std::string::npos)
        return std::nullopt;
      r.headers.emplace_back(line->substr(0, colon),
                             std::string(detail::trim(std::string_view(*line).substr(colon + 1))));
    }
    if (r.status < 200 || r.status == 204 || r.status == 304 || last_method_ == "HEAD")
      return r;

    const std::string te = r.header("transfer-encoding");
    if (te.find("chunked") != std::string::npos) {
      for (;;) {
        auto size_line = take_line(deadline);
        if (!size_line)
          return std::nullopt;
        std::size_t size = 0;
        std::size_t i = 0;
        for (; i < size_line->size(); ++i) {
          const char c = (*size_line)[i];
          int d;
          if (c >= '0' && c <= '9')
            d = c - '0';
          else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
          else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
          else
            break;
          size = size * 16 + static_cast<std::size_t>(d);
          if (size > max_response_bytes)
            return std::nullopt;
        }
        if (i == 0)
          return std::nullopt;
        if (size == 0) {
          for (;;) {  // trailers until the empty line
            auto t = take_line(deadline);
            if (!t)
              return std::nullopt;
            if (t->empty())
              return r;
          }
        }
        if (!take_bytes(size, r.body, deadline))
          return std::nullopt;
        auto crlf = take_line(deadline);
        if (!crlf || !crlf->empty())
          return std::nullopt;
      }
    }
    if (r.has_header("content-length")) {
      const std::string cl = r.header("content-length");
      std::size_t n = 0;
      if (cl.empty())
        return std::nullopt;
      for (char c : cl) {
        if (c < '0' || c > '9')
          return std::nullopt;
        n = n * 10 + static_cast<std::size_t>(c - '0');
        if (n > max_response_bytes)
          return std::nullopt;
      }
      if (!take_bytes(n, r.body, deadline))
        return std::nullopt;
      return r;
    }
    // No length: the body runs until the server closes.
    while (fill(deadline)) {
    }
    r.body = std::exchange(in_, {});
    return r;
  }

  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
  std::string in_;  // received, not yet consumed
  std::string last_method_;
};

/// One request on a fresh connection (closed afterwards).
inline std::optional<http_response> http_request(std::uint16_t port, std::string_view method,
                                                 std::string_view target, header_list headers = {},
                                                 std::string_view body = {}) {
  http_connection c(port);
  return c.request(method, target, std::move(headers), body);
}

}  // namespace ug::test
