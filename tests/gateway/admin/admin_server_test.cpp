// The admin dispatcher (no socket) and the admin listener on 127.0.0.1:0:
// /healthz, /readyz, /metrics, POST /reload, 404/405 JSON answers, limits.
#include "gateway/admin/admin_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gateway/admin/admin_routes.hpp"
#include "gateway/telemetry/metrics.hpp"
#include "limiter/key_table.hpp"
#include "tests/support/http_client.hpp"

namespace ug::gateway {
namespace {

admin_response answer(std::string text) {
  admin_response r;
  r.content_type = "text/plain";
  r.body = std::move(text);
  return r;
}

admin_response dispatch(const admin_routes& routes, std::string_view method,
                        std::string_view path) {
  admin_request req;
  req.method = method;
  req.path = path;
  return routes.dispatch(req);
}

TEST(AdminRoutes, UnknownPathIs404Json) {
  admin_routes routes;
  routes.add("GET", "/healthz", [](const admin_request&) { return answer("ok"); });
  const auto r = dispatch(routes, "GET", "/nope");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"message":"no admin endpoint at this path"})");
  EXPECT_EQ(dispatch(routes, "GET", "/healthz/").status, 404u);  // no silent aliasing
}

TEST(AdminRoutes, KnownPathWithOtherMethodIs405WithAllow) {
  admin_routes routes;
  routes.add("GET", "/thing", [](const admin_request&) { return answer("get"); });
  routes.add("DELETE", "/thing", [](const admin_request&) { return answer("delete"); });
  const auto r = dispatch(routes, "POST", "/thing");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.content_type, "application/json");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Allow");
  EXPECT_EQ(r.headers[0].second, "DELETE, GET");
  EXPECT_EQ(dispatch(routes, "DELETE", "/thing").body, "delete");
}

TEST(AdminRoutes, CapturesAndTheMostLiteralPatternWins) {
  admin_routes routes;
  routes.add("GET", "/apikeys/{api_Key}", [](const admin_request& r) {
    return answer("key " + std::string(r.param("api_Key")));
  });
  routes.add("GET", "/apikeys/export", [](const admin_request&) { return answer("export"); });
  routes.add("GET", "/usageplans/{id}/keys/{keyId}", [](const admin_request& r) {
    return answer(std::string(r.param("id")) + "/" + std::string(r.param("keyId")));
  });
  EXPECT_EQ(dispatch(routes, "GET", "/apikeys/abc123").body, "key abc123");
  EXPECT_EQ(dispatch(routes, "GET", "/apikeys/export").body, "export");
  EXPECT_EQ(dispatch(routes, "GET", "/usageplans/p1/keys/k9").body, "p1/k9");
  EXPECT_EQ(dispatch(routes, "GET", "/apikeys/").status, 404u);  // a capture is never empty
}

TEST(AdminRoutes, ReRegisteringReplacesTheHandler) {
  admin_routes routes;
  routes.add("GET", "/x", [](const admin_request&) { return answer("first"); });
  routes.add("GET", "/x", [](const admin_request&) { return answer("second"); });
  EXPECT_EQ(dispatch(routes, "GET", "/x").body, "second");
}

TEST(AdminRoutes, AThrowingHandlerIs500Json) {
  admin_routes routes;
  routes.add("GET", "/boom", [](const admin_request&) -> admin_response {
    throw std::runtime_error("kaput \"quoted\"");
  });
  const auto r = dispatch(routes, "GET", "/boom");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.body, R"({"message":"handler failed: kaput \"quoted\""})");
}

// ---- the listener ----

struct admin_fixture : ::testing::Test {
  std::atomic<bool> ready{false};
  std::atomic<int> reloads{0};
  std::atomic<bool> reload_ok{true};
  metrics m{1};
  std::unique_ptr<admin_server> server;

  void SetUp() override {
    admin_routes routes;
    operations_callbacks cb;
    cb.ready = [this] { return ready.load(); };
    cb.metrics_text = [this] { return m.scrape_text(); };
    cb.reload = [this] {
      reloads.fetch_add(1);
      return reload_ok.load() ? reload_result{true, "config abc loaded"}
                              : reload_result{false, "line 3: \"rateLimit\" must be > 0"};
    };
    add_operations_routes(routes, std::move(cb));
    admin_server_options opts;
    opts.port = 0;
    opts.max_body_bytes = 1024;
    server = std::make_unique<admin_server>(std::move(routes), opts);
    const auto ec = server->start();
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_NE(server->port(), 0);
  }
};

