#pragma once
// Gateway responses an API customised (config/responses/gateway_responses), written
// straight into a caller buffer: the head every gateway response has
// (gateway/aws) with the configured status, then the configured headers
// (literal bytes, or a value copied from the request) and the configured body
// (literal segments and context values). Everything was parsed when the
// config was compiled; rendering is appends and lookups, no allocation.
#include <cstddef>
#include <string_view>

#include "config/responses/gateway_responses.hpp"
#include "gateway/aws/aws_responses.hpp"
#include "gateway/aws/byte_writer.hpp"
#include "gateway/net/net.hpp"

namespace ug::gateway {

/// Pure. The AWS gateway response type whose customisation applies to `r`;
/// DEFAULT_4XX / DEFAULT_5XX for the errors no AWS type names (400, 431, 501).
[[nodiscard]] config::gateway_response_type aws_type_of(gateway_response r) noexcept;

/// What a customised response may copy from its request. The views must
/// outlive the call.
struct gateway_response_request {
  std::string_view stage;          ///< $context.stage; "" when no stage matched
  std::string_view resource_path;  ///< matched resource ("/pets/{id}"); "" when none
  std::string_view path;           ///< canonical path below the stage base path ("/pets/7")
  std::string_view query;          ///< the query as sent, without '?'
  std::string_view http_method;    ///< as sent
  std::string_view source_ip;      ///< the client's address
};

/// Thread-safe (pure), never throws, allocates nothing. Renders `custom` as
/// the response to situation `r` and returns the bytes it takes; only when
/// that is at most `capacity_bytes` was it written to `out` (otherwise call
/// again with that much room). `fields`: the request's header fields for
/// method.request.header.* mappings (null: none, as for a request whose head
/// was not read). A mapped value the request does not have, or that would not
/// be a valid header value, leaves its header out.
template <class Fields>
std::size_t write_custom_gateway_response(gateway_response r,
                                          const config::custom_gateway_response& custom,
                                          const gateway_response_context& ctx,
                                          const gateway_response_request& req,
                                          const http::header<true, Fields>* fields, char* out,
                                          std::size_t capacity_bytes) noexcept;
// Defined (and instantiated for http::fields and arena_fields) in the .cpp.

/// Pure. Appends `text` as a JSON string: quoted, with '"', '\' and control
/// characters escaped ($context.error.messageString).
void append_json_string(std::string_view text, byte_writer& w) noexcept;
void append_json_string(std::string_view text, byte_counter& w) noexcept;

}  // namespace ug::gateway
