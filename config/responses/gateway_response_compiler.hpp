#pragma once
// Internal to config/: the small grammars of a GatewayResponse, each turning
// the text a user wrote into the compiled parts of config/gateway_responses
// or into the reason it cannot be served. The validator calls them for the
// errors, gateway_response_table::compile for the parts (on text the
// validator accepted).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/responses/gateway_responses.hpp"

namespace ug::config::detail {

/// The members of responseParameters: "gatewayresponse.header.<name>".
inline constexpr std::string_view response_header_prefix = "gatewayresponse.header.";

/// statusCode as AWS prints it ("429"), or a whole number. Sets `problem`
/// and returns nullopt unless it is a status a gateway response can have.
/// Thread-safe.
[[nodiscard]] std::optional<unsigned> parse_response_status(std::string_view text,
                                                            std::string& problem);
/// Same for a JSON integer.
[[nodiscard]] std::optional<unsigned> check_response_status(std::int64_t value,
                                                            std::string& problem);

/// Why `name` (after "gatewayresponse.header.") cannot be a header of a
/// gateway response: not a header name, or one usagegate always writes
/// itself. "" if it can. Thread-safe.
[[nodiscard]] std::string response_header_name_problem(std::string_view name);

/// A responseParameters value: 'literal', method.request.header.<name>,
/// method.request.querystring.<name>, method.request.path.<name> or
/// context.<variable> (context.apiId becomes the literal `api_id`). Sets
/// `problem` and returns nullopt for anything else. Thread-safe.
[[nodiscard]] std::optional<response_part> compile_header_mapping(std::string_view expression,
                                                                  std::string_view api_id,
                                                                  std::string& problem);

/// A responseTemplates body: `$context.<variable>` and `${context.<variable>}`
/// become context parts ($context.apiId the literal `api_id`), everything
/// else is literal; `$stageVariables`, `$input`, `$util` and `$method`
/// references cannot be evaluated. Adjacent literals are merged. Sets
/// `problem` and returns nullopt on a reference it cannot fill. Thread-safe.
[[nodiscard]] std::optional<std::vector<response_part>> compile_response_template(
    std::string_view text, std::string_view api_id, std::string& problem);

/// "requestId, extendedRequestId, ..." for error messages. Thread-safe.
[[nodiscard]] std::string supported_context_variables();

}  // namespace ug::config::detail
