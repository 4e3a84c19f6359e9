// End to end with a real Prometheus server (/usr/bin/prometheus, Debian
// package "prometheus"): it scrapes the in-process admin listener every
// second, and its HTTP query API must return the counters we incremented.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "gateway/admin/admin_server.hpp"
#include "gateway/telemetry/metrics.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::gateway {
namespace {

using namespace std::chrono_literals;

constexpr const char* prometheus_binary = "/usr/bin/prometheus";

/// A TCP port that was free a moment ago on 127.0.0.1 (the kernel's pick).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  // POSIX socket calls take sockaddr*; there is no cast-free spelling.
  auto* sa = reinterpret_cast<sockaddr*>(&addr);  // NOLINT
  std::uint16_t port = 0;
  if (::bind(fd, sa, sizeof addr) == 0 && ::getsockname(fd, sa, &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

/// The single sample value of an instant query, if Prometheus has one.
std::optional<std::string> query_value(std::uint16_t port, const std::string& encoded_query) {
  const auto r = test::http_request(port, "GET", "/api/v1/query?query=" + encoded_query);
  if (!r || r->status != 200)
    return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(r->body).get(doc) != simdjson::SUCCESS)
    return std::nullopt;
  simdjson::dom::array result;
  if (doc["data"]["result"].get(result) != simdjson::SUCCESS || result.size() != 1) {
    return std::nullopt;
  }
  std::string_view v;
  if (result.at(0)["value"].at(1).get(v) != simdjson::SUCCESS)
    return std::nullopt;
  return std::string(v);
}

/// Polls until the query returns `want` or the deadline passes.
bool wait_for_value(std::uint16_t port, const std::string& encoded_query, const std::string& want,
                    std::chrono::steady_clock::time_point deadline, std::string& last) {
  while (std::chrono::steady_clock::now() < deadline) {
    if (const auto v = query_value(port, encoded_query)) {
      last = *v;
      if (*v == want)
        return true;
    }
    std::this_thread::sleep_for(250ms);  // integration polling, bounded by `deadline`
  }
  return false;
}

TEST(PrometheusScrape, ARealPrometheusScrapesTheAdminListener) {
  ASSERT_TRUE(std::filesystem::exists(prometheus_binary))
      << "install the Debian package 'prometheus' (scripts/install-deps)";

  metrics m(1);
  request_record rec;
  rec.stage = "scrape-test";
  rec.resource = "/chat";
  rec.method = "POST";
  rec.status = 200;
  rec.duration_ns = 5'000'000;
  for (int i = 0; i < 3; ++i)
    m.worker(0).record(rec);  // this thread is worker 0's owner

  admin_routes routes;
  operations_callbacks cb;
  cb.ready = [] { return true; };
  cb.metrics_text = [&m] { return m.scrape_text(); };
  add_operations_routes(routes, std::move(cb));
  admin_server_options opts;
  opts.port = 0;
  admin_server admin(std::move(routes), opts);
  ASSERT_FALSE(admin.start());

  test::temp_dir dir;
  const auto config = dir.write("prometheus.yml",
                                "global:\n"
                                "  scrape_interval: 1s\n"
                                "  scrape_timeout: 1s\n"
                                "scrape_configs:\n"
                                "  - job_name: usagegate\n"
                                "    static_configs:\n"
                                "      - targets: ['127.0.0.1:" +
                                    std::to_string(admin.port()) + "']\n");
  const std::uint16_t prom_port = free_port();
  ASSERT_NE(prom_port, 0);

  const auto deadline = std::chrono::steady_clock::now() + 30s;
  test::child_process prom({prometheus_binary, "--config.file=" + config.string(),
                            "--storage.tsdb.path=" + (dir.path() / "tsdb").string(),
                            "--web.listen-address=127.0.0.1:" + std::to_string(prom_port),
                            "--log.level=info"});
  static const std::regex ready_line("Server is ready to receive web requests");
  ASSERT_FALSE(prom.wait_for_line(ready_line, 30s).empty()) << "prometheus did not start:\n"
                                                            << prom.output();

  // usagegate_requests_total{stage="scrape-test"}
  const std::string query = "usagegate_requests_total%7Bstage%3D%22scrape-test%22%7D";
  std::string last;
  EXPECT_TRUE(wait_for_value(prom_port, query, "3", deadline, last))
      << "last value: " << last << "\n"
      << prom.output();

  // A later increment shows up at a later scrape: the target is scraped live.
  m.worker(0).record(rec);
  EXPECT_TRUE(wait_for_value(prom_port, query, "4", deadline + 10s, last))
      << "last value: " << last << "\n"
      << prom.output();
  std::string up;
  EXPECT_TRUE(wait_for_value(prom_port, "up%7Bjob%3D%22usagegate%22%7D", "1", deadline + 10s, up))
      << up;

  prom.send_signal(SIGTERM);
  const auto code = prom.wait_exit(15s);
  EXPECT_TRUE(code.has_value()) << "prometheus ignored SIGTERM";
  if (code) {
    EXPECT_EQ(*code, 0) << prom.output();
  }
  admin.stop();
}

}  // namespace
}  // namespace ug::gateway
