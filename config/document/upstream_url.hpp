#pragma once
// Upstream URLs of the form http://host:port[/base]: the only form the
// gateway forwards to (plain HTTP/1.1; TLS to the upstream is not built yet).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ug::config::detail {

struct upstream_address {
  std::string host;  ///< "127.0.0.1", "llm.internal", "::1" (no brackets)
  std::uint16_t port = 80;
  std::string base_path;  ///< "" or "/base" (no trailing slash)
};

/// Parses `url`; on failure sets `problem` to a sentence. Thread-safe.
[[nodiscard]] std::optional<upstream_address> parse_upstream_url(std::string_view url,
                                                                 std::string& problem);

/// An integration's uri: where the method's requests go and the path they
/// are sent to, with the resource's path parameters in braces.
struct integration_address {
  upstream_address origin;    ///< host and port; base_path ""
  std::string path_template;  ///< "/v1/{proxy}"; "/" when the uri has no path
};

/// Parses an integration uri, http://host:port[/path with {name}s]; on
/// failure sets `problem` to a sentence. Thread-safe.
[[nodiscard]] std::optional<integration_address> parse_integration_uri(std::string_view uri,
                                                                       std::string& problem);

/// Why `path_template` names a parameter that `resource_path` ("/pets/{id}",
/// "/{proxy+}") does not capture; "" when every name is captured. Thread-safe.
[[nodiscard]] std::string integration_path_problem(std::string_view path_template,
                                                   std::string_view resource_path);

}  // namespace ug::config::detail