TEST_F(admin_fixture, HealthzIsAlways200) {
  const auto r = test::http_request(server->port(), "GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->body, R"({"status":"ok"})");
}

TEST_F(admin_fixture, ReadyzFollowsThePredicate) {
  auto r = test::http_request(server->port(), "GET", "/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, R"({"status":"not ready"})");
  ready = true;
  r = test::http_request(server->port(), "GET", "/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"status":"ready"})");
}

TEST_F(admin_fixture, MetricsServesTheTextExposition) {
  request_record rec;
  rec.stage = "prod";
  rec.resource = "/chat";
  rec.method = "POST";
  rec.status = 200;
  m.worker(0).record(rec);
  const auto r = test::http_request(server->port(), "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r->body.find("# TYPE usagegate_requests_total counter"), std::string::npos);
  EXPECT_NE(r->body.find(R"(usagegate_requests_total{stage="prod",resource="/chat",method="POST",)"
                         R"(status_class="2xx",outcome="allowed"} 1)"),
            std::string::npos)
      << r->body;
}

TEST_F(admin_fixture, PostReloadInvokesTheCallback) {
  auto r = test::http_request(server->port(), "POST", "/reload");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"status":"ok","message":"config abc loaded"})");
  EXPECT_EQ(reloads.load(), 1);

  reload_ok = false;
  r = test::http_request(server->port(), "POST", "/reload");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(r->body, R"({"status":"failed","error":"line 3: \"rateLimit\" must be > 0"})");
  EXPECT_EQ(reloads.load(), 2);
}

TEST_F(admin_fixture, WrongMethodIs405AndUnknownPathIs404) {
  auto r = test::http_request(server->port(), "GET", "/reload");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("allow"), "POST");
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(reloads.load(), 0);

  r = test::http_request(server->port(), "POST", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("allow"), "GET");

  r = test::http_request(server->port(), "GET", "/admin/secret?x=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->body, R"({"message":"no admin endpoint at this path"})");
}

