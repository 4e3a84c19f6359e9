#pragma once
// What the gateway-response tests render with and compare against: one fixed
// context (date, request id, apigw id), so that whole responses compare byte
// for byte, and the built-in response to a situation as a string.
// Header-only.
#include <array>
#include <cstddef>
#include <string>

#include "gateway/aws/aws_responses.hpp"

namespace ug::test {

/// A fixed date, request id and apigw id.
inline gateway::gateway_response_context base_context() {
  gateway::gateway_response_context ctx;
  ctx.date = "Tue, 05 Mar 2024 12:00:00 GMT";
  ctx.request_id = "11111111-2222-4333-8444-555555555555";
  ctx.apigw_id = "LLCm7FonFiAFXFg=";
  return ctx;
}

/// The built-in (not customised) response to `r`.
inline std::string builtin_response(gateway::gateway_response r,
                                    const gateway::gateway_response_context& ctx = base_context()) {
  std::array<char, gateway::max_gateway_response_bytes> buf{};
  const std::size_t n = gateway::write_gateway_response(r, ctx, buf.data(), buf.size());
  return std::string(buf.data(), n);
}

}  // namespace ug::test
