#pragma once
// The API Gateway shapes the reads answer with, written with the model's
// wire names, from the objects of the config document. What the document
// does not hold (a file key's created date, deployments) is left out rather
// than invented; docs/control-plane.md lists each such member.
#include "config/document/document.hpp"
#include "gateway/control/json_writer.hpp"

namespace ug::gateway::control {

/// Whether a shape that may carry a key value writes it.
enum class key_value { omit, include };

/// ApiKey {id, value, name, customerId, description, enabled, createdDate,
/// lastUpdatedDate (when known), tags (when any), stageKeys}.
/// `value` only with key_value::include and only for a key the file gives
/// by `value`: a `valueSha256` key has no value to return.
void write_api_key(json_writer& w, const config::api_key& key, key_value value);

/// Whether an empty `tags` map is written ({} as GetUsagePlan does; the list
/// items of GetUsagePlans leave it out).
enum class empty_tags { omit, write };

/// UsagePlan {id, name, description, apiStages, throttle, quota, productCode, tags}.
void write_usage_plan(json_writer& w, const config::usage_plan& plan, empty_tags tags);

/// UsagePlanKey {id, type, value, name}: the key's own id, "API_KEY", its
/// value (AWS always includes it; left out for a valueSha256 key) and name.
void write_usage_plan_key(json_writer& w, const config::api_key& key);

/// RestApi {id, name, description and createdDate (when known),
/// apiKeySource, endpointConfiguration, disableExecuteApiEndpoint,
/// rootResourceId, tags (when any)}.
void write_rest_api(json_writer& w, const config::rest_api& api);

/// Resource {id, parentId, pathPart, path, resourceMethods}; parentId and
/// pathPart are derived from `path` and the API's other resources.
void write_resource(json_writer& w, const config::rest_api& api, const config::resource& r);

/// Method {httpMethod, authorizationType, apiKeyRequired, methodIntegration
/// (when it has one; `resource_id` is its cacheNamespace)}.
void write_method(json_writer& w, const config::method& m, std::string_view resource_id = {});

/// Integration {type, httpMethod, uri, connectionType, passthroughBehavior,
/// timeoutInMillis, cacheNamespace (the resource id), cacheKeyParameters}.
void write_integration(json_writer& w, const config::integration& in, std::string_view resource_id);

/// Deployment {id, description (when any), createdDate}.
void write_deployment(json_writer& w, const config::deployment& d);

/// Stage {stageName, deploymentId, description, createdDate and
/// lastUpdatedDate (when known), methodSettings, cacheClusterEnabled,
/// cacheClusterStatus, tracingEnabled}.
void write_stage(json_writer& w, const config::stage& s);

/// Account {throttleSettings (only when gateway.accountThrottle is set),
/// features ["UsagePlans"], apiKeyVersion "4"}.
void write_account(json_writer& w, const config::document& doc);

}  // namespace ug::gateway::control