TEST_F(admin_fixture, KeepAliveServesSeveralRequestsOnOneConnection) {
  test::http_connection c(server->port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    const auto r = c.request("GET", "/healthz?probe=" + std::to_string(i));
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(admin_fixture, OversizedBodyIs413AndTheConnectionCloses) {
  test::http_connection c(server->port());
  ASSERT_TRUE(c.connected());
  const auto r = c.request("POST", "/reload", {}, std::string(4096, 'x'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(5)));
  EXPECT_EQ(reloads.load(), 0);
}

TEST_F(admin_fixture, StopClosesThePort) {
  const auto port = server->port();
  server->stop();
  server->stop();  // idempotent
  test::http_connection c(port, std::chrono::seconds(2));
  EXPECT_FALSE(c.connected() && c.request("GET", "/healthz").has_value());
}

TEST_F(admin_fixture, ABusyPortIsAStartError) {
  admin_server_options opts;
  opts.port = server->port();
  admin_server second(admin_routes{}, opts);
  EXPECT_TRUE(second.start());
  EXPECT_EQ(second.port(), 0);
}

TEST(AdminServer, StartingTwiceOrWithABadAddressFails) {
  admin_server_options opts;
  opts.port = 0;
  admin_server s(admin_routes{}, opts);
  ASSERT_FALSE(s.start());
  EXPECT_TRUE(s.start());

  opts.address = "not-an-ip";
  admin_server bad(admin_routes{}, opts);
  EXPECT_TRUE(bad.start());
}

// ---- connection pressure ----

/// An admin server with only GET /healthz and the given limits.
std::unique_ptr<admin_server> start_health_only(admin_server_options opts) {
  admin_routes routes;
  add_operations_routes(routes, operations_callbacks{});
  opts.port = 0;
  auto s = std::make_unique<admin_server>(std::move(routes), std::move(opts));
  EXPECT_FALSE(s->start());
  return s;
}

TEST(AdminServer, AtTheConnectionLimitANewConnectionClosesTheLongestWaitingOne) {
  admin_server_options opts;
  opts.max_connections = 4;
  opts.idle_timeout_ms = 600'000;  // only the limit can close a connection in this test
  const auto server = start_health_only(opts);
  std::vector<test::http_connection> idle;
  for (int i = 0; i < 4; ++i) {
    idle.emplace_back(server->port());
    ASSERT_TRUE(idle.back().connected()) << i;
  }
  // The kernel hands connections to accept() in order, so the four idle
  // ones are registered before the probe.
  for (int probe = 0; probe < 3; ++probe) {
    const auto r = test::http_request(server->port(), "GET", "/healthz");
    ASSERT_TRUE(r) << probe;
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_TRUE(idle.front().closed_by_peer(std::chrono::seconds(5)));
  // The youngest idle connection was not the one to go.
  const auto r = idle.back().request("GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(AdminServer, SixtyFourIdleConnectionsDoNotStarveHealthChecks) {
  const auto server = start_health_only(admin_server_options{});  // the defaults the gateway uses
  std::vector<test::http_connection> idle;
  for (int i = 0; i < 64; ++i) {
    idle.emplace_back(server->port());
    ASSERT_TRUE(idle.back().connected()) << i;
  }
  for (int probe = 0; probe < 40; ++probe) {
    const auto r = test::http_request(server->port(), "GET", "/healthz");
    ASSERT_TRUE(r) << "probe " << probe;
    EXPECT_EQ(r->status, 200);
  }
}

TEST(AdminServer, AConnectionWithoutACompleteRequestHeaderClosesAtTheIdleTimeout) {
  admin_server_options opts;
  opts.idle_timeout_ms = 100;
  opts.io_timeout_ms = 600'000;  // the idle timeout alone must close them
  const auto server = start_health_only(opts);

  test::http_connection silent(server->port());
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.closed_by_peer(std::chrono::seconds(10)));

  test::http_connection slow(server->port());
  ASSERT_TRUE(slow.send_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));  // never ends
  EXPECT_TRUE(slow.closed_by_peer(std::chrono::seconds(10)));

  test::http_connection kept(server->port());
  const auto r = kept.request("GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(kept.closed_by_peer(std::chrono::seconds(10)));  // idle after its answer
}

// ---- access rules on the wire ----

struct guarded_fixture : ::testing::Test {
  static constexpr const char* token = "0123456789abcdef0123456789abcdef-admin";
  std::atomic<int> reloads{0};
  std::unique_ptr<admin_server> server;

  void SetUp() override {
    admin_routes routes;
    operations_callbacks cb;
    cb.reload = [this] {
      reloads.fetch_add(1);
      return reload_result{true, "reloaded"};
    };
    add_operations_routes(routes, std::move(cb));
    admin_server_options opts;
    opts.port = 0;
    opts.access.bearer_token_sha256 = common::sha256(token);
    server = std::make_unique<admin_server>(std::move(routes), opts);
    ASSERT_FALSE(server->start());
  }

  std::optional<test::http_response> post_reload(test::header_list headers,
                                                 std::string_view body = {}) {
    return test::http_request(server->port(), "POST", "/reload", std::move(headers), body);
  }
  static std::pair<std::string, std::string> bearer() {
    return {"Authorization", std::string("Bearer ") + token};
  }
};

TEST_F(guarded_fixture, WithoutTheTokenOnlyTheProbesAnswer) {
  auto r = post_reload({});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->header("www-authenticate"), R"(Bearer realm="usagegate admin")");
  EXPECT_EQ(r->header("content-type"), "application/json");
  r = test::http_request(server->port(), "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = test::http_request(server->port(), "GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = test::http_request(server->port(), "GET", "/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);  // answered: not ready (no predicate)
  EXPECT_EQ(reloads.load(), 0);
}

TEST_F(guarded_fixture, TheTokenOpensTheRoutes) {
  const auto r = post_reload({bearer()});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(reloads.load(), 1);
}

TEST_F(guarded_fixture, BrowserShapedMutationsAreRefusedEvenWithTheToken) {
  auto r = post_reload({bearer(), {"Content-Type", "text/plain"}}, "reload please");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("application/json"), std::string::npos) << r->body;
  r = post_reload({bearer(), {"Origin", "http://attacker.example"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("cross-origin"), std::string::npos) << r->body;
  EXPECT_EQ(reloads.load(), 0);
  r = post_reload({bearer(), {"Content-Type", "application/json"}}, "{}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(reloads.load(), 1);
}

TEST_F(admin_fixture, AReboundHostNameCannotReload) {
  const auto r =
      test::http_request(server->port(), "POST", "/reload",
                         {{"Host", "attacker.example:" + std::to_string(server->port())}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("DNS-rebinding"), std::string::npos) << r->body;
  EXPECT_EQ(reloads.load(), 0);
}

TEST(AdminServer, UnsetCallbacksAreSafe) {
  admin_routes routes;
  add_operations_routes(routes, operations_callbacks{});
  admin_server_options opts;
  opts.port = 0;
  admin_server s(std::move(routes), opts);
  ASSERT_FALSE(s.start());
  auto r = test::http_request(s.port(), "GET", "/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  r = test::http_request(s.port(), "POST", "/reload");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 501);
  r = test::http_request(s.port(), "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.empty());
}

}  // namespace
}  // namespace ug::gateway
