#pragma once
// What integration test fixtures share: a port nothing listens on, requests
// with an x-api-key, counting the answers of a key against its quota, and
// gateway_test, the fixture that owns a mock-llm, a usagegate and the
// directory of its config file, and stops the gateway as an operator does
// (SIGTERM) when the test ends, expecting exit 0. Header-only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "tests/support/admin.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {

/// A loopback port nothing listens on: bound, then closed (the kernel does
/// not hand it out again right away). Throws std::system_error if no port
/// can be bound. Thread-safe.
inline std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "closed_port: socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  // NOLINTNEXTLINE: POSIX socket API
  bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  // NOLINTNEXTLINE: POSIX socket API
  bound = bound && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  const int err = errno;
  ::close(fd);
  if (!bound)
    throw std::system_error(err, std::generic_category(), "closed_port: bind");
  return ntohs(addr.sin_port);
}

/// `more`, then x-api-key: `key`. Thread-safe.
inline header_list with_api_key(std::string_view key, header_list more = {}) {
  more.emplace_back("x-api-key", std::string(key));
  return more;
}

/// How the gateway answered one request of a key that has a quota.
enum class quota_answer { ok, limit_exceeded, other };

/// 429 with the body AWS sends when a key's quota is used up.
inline bool is_limit_exceeded(const std::optional<http_response>& r) {
  return r && r->status == 429 && r->body == R"({"message":"Limit Exceeded"})";
}

/// A 200, a Limit Exceeded, or anything else, which fails the test.
inline quota_answer expect_quota_answer(const std::optional<http_response>& r) {
  if (r && r->status == 200)
    return quota_answer::ok;
  if (is_limit_exceeded(r))
    return quota_answer::limit_exceeded;
  ADD_FAILURE() << "unexpected response " << (r ? r->status : 0);
  return quota_answer::other;
}

/// Sends `n` requests "GET target" with x-api-key `key` one after the
/// other on `conn`: {200s, Limit Exceeded}; any other answer fails the test.
inline std::pair<int, int> count_quota_answers(http_connection& conn, std::string_view target,
                                               std::string_view key, int n) {
  int ok = 0;
  int refused = 0;
  for (int i = 0; i < n; ++i) {
    const quota_answer a = expect_quota_answer(conn.request("GET", target, with_api_key(key)));
    ok += a == quota_answer::ok ? 1 : 0;
    refused += a == quota_answer::limit_exceeded ? 1 : 0;
  }
  return {ok, refused};
}

/// A test with a mock-llm (start_mock) and a usagegate (start_gateway) whose
/// config file lives in dir_. TearDown stops a started gateway with SIGTERM
/// and expects exit 0 within the stop timeout (its output on failure). Not
/// thread-safe: the test's main thread drives it (children die with the
/// thread that created them, see child_process).
class gateway_test : public ::testing::Test {
 protected:
  /// `stop_timeout`: how long TearDown waits for the gateway to drain and exit.
  explicit gateway_test(std::chrono::milliseconds stop_timeout = std::chrono::seconds(10))
      : stop_timeout_(stop_timeout) {}

  void TearDown() override {
    if (gw_) {
      EXPECT_EQ(stop_usagegate(*gw_, stop_timeout_), 0) << gw_->proc.output();
    }
  }

  /// Starts mock-llm (with `args`, e.g. {"--threads", "2"}) into mock_.
  void start_mock(std::vector<std::string> args = {}) {
    mock_.emplace(start_mock_llm(std::move(args)));
  }

  /// (Re)writes the gateway's config file; returns its path.
  std::filesystem::path write_config_file(std::string_view config_json) const {
    return dir_.write("gw.json", config_json);
  }

  /// Writes `config_json` as the config file and starts a usagegate on it
  /// into gw_, waiting for its "ready" line; returns the file's path.
  std::filesystem::path start_gateway(std::string_view config_json,
                                      std::vector<std::string> extra_args = {}) {
    std::filesystem::path config = write_config_file(config_json);
    admin_port_ = 0;
    gw_.emplace(start_usagegate(config, std::move(extra_args)));
    return config;
  }

  /// The gateway's data-plane port.
  std::uint16_t port() const { return gw_->port; }
  std::uint16_t mock_port() const { return mock_->port; }
  /// The gateway's admin port, from its banner; throws if it has none.
  std::uint16_t admin_port() {
    if (admin_port_ == 0)
      admin_port_ = admin_port_of(*gw_);
    return admin_port_;
  }

  temp_dir dir_;
  std::optional<mock_llm_process> mock_;
  std::optional<usagegate_process> gw_;

 private:
  std::chrono::milliseconds stop_timeout_;
  std::uint16_t admin_port_ = 0;  ///< 0: not read from the banner yet
};

}  // namespace ug::test
