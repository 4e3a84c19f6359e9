#pragma once
// One AWS object of a document back to the JSON the parser reads (the
// control plane stores each object it creates this way, one per row, and
// loads them as a config overlay). Compact (no whitespace), member names as
// in the file, so that parsing what is written gives the object back.
#include <span>
#include <string>

#include "config/document/document.hpp"

namespace ug::config {

/// {"id", "name", "value" or "valueSha256" (lower-case hex), "enabled",
/// "customerId", "description", "createdDate", "lastUpdatedDate" (seconds
/// since the epoch), "tags"}; empty or unset optional members are left out.
/// Thread-safe (pure).
[[nodiscard]] std::string api_key_json(const api_key& key);

/// {"id", "name", "description", "apiStages" [{"apiId", "stage",
/// "throttle" {"/path/METHOD": {"burstLimit", "rateLimit"}}}], "throttle",
/// "quota" {"limit", "offset", "period"}, "productCode", "tags"}; empty or
/// unset optional members are left out. Rates are written as the shortest
/// text that reads back as the same double (a rate that is not finite, which
/// the parser never produces, is written as null so that it cannot be read
/// back as something else). Thread-safe (pure).
[[nodiscard]] std::string usage_plan_json(const usage_plan& plan);

/// {"id", "name", "description", "createdDate", "apiKeySource", "tags",
/// "resources" [{"id", "path", "resourceMethods" {"GET": {"httpMethod",
/// "authorizationType", "apiKeyRequired", "methodIntegration" {"type",
/// "httpMethod", "uri"}}}}], "deployments" [{"id", "description",
/// "createdDate", "resources"}], "stages" [{"stageName", "description",
/// "deploymentId", "tracingEnabled", "createdDate", "lastUpdatedDate",
/// "methodSettings"}]} with `stages` the API's (document::stages keeps them
/// apart); empty or unset optional members are left out. Gateway responses
/// and the stages' gateway.stages entries are not written: the control plane
/// creates neither. Thread-safe (pure).
/// {"cloudwatchRoleArn"} (left out when empty). Thread-safe (pure).
[[nodiscard]] std::string account_json(const account_settings& account);

[[nodiscard]] std::string rest_api_json(const rest_api& api, std::span<const stage> stages = {});

}  // namespace ug::config
