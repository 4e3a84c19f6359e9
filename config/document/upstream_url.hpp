#pragma once
// Upstream URLs of the form http://host:port[/base]: the only form the
// gateway forwards to (plain HTTP/1.1; TLS to the upstream is not built yet).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ug::config::detail {

struct upstream_address {
  std::string host;  ///< "127.0.0.1", "llm.internal", "::1" (no brackets)
  std::uint16_t port = 80;
  std::string base_path;  ///< "" or "/base" (no trailing slash)
};

/// Parses `url`; on failure sets `problem` to a sentence. Thread-safe.
[[nodiscard]] std::optional<upstream_address> parse_upstream_url(std::string_view url,
                                                                 std::string& problem);

}  // namespace ug::config::detail
