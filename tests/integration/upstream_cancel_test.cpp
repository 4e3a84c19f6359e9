// A client that goes away while the upstream is still working on its request
// (an LLM thinking before the first byte) must make the gateway close that
// upstream connection at once, so the upstream stops spending GPU time; it
// must not wait for the upstream's answer or the response timeout.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "cancel-test-key-000000000001";

std::string config_json(std::uint16_t upstream_port) {
  usagegate_config c = single_stage("cnclapi001", api_key, upstream_port);
  c.gateway.stages[0].upstream.response_timeout_ms = 30000;
  return to_json(c);
}

/// Accepts one connection, reads one request header, never answers, and
/// records when the gateway closes the connection.
class silent_upstream {
 public:
  silent_upstream() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    // NOLINTNEXTLINE: POSIX socket API
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 4);
    // NOLINTNEXTLINE: POSIX socket API
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~silent_upstream() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  std::uint16_t port() const { return port_; }
  bool got_request() const { return got_request_; }
  bool peer_closed() const { return peer_closed_; }

 private:
  void serve() {
    int fd = -1;
    while (!stop_ && fd < 0) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0)
        fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    }
    std::string in;
    while (!stop_ && fd >= 0) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0)
        continue;
      char buf[4096];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        peer_closed_ = true;
        break;
      }
      in.append(buf, static_cast<std::size_t>(n));
      if (in.find("\r\n\r\n") != std::string::npos)
        got_request_ = true;
    }
    if (fd >= 0)
      ::close(fd);
  }

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> got_request_{false};
  std::atomic<bool> peer_closed_{false};
  std::thread thread_;
};

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST(UpstreamCancel, ClientLeavingBeforeTheResponseClosesTheUpstream) {
  silent_upstream upstream;
  temp_dir dir;
  auto gw = start_usagegate(dir.write("gw.json", config_json(upstream.port())));
  {
    http_connection c(gw.port);
    ASSERT_TRUE(c.send_request("POST", "/v1/chat/completions", {{"x-api-key", api_key}},
                               R"({"model":"m","messages":[]})"));
    ASSERT_TRUE(wait_until([&] { return upstream.got_request(); }, 5s));
    EXPECT_FALSE(upstream.peer_closed());
  }  // the client closes
  // responseTimeoutMs is 30 s: only the client's departure can explain a close now.
  EXPECT_TRUE(wait_until([&] { return upstream.peer_closed(); }, 5s));
  // The gateway still serves.
  EXPECT_TRUE(http_request(gw.port, "GET", "/nothing"));
  gw.proc.send_signal(SIGTERM);
  EXPECT_EQ(gw.proc.wait_exit(10s), 0) << gw.proc.output();
}

}  // namespace
}  // namespace ug::test
