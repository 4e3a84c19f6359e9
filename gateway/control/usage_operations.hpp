#pragma once
// AWS GetUsage and UpdateUsage (docs/control-plane.md, "GetUsage and
// UpdateUsage"): requests parsed and checked here, with AWS's texts where
// they are known; the numbers come from a usage_access, which reads and sets
// the running gateway's counts. Keys, plans and their quotas come from the
// snapshot's document, like every other read.
#include <cstdint>
#include <string_view>

#include "gateway/control/operations.hpp"
#include "gateway/control/usage_access.hpp"

namespace ug::gateway::control {

/// The longest GetUsage range, startDate and endDate included.
inline constexpr std::int64_t max_usage_days = 90;
/// The largest remaining quota UpdateUsage accepts (what the quota counter holds).
inline constexpr std::int64_t max_remaining = (std::int64_t{1} << 39) - 1;

/// GET /usageplans/{usageplanId}/usage?startDate=&endDate=[&keyId=][&position=][&limit=]:
/// 200 {"usagePlanId", "startDate", "endDate", "values": {keyId: [[used,
/// remaining], ...]}, "position"?}, paged over the plan's keys in file order.
/// Thread-safe as `usage` is (the control plane's thread).
[[nodiscard]] control_response get_usage(const operation_context& c, usage_access& usage);

/// PATCH /usageplans/{usageplanId}/keys/{keyId}/usage with `body`
/// {"patchOperations": [{"op": "replace", "path": "/remaining", "value": "50"}]}:
/// sets the key's remaining quota of the current period, then answers 200
/// with the Usage of that key over the period's days so far. Thread-safe as
/// `usage` is.
[[nodiscard]] control_response update_usage(const operation_context& c, usage_access& usage,
                                            std::string_view body);

/// GetUsage or UpdateUsage (c.route.operation) when the gateway keeps no
/// durable usage (no gateway.stateDirectory): 404 for an unknown plan, as
/// always, else 400 saying what to set. Thread-safe.
[[nodiscard]] control_response usage_without_state_directory(const operation_context& c);

}  // namespace ug::gateway::control
