#pragma once
// Gateway responses as AWS lets an API customise them (GatewayResponse:
// responseType, statusCode, responseParameters, responseTemplates), compiled
// once per REST API into a table the network layer renders from without
// parsing anything: per response type the status, the headers (literal bytes,
// or which request value to copy) and the body template already split into
// literal segments and context variables (docs/semantics.md, "Gateway
// responses").
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ug::config {

struct rest_api;

/// AWS's gateway response types, in the order AWS lists them.
enum class gateway_response_type : std::uint8_t {
  access_denied,
  api_configuration_error,
  authorizer_configuration_error,
  authorizer_failure,
  bad_request_body,
  bad_request_parameters,
  default_4xx,
  default_5xx,
  expired_token,
  integration_failure,
  integration_timeout,
  invalid_api_key,
  invalid_signature,
  missing_authentication_token,
  quota_exceeded,
  request_too_large,
  resource_not_found,
  throttled,
  unauthorized,
  unsupported_media_type,
  waf_filtered,
};
inline constexpr std::size_t gateway_response_type_count = 21;

/// Pure, thread-safe. AWS's name ("THROTTLED").
[[nodiscard]] std::string_view aws_name(gateway_response_type t) noexcept;
/// Pure, thread-safe. Every type's name, in enum order.
[[nodiscard]] std::span<const std::string_view> gateway_response_type_names() noexcept;
/// Pure, thread-safe. The type AWS names `name` (exactly, upper case).
[[nodiscard]] std::optional<gateway_response_type> gateway_response_type_named(
    std::string_view name) noexcept;
/// Pure, thread-safe. AWS's default status code of `t` (429 for THROTTLED);
/// 0 for DEFAULT_4XX and DEFAULT_5XX, which have none of their own.
[[nodiscard]] unsigned default_status(gateway_response_type t) noexcept;

/// Where one value of a customised response comes from.
enum class response_value : std::uint8_t {
  literal,               ///< `text` itself
  request_header,        ///< method.request.header.<text>: the last field of that name
  query_parameter,       ///< method.request.querystring.<text>: the last one, percent-decoded
  path_parameter,        ///< method.request.path.<text>: of the matched resource, percent-decoded
  request_id,            ///< $context.requestId (the x-amzn-RequestId sent)
  extended_request_id,   ///< $context.extendedRequestId (the x-amz-apigw-id sent)
  stage,                 ///< $context.stage ("" when no stage matched)
  resource_path,         ///< $context.resourcePath: "/pets/{id}", "" when no resource matched
  http_method,           ///< $context.httpMethod, as sent
  source_ip,             ///< $context.identity.sourceIp: the client's address
  error_message,         ///< $context.error.message ("Too Many Requests")
  error_message_string,  ///< $context.error.messageString: the message as a JSON string
  error_response_type,   ///< $context.error.responseType ("THROTTLED")
};

struct response_part {
  response_value source = response_value::literal;
  std::string text;  ///< the literal bytes, or the header / parameter name
};

struct response_header {
  std::string name;  ///< "Access-Control-Allow-Origin"
  response_part value;
  /// Content-Type: sent in place of the built-in "application/json" (which
  /// stays when the value is absent for a request).
  bool is_content_type = false;
};

/// What one gateway response type sends once customised.
struct custom_gateway_response {
  unsigned status = 0;  ///< statusCode; 0: the built-in status of the situation
  std::vector<response_header> headers;
  bool has_body = false;               ///< false: the built-in body
  std::vector<response_part> body;     ///< literal segments and context values, never empty parts
  bool replaces_content_type = false;  ///< one of `headers` is Content-Type
};

/// The customised gateway responses of one REST API, with AWS's fallback
/// resolved: a type's own customisation, else DEFAULT_4XX's or DEFAULT_5XX's
/// (by the class of the type's default status), else none (the built-in
/// response). Immutable once compiled.
class gateway_response_table {
 public:
  /// Not thread-safe: the control thread, while compiling a snapshot. The
  /// table for `api`, which must have passed validation; nullptr when `api`
  /// customises no response (entries with defaultResponse true are AWS's
  /// own defaults and customise nothing).
  [[nodiscard]] static std::unique_ptr<const gateway_response_table> compile(const rest_api& api);

  /// Thread-safe (const), allocates nothing, never throws. What type `t`
  /// sends; nullptr: the built-in response.
  [[nodiscard]] const custom_gateway_response* find(gateway_response_type t) const noexcept {
    const std::uint8_t index = resolved_[static_cast<std::size_t>(t)];
    return index == none ? nullptr : &responses_[index];
  }

 private:
  static constexpr std::uint8_t none = UINT8_MAX;
  gateway_response_table() { resolved_.fill(none); }

  std::vector<custom_gateway_response> responses_;  ///< at most one per type
  std::array<std::uint8_t, gateway_response_type_count> resolved_{};
};

}  // namespace ug::config
