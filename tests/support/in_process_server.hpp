#pragma once
// The whole process layer (gateway/app/server) inside the test's process, for
// unit tests that watch what a subprocess test only infers from its output:
// the config file in a temp dir, a config_source on it, the server, its run()
// on a thread of the harness's (the control thread), an upstream on
// loopback that can hold a request until the test releases it, and the
// config those tests share (server_test_config).
//
// The server is stopped as an operator stops it: SIGTERM to the process,
// which the server's signal_set catches. Only raise it while a server
// exists: without one, SIGTERM's default action ends the test binary.
// Header-only, POSIX.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "config/snapshot/compiled_config.hpp"
#include "gateway/app/config_source.hpp"
#include "gateway/app/server.hpp"
#include "gateway/telemetry/access_log.hpp"
#include "limiter/clock.hpp"
#include "limiter/state_registry.hpp"
#include "tests/support/gateway_config.hpp"
#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_server.hpp"

namespace ug::test {

/// An HTTP/1.1 upstream on 127.0.0.1 for requests without a body: answers
/// each with 200 and the body "upstream saw <target>". A request whose target
/// contains "/hold" waits until release() (at most 10 s, or until the
/// upstream stops) before it is answered. Thread-safe.
class held_upstream {
 public:
  held_upstream() : server_([this](raw_connection& c) { serve(c); }) {}

  [[nodiscard]] std::uint16_t port() const { return server_.port(); }
  /// Requests waiting for release() now (one whose connection the gateway
  /// closed still waits: the upstream does not watch for that).
  [[nodiscard]] int held() const { return held_.load(); }
  /// Requests whose head arrived (counted before the answer goes out, so a
  /// client that has its response sees itself counted).
  [[nodiscard]] int received() const { return received_.load(); }
  /// Every held request, and every later one, is answered.
  void release() { released_.store(true); }

 private:
  bool wait_for_release(const raw_connection& c) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!released_.load()) {
      if (c.stopping() || std::chrono::steady_clock::now() >= deadline) {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
  }

  void serve(raw_connection& c) {
    std::string in;
    while (c.read_until(in, "\r\n\r\n", std::chrono::seconds(10))) {
      const std::size_t head_end = in.find("\r\n\r\n") + 4;
      const std::string head = in.substr(0, head_end);
      in.erase(0, head_end);
      const std::size_t a = head.find(' ');
      const std::size_t b = head.find(' ', a + 1);
      const std::string target =
          a == std::string::npos || b == std::string::npos ? "" : head.substr(a + 1, b - a - 1);
      ++received_;
      if (target.find("/hold") != std::string::npos) {
        ++held_;
        const bool released = wait_for_release(c);
        --held_;
        if (!released) {
          return;
        }
      }
      const std::string body = "upstream saw " + target;
      if (!c.send_all("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body,
                      std::chrono::seconds(5))) {
        return;
      }
    }
  }

  std::atomic<bool> released_{false};
  std::atomic<int> held_{0};
  std::atomic<int> received_{0};
  raw_tcp_server server_;  // last: its handlers use the members above
};

/// The keys of server_test_config(): `a` is in it, `b` is for a test to add.
inline const std::string server_test_key_a = "server-unit-test-key-a-00001";
inline const std::string server_test_key_b = "server-unit-test-key-b-00002";

/// single_stage() for API "srvtest001" in front of `upstream_port`: every
/// path below /v1 needs an API key, and server_test_key_a (id "skey000001",
/// plan "splan00001", no limits) is the one key. A drain waits 10 s at most.
inline usagegate_config server_test_config(std::uint16_t upstream_port) {
  usagegate_config c = single_stage("srvtest001", server_test_key_a, upstream_port);
  c.gateway.drain_timeout_ms = 10'000;
  return c;
}

/// `c` with server_test_key_b (id "skey000002") added to its plan.
inline usagegate_config with_key_b(usagegate_config c) {
  c.api_keys.push_back({.id = "skey000002", .value = server_test_key_b});
  c.usage_plans.at(0).key_ids.emplace_back("skey000002");
  return c;
}

/// What a harness builds its server with besides the config file.
struct harness_options {
  unsigned workers = 1;                        ///< server_setup.workers
  bool with_source = true;                     ///< false: the server has nothing to reload
  std::unique_ptr<gateway::access_log> log{};  ///< null: access log off
};

/// A server on a config file of its own. The test's thread is the control
/// thread until start(), which hands run() to the harness's thread; from then
/// on the test calls only the thread-safe members of the server (publish,
/// metrics) and talks to it over sockets. The destructor stops a server that
/// still runs (SIGTERM, then a second one) and joins its thread. Not
/// thread-safe: one test thread drives it.
class server_harness {
 public:
  explicit server_harness(const usagegate_config& config, harness_options options = {})
      : path_(dir_.write("gw.json", to_json(config))), source_(path_, state_, clock_) {
    gateway::config_load first = source_.load(nullptr);
    if (!first.snapshot) {
      std::string why;
      for (const std::string& e : first.errors) {
        why += e + "\n";
      }
      throw std::runtime_error("server_harness: the config does not load:\n" + why);
    }
    first_ = std::move(first.snapshot);
    gateway::server_setup setup;
    setup.workers = options.workers;
    setup.source = options.with_source ? &source_ : nullptr;
    setup.log = std::move(options.log);
    server_ = std::make_unique<gateway::server>(first_, clock_, std::move(setup));
  }
  server_harness(const server_harness&) = delete;
  server_harness& operator=(const server_harness&) = delete;
  ~server_harness() {
    if (!control_.joinable()) {
      return;
    }
    // Bounded: the first signal drains, a second one stops without waiting.
    for (int attempt = 0; attempt < 2 && !exit_code(std::chrono::milliseconds(0)); ++attempt) {
      ::raise(SIGTERM);
      (void)exit_code(std::chrono::seconds(10));
    }
    control_.join();
  }

