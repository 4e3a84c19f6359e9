#pragma once
// The admin listener of a running usagegate, as integration tests use it:
// its port (from the start-up banner) and single samples of /metrics, for
// tests that check a gauge goes back to where it was.
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {

/// The port of "usagegate: admin on http://127.0.0.1:N"; throws if the
/// banner line does not come.
inline std::uint16_t admin_port_of(usagegate_process& g) {
  static const std::regex admin_line(R"(^usagegate: admin on http://127\.0\.0\.1:[0-9]+$)");
  const std::uint16_t port = port_from_line(g.proc.wait_for_line(admin_line, banner_timeout));
  if (port == 0)
    throw std::runtime_error("no admin banner line:\n" + g.proc.output());
  return port;
}

/// The value of the sample line `series` (written exactly as the text
/// format prints it, labels included) in a /metrics text; nullopt if absent.
inline std::optional<double> metric_sample(const std::string& text, std::string_view series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

/// GET /metrics on the admin port and one sample of it; nullopt if the
/// scrape fails or the series is absent.
inline std::optional<double> scrape_metric(std::uint16_t admin_port, std::string_view series) {
  const auto r = http_request(admin_port, "GET", "/metrics");
  if (!r || r->status != 200)
    return std::nullopt;
  return metric_sample(r->body, series);
}

}  // namespace ug::test
