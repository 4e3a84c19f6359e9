// Upstream chaos: a hostile upstream written here (raw sockets, scripted by
// the request path) resets, stalls, or sends garbage, an oversized header or
// an early answer. For each the gateway must answer what docs/semantics.md
// ("Responses made by the gateway") says when nothing reached the client,
// close the client connection when part of a response already went out,
// then serve the next request normally, with no upstream connection leaked
// (the pool gauges are back where they were, and the connections the
// hostile upstream kept open were closed by the gateway).
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "tests/support/admin.hpp"
#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_server.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "edge-chaos-key-0000000000001";
constexpr std::string_view internal_error_body = R"({"message": "Internal server error"})";
constexpr std::string_view timed_out_body = R"({"message": "Endpoint request timed out"})";
/// Larger than the gateway's 64 KiB limit on an upstream response header.
constexpr std::size_t huge_header_bytes = 70 * 1024;
/// The body the mid-body modes announce and the part of it they send.
constexpr std::size_t announced_body_bytes = 100;
constexpr std::string_view partial_body = "partial-body-0123456789";
/// responseTimeoutMs of the stage: short, so the silent upstream costs < 1 s.
constexpr int response_timeout_ms = 800;

std::string config_json(std::uint16_t upstream_port) {
  usagegate_config c = single_stage("chaosapi01", api_key, upstream_port);
  c.gateway.workers = 1;  // one pool: the gauges have one baseline
  upstream_settings& upstream = c.gateway.stages[0].upstream;
  upstream.response_timeout_ms = response_timeout_ms;
  upstream.connect_timeout_ms = 2000;
  upstream.idle_timeout_ms = 5000;
  c.usage_plans[0].throttle = throttle_limits{10000, 10000};
  return to_json(c);
}

header_list keyed(header_list more = {}) {
  return with_api_key(api_key, std::move(more));
}

/// The upstream. A request for /chaos/<mode> (the gateway strips the stage's
/// /v1) gets that mode's misbehaviour; /chaos/good gets a normal keep-alive
/// 200. The mode is per request rather than per connection because the
/// gateway may send a request on a pooled connection or retry it on a fresh
/// one: either way the same script runs.
class hostile_upstream {
 public:
  hostile_upstream() : server_([this](raw_connection& c) { serve(c); }) {}
  ~hostile_upstream() {
    {
      std::lock_guard lock(mu_);
      released_ = true;  // no handler may wait for a release that will not come
    }
    cv_.notify_all();
  }

  std::uint16_t port() const { return server_.port(); }

  /// Lets a connection that waits in a mid-body mode go on to its cut.
  void release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

  /// Waits until `mode` was served at least once and every connection that
  /// served it has ended; returns how many of those the gateway closed (the
  /// others the upstream cut itself), or nullopt on timeout.
  std::optional<int> wait_mode_done(const std::string& mode, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    const bool done = cv_.wait_for(lock, timeout, [&] {
      const auto it = modes_.find(mode);
      return it != modes_.end() && it->second.served > 0 && it->second.ended == it->second.served;
    });
    if (!done)
      return std::nullopt;
    return modes_[mode].closed_by_gateway;
  }

 private:
  struct mode_record {
    int served = 0;
    int ended = 0;
    int closed_by_gateway = 0;
  };

  void note_served(const std::string& mode) {
    std::lock_guard lock(mu_);
    ++modes_[mode].served;
  }
  void note_ended(const std::string& mode, bool closed_by_gateway) {
    {
      std::lock_guard lock(mu_);
      ++modes_[mode].ended;
      modes_[mode].closed_by_gateway += closed_by_gateway ? 1 : 0;
    }
    cv_.notify_all();
  }

  /// What the gateway does with a connection the upstream keeps open after
  /// misbehaving: it must close it (what it sends meanwhile is dropped).
  bool gateway_closes(raw_connection& c) {
    std::string ignored;
    return c.wait_peer_close(ignored, 10s);
  }