  [[nodiscard]] gateway::server& server() noexcept { return *server_; }
  [[nodiscard]] limiter::state_registry& state() noexcept { return state_; }
  [[nodiscard]] const limiter::system_clock& clock() const noexcept { return clock_; }
  /// The snapshot the server was constructed with.
  [[nodiscard]] const std::shared_ptr<const config::compiled_config>& first() const noexcept {
    return first_;
  }
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_.path(); }

  /// Writes `config` over the config file (the server reads it on reload).
  void rewrite(const usagegate_config& config) const { dir_.write("gw.json", to_json(config)); }

  /// listen(), start_admin(), then run() on the harness's thread; succeeds
  /// once on_ready has been called (within 10 s).
  ::testing::AssertionResult start() {
    if (const auto ec = server_->listen()) {
      return ::testing::AssertionFailure() << "listen: " << ec.message();
    }
    if (const auto ec = server_->start_admin()) {
      return ::testing::AssertionFailure() << "start_admin: " << ec.message();
    }
    port_ = server_->local_endpoint().port();
    admin_port_ = server_->admin_port();
    // Shared: on_ready may come after start() gave up waiting for it.
    auto ready = std::make_shared<std::promise<void>>();
    std::future<void> is_ready = ready->get_future();
    std::packaged_task<int()> run(
        [this, ready] { return server_->run([ready] { ready->set_value(); }); });
    exit_ = run.get_future();
    control_ = std::thread(std::move(run));
    if (is_ready.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      return ::testing::AssertionFailure() << "on_ready was not called within 10 s";
    }
    return ::testing::AssertionSuccess();
  }

  /// The data-plane and admin ports start() bound (0 before).
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::uint16_t admin_port() const noexcept { return admin_port_; }

  /// What run() returned, once it returned within `timeout`; nullopt if it
  /// still runs (or was never started).
  std::optional<int> exit_code(std::chrono::milliseconds timeout) {
    if (!exit_.valid()) {
      return result_;
    }
    if (exit_.wait_for(timeout) != std::future_status::ready) {
      return std::nullopt;
    }
    result_ = exit_.get();
    return result_;
  }

  /// SIGTERM, then what run() returned within `timeout`.
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    ::raise(SIGTERM);
    return exit_code(timeout);
  }

 private:
  temp_dir dir_;
  limiter::system_clock clock_;
  limiter::state_registry state_;
  std::filesystem::path path_;
  gateway::config_source source_;
  std::shared_ptr<const config::compiled_config> first_;
  std::unique_ptr<gateway::server> server_;  // after what it uses: destroyed first
  std::uint16_t port_ = 0;
  std::uint16_t admin_port_ = 0;
  std::future<int> exit_;
  std::optional<int> result_;
  std::thread control_;
};

}  // namespace ug::test
