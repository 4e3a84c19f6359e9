#pragma once
// Which API Gateway operation a request names: AWS's rest-json binding of
// every operation of the management API (method + requestUri template such
// as "/usageplans/{usageplanId}/keys/{keyId}", the model's own spelling), and
// the path parameters taken from the request. "?mode=import" in a template
// is a query member the request must carry (ImportApiKeys is
// POST /apikeys?mode=import, CreateApiKey is POST /apikeys).
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/control/query_string.hpp"

namespace ug::gateway::control {

struct operation_spec {
  std::string_view method;       ///< "GET"
  std::string_view request_uri;  ///< "/apikeys/{api_Key}"
  std::string_view name;         ///< "GetApiKey"
};

/// Pure. Every operation of the API Gateway (v1) management API, ordered by
/// requestUri.
[[nodiscard]] std::span<const operation_spec> api_gateway_operations() noexcept;

struct route_match {
  std::string_view operation;  ///< operation_spec::name
  /// Template parameter name -> decoded value, in template order.
  std::vector<std::pair<std::string_view, std::string>> params;

  /// The decoded parameter `name`; "" when the template has none by that name.
  [[nodiscard]] std::string_view param(std::string_view name) const noexcept;
};

enum class route_failure {
  no_operation,  ///< no template matches method and path
  bad_encoding,  ///< a path segment has a malformed %XX
};

struct route_result {
  std::optional<route_match> match;
  route_failure failure = route_failure::no_operation;  ///< when !match
};

/// Pure. The operation `method` and `raw_path` (percent-encoded, no query)
/// name. Segments match literally or fill a "{name}" (one non-empty
/// segment, decoded after splitting, so "%2F" stays inside its parameter); a
/// trailing '/' is a segment of its own and matches nothing.
[[nodiscard]] route_result route(std::string_view method, std::string_view raw_path,
                                 const query_params& query);

}  // namespace ug::gateway::control
