#pragma once
// The checks that need more than one object: unique ids and key values,
// references between plans, keys, APIs and stages, AWS's one-plan-per-stage
// rule for a key, quota offsets under the chosen offset meaning, and the
// gateway.stages <-> AWS stage linking (which fills each stage's upstream and
// base path), and an API's gateway responses (one per type, path parameters
// its resources have). Every error is collected.
#include <cstddef>
#include <string>
#include <unordered_map>

#include "config/document/document_parser.hpp"
#include "config/json/diagnostics.hpp"

namespace ug::config::detail {

/// "<restApiId>/<stageName>" -> index in document::stages (named stages only).
using stage_index = std::unordered_map<std::string, std::size_t>;

/// REST APIs, resources, stages, gateway.stages linking, base paths. Fills
/// `stages` for validate_plans. Not thread-safe.
void validate_apis(parsed_document& parsed, diagnostics& diag, stage_index& stages);

/// Usage plans, quota offsets, API keys, usage plan keys. Not thread-safe.
void validate_plans(const parsed_document& parsed, diagnostics& diag, const stage_index& stages);

/// restApis[].gatewayResponses against each other and their API's resources
/// (each entry alone was checked while parsing). Not thread-safe.
void validate_gateway_responses(const parsed_document& parsed, diagnostics& diag);

/// All of the above. Not thread-safe.
inline void validate(parsed_document& parsed, diagnostics& diag) {
  stage_index stages;
  validate_apis(parsed, diag, stages);
  validate_plans(parsed, diag, stages);
  validate_gateway_responses(parsed, diag);
}

}  // namespace ug::config::detail
