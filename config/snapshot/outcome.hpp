#pragma once
// How a request ended. The one enum for it: compiled_config::decide() returns
// it, and the gateway's metrics and access log label requests with it (the
// label names are gateway/telemetry/metrics_labels.hpp's outcome_name), so a
// decision reaches the label without a second enum to map it onto.
#include <cstddef>
#include <cstdint>

namespace ug::config {

/// Every decision, plus upstream_error: the label needs that one ending as
/// well, and it is an outcome of the same request, so it is a member here
/// rather than a telemetry enum that restates the decisions. The order is the
/// order of the metric series.
enum class outcome : std::uint8_t {
  forward,             ///< admitted: send to the stage's upstream
  throttled,           ///< 429 Too Many Requests (a token bucket refused)
  quota_exceeded,      ///< 429 Limit Exceeded (the usage-plan quota refused)
  forbidden,           ///< 403 Forbidden (key missing/unknown/disabled/not in a plan for the stage)
  missing_auth_token,  ///< 403 Missing Authentication Token (no route)
  /// Never from decide(): a forwarded request the gateway ended with its own
  /// 5xx (the upstream refused, reset or timed out).
  upstream_error,
  /// 400: ".." climbed out of the stage's base path (or of every stage), or a
  /// case variant of a resource or base path (route_table::case_conflict).
  /// The gateway also ends with it a request it could not read (400/413/431)
  /// before decide() saw it.
  bad_request,
};
inline constexpr std::size_t outcome_count = static_cast<std::size_t>(outcome::bad_request) + 1;

}  // namespace ug::config