  /// The request's Content-Length (the gateway forwards sized bodies sized).
  static std::size_t content_length(std::string head) {
    for (char& ch : head)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const auto at = head.find("\r\ncontent-length:");
    if (at == std::string::npos)
      return 0;
    return std::stoul(head.substr(at + 17, head.find("\r\n", at + 2) - at - 17));
  }

  void serve(raw_connection& c) {
    std::string in;
    for (;;) {
      if (!c.read_until(in, "\r\n\r\n", 10s))
        return;  // the gateway closed its pooled connection, or it idled out
      const std::size_t head_end = in.find("\r\n\r\n") + 4;
      const std::string head = in.substr(0, head_end);
      in.erase(0, head_end);
      const auto path_at = head.find(" /chaos/");
      const std::string mode =
          path_at == std::string::npos
              ? std::string("unknown")
              : head.substr(path_at + 8, head.find(' ', path_at + 1) - path_at - 8);
      note_served(mode);
      if (mode == "good") {
        const std::size_t body = content_length(head);
        while (in.size() < body) {
          if (c.read_some(in, 5s) != raw_connection::io::data) {
            note_ended(mode, false);
            return;
          }
        }
        in.erase(0, body);
        if (!c.send_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 5s)) {
          note_ended(mode, false);
          return;
        }
        note_ended(mode, false);
        continue;
      }
      if (mode == "reset-before-header") {
        c.reset_on_close();
        note_ended(mode, false);
        return;
      }
      if (mode == "reset-mid-header") {
        c.send_all("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Cut-He", 5s);
        c.reset_on_close();
        note_ended(mode, false);
        return;
      }
      if (mode == "reset-mid-body" || mode == "close-mid-body") {
        c.send_all("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                       std::to_string(announced_body_bytes) + "\r\n\r\n" +
                       std::string(partial_body),
                   5s);
        // Cut only once the test saw the partial response at the client, so
        // the cut is certainly mid-body from the client's point of view.
        {
          std::unique_lock lock(mu_);
          cv_.wait_for(lock, 10s, [&] { return released_; });
        }
        if (mode == "reset-mid-body")
          c.reset_on_close();
        note_ended(mode, false);
        return;
      }
      if (mode == "garbage") {
        c.send_all("SSH-2.0-OpenSSH_9.2p1\r\nthis is not HTTP\r\n\r\n", 5s);
        note_ended(mode, gateway_closes(c));
        return;
      }
      if (mode == "huge-header") {
        // The send stalls or fails once the gateway stops reading: fine.
        c.send_all("HTTP/1.1 200 OK\r\nX-Huge: " + std::string(huge_header_bytes, 'h') +
                       "\r\nContent-Length: 2\r\n\r\nok",
                   3s);
        note_ended(mode, gateway_closes(c));
        return;
      }
      if (mode == "early-413-close" || mode == "early-413-drain") {
        // Answer as soon as the upload has begun, as a server that checks
        // the declared size or the first bytes does.
        if (in.empty() && c.read_some(in, 5s) != raw_connection::io::data) {
          note_ended(mode, false);
          return;
        }
        const std::string_view answer =
            "HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/plain\r\n"
            "Content-Length: 9\r\nConnection: close\r\n\r\ntoo large";
        c.send_all(answer, 5s);
        if (mode == "early-413-drain") {
          // A polite server reads the rest of the body before closing.
          const std::size_t body = content_length(head);
          while (in.size() < body && c.read_some(in, 5s) == raw_connection::io::data) {
          }
        }
        // early-413-close: closing with the upload unread makes the kernel
        // send a reset, the harshest form of an early answer.
        note_ended(mode, false);
        return;
      }
      if (mode == "silent") {
        // Never answers: only the gateway's responseTimeoutMs ends this.
        note_ended(mode, gateway_closes(c));
        return;
      }
      c.send_all("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 5s);
      note_ended(mode, false);
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;                     // guarded by mu_
  std::map<std::string, mode_record> modes_;  // guarded by mu_
  raw_tcp_server server_;                     // last: its handlers use the members above
};

class EdgeChaos : public gateway_test {
 protected:
  void SetUp() override {
    start_gateway(config_json(upstream_.port()));
    // One good exchange leaves one idle pooled connection: the baseline.
    expect_good_request();
    baseline_ = pool_gauges_settled(std::nullopt);
    ASSERT_TRUE(baseline_) << "no upstream pool gauges in /metrics";
    // One worker, one keep-alive exchange: one open connection, idle in the pool.
    EXPECT_EQ(*baseline_, std::make_pair(1.0, 1.0));
  }

  void expect_good_request() {
    const auto r = http_request(port(), "GET", "/v1/chaos/good", keyed());
    ASSERT_TRUE(r) << "no answer to a normal request";
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "ok");
  }

  /// (open, idle) upstream connections of stage v1 once two scrapes in a row
  /// agree and, when `want` is given, equal it (a connection is counted
  /// until its last handler ran, a moment after the exchange ended).
  std::optional<std::pair<double, double>> pool_gauges_settled(
      std::optional<std::pair<double, double>> want) {
    std::optional<std::pair<double, double>> last;
    for (int i = 0; i < 60; ++i) {
      const auto open =
          scrape_metric(admin_port(), R"(usagegate_upstream_connections{stage="v1"})");
      const auto idle =
          scrape_metric(admin_port(), R"(usagegate_upstream_idle_connections{stage="v1"})");
      if (open && idle) {
        const std::pair<double, double> now{*open, *idle};
        if (last == now && (!want || now == *want))
          return now;
        last = now;
      }
      std::this_thread::sleep_for(50ms);
    }
    return last;
  }

  /// After a misbehaving upstream: a normal request is served, and the
  /// upstream pool is back to its baseline (nothing leaked, nothing busy).
  void expect_recovered() {
    expect_good_request();
    const auto now = pool_gauges_settled(baseline_);
    ASSERT_TRUE(now);
    EXPECT_EQ(*now, *baseline_) << "upstream (open, idle) connections did not return to baseline";
  }

  static void expect_integration_failure(const std::optional<http_response>& r,
                                         std::string_view body) {
    ASSERT_TRUE(r) << "no response: the gateway must answer when nothing reached the client";
    EXPECT_EQ(r->status, 504);
    EXPECT_EQ(r->body, body);
    EXPECT_EQ(r->header("Content-Type"), "application/json");
    EXPECT_EQ(r->header("x-amzn-ErrorType"), "InternalServerErrorException");
    EXPECT_TRUE(r->has_header("x-amzn-RequestId"));
  }

  hostile_upstream upstream_;
  std::optional<std::pair<double, double>> baseline_;
};

TEST_F(EdgeChaos, ResetBeforeAnyHeaderIs504) {
  http_connection c(port());
  expect_integration_failure(c.request("GET", "/v1/chaos/reset-before-header", keyed()),
                             internal_error_body);
  EXPECT_TRUE(upstream_.wait_mode_done("reset-before-header", 5s));
  expect_recovered();
}

TEST_F(EdgeChaos, ResetMidHeaderIs504) {
  http_connection c(port());
  expect_integration_failure(c.request("GET", "/v1/chaos/reset-mid-header", keyed()),
                             internal_error_body);
  EXPECT_TRUE(upstream_.wait_mode_done("reset-mid-header", 5s));
  expect_recovered();
}

TEST_F(EdgeChaos, GarbageInsteadOfHttpIs504AndTheConnectionIsClosed) {
  http_connection c(port());
  expect_integration_failure(c.request("GET", "/v1/chaos/garbage", keyed()), internal_error_body);
  EXPECT_EQ(upstream_.wait_mode_done("garbage", 12s), 1)
      << "the gateway kept the connection that sent garbage open";
  expect_recovered();
}

TEST_F(EdgeChaos, ResponseHeaderOver64KiBIs504AndTheConnectionIsClosed) {
  http_connection c(port());
  expect_integration_failure(c.request("GET", "/v1/chaos/huge-header", keyed()),
                             internal_error_body);
  EXPECT_EQ(upstream_.wait_mode_done("huge-header", 12s), 1)
      << "the gateway kept the connection with the oversized header open";
  expect_recovered();
}

TEST_F(EdgeChaos, SilentUpstreamTimesOutWith504AndTheConnectionIsClosed) {
  http_connection c(port(), 10s);
  expect_integration_failure(c.request("GET", "/v1/chaos/silent", keyed()), timed_out_body);
  EXPECT_EQ(upstream_.wait_mode_done("silent", 12s), 1)
      << "the gateway kept the timed-out upstream connection open";
  // The client connection outlives an upstream timeout (the request was complete).
  const auto next = c.request("GET", "/v1/chaos/good", keyed());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  expect_recovered();
}

/// Shared by the two mid-body cuts: the client gets the head and the first
/// body bytes, then the upstream cuts; the only honest signal left is to
/// close the client connection before the announced length.
void expect_cut_mid_body(std::uint16_t port, hostile_upstream& upstream, const std::string& mode) {
  http_connection c(port, 5s);
  ASSERT_TRUE(c.send_request("GET", "/v1/chaos/" + mode, keyed()));
  std::string got = c.read_until(partial_body, 5s);
  ASSERT_NE(got.find(partial_body), std::string::npos) << "the partial response never arrived";
  upstream.release();
  EXPECT_TRUE(c.closed_by_peer(5s)) << "the gateway kept a cut response's connection open";
  got += c.read_some(100ms);
  const std::size_t head_end = got.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << got;
  EXPECT_EQ(got.rfind("HTTP/1.1 200 ", 0), 0u) << got;
  EXPECT_NE(got.find("Content-Length: " + std::to_string(announced_body_bytes)), std::string::npos)
      << got;
  EXPECT_LT(got.size() - head_end - 4, announced_body_bytes) << "more body than the upstream sent";
  EXPECT_TRUE(upstream.wait_mode_done(mode, 5s));
}

TEST_F(EdgeChaos, ResetMidBodyClosesTheClientConnection) {
  expect_cut_mid_body(port(), upstream_, "reset-mid-body");
  expect_recovered();
}

TEST_F(EdgeChaos, CloseMidBodyClosesTheClientConnection) {
  expect_cut_mid_body(port(), upstream_, "close-mid-body");
  expect_recovered();
}

/// Uploads a 512 KiB body in 16 KiB pieces while watching for an answer;
/// returns the response, read once the gateway answered and closed.
std::optional<http_response> upload_until_answered(std::uint16_t port, const std::string& mode) {
  constexpr std::size_t piece_bytes = 16 * 1024;
  constexpr std::size_t pieces = 32;
  http_connection c(port, 5s);
  if (!c.send_raw("POST /v1/chaos/" + mode +
                  " HTTP/1.1\r\nHost: gw\r\nx-api-key: " + std::string(api_key) +
                  "\r\nContent-Length: " + std::to_string(piece_bytes * pieces) + "\r\n\r\n"))
    return std::nullopt;
  const std::string piece(piece_bytes, 'u');
  for (std::size_t i = 0; i < pieces; ++i) {
    // A failed send means the gateway stopped reading: its answer is what
    // is left to read.
    if (!c.send_raw(piece) || c.closed_by_peer(50ms))
      break;
  }
  c.request_method_was("POST");
  return c.read_response();
}

TEST_F(EdgeChaos, EarlyAnswerThenCloseDuringUploadIs504) {
  // The gateway sends the whole request before it reads the response
  // (docs/semantics.md, "Forwarding"), so an upstream that answers and
  // resets mid-upload is an integration failure; nothing reached the client.
  expect_integration_failure(upload_until_answered(port(), "early-413-close"), internal_error_body);
  EXPECT_TRUE(upstream_.wait_mode_done("early-413-close", 5s));
  expect_recovered();
}

TEST_F(EdgeChaos, EarlyAnswerOfAnUpstreamThatDrainsTheUploadIsPassedThrough) {
  const auto r = upload_until_answered(port(), "early-413-drain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);  // the upstream's own status passes through
  EXPECT_EQ(r->body, "too large");
  EXPECT_FALSE(r->has_header("x-amzn-ErrorType"));
  EXPECT_TRUE(upstream_.wait_mode_done("early-413-drain", 5s));
  expect_recovered();
}

}  // namespace
}  // namespace ug::test
