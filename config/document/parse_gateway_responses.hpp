#pragma once
// Internal to config/: restApis[].gatewayResponses, read the way
// `aws apigateway get-gateway-responses` prints it ({"items": [...]}), as a
// plain array, or from a file naming either. Checks each entry on its own
// (config/validate_gateway_responses checks them against each other and the
// API's resources).
#include <vector>

#include <simdjson.h>

#include "config/document/document.hpp"
#include "config/json/diagnostics.hpp"
#include "config/json/json_reader.hpp"

namespace ug::config::detail {

/// Appends the entries of `v` that name a known response type to
/// `api.gateway_responses`, and where each was read to `where` (parallel).
/// Errors go to the reader. Not thread-safe (uses `reader`).
void read_gateway_responses(json_reader& reader, simdjson::dom::element v, rest_api& api,
                            std::vector<location>& where);

}  // namespace ug::config::detail
