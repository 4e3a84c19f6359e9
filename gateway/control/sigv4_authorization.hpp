#pragma once
// The Authorization header of a SigV4 request, split as AWS splits it:
//   AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/apigateway/aws4_request,
//   SignedHeaders=host;x-amz-date, Signature=<64 hex digits>
// The first token is the algorithm; the rest are key=value components
// separated by commas and/or whitespace (AWS accepts either).
#include <optional>
#include <string_view>

#include "gateway/control/sigv4_refusal.hpp"

namespace ug::gateway::control {

/// Views into the header the parse read; empty: the component is absent (or empty).
struct sigv4_authorization {
  std::string_view algorithm;       ///< the first token, e.g. "AWS4-HMAC-SHA256"
  std::string_view credential;      ///< "AKID/20150830/us-east-1/apigateway/aws4_request"
  std::string_view signed_headers;  ///< "host;x-amz-date", as sent
  std::string_view signature;       ///< hex, as sent
};

/// Pure, thread-safe. Splits `header` into `out`. A component without '='
/// returns AWS's IncompleteSignatureException refusal ("'x' not a valid
/// key=value pair (missing equal-sign) in Authorization header: '...'.");
/// components of other names are ignored, the first of a repeated name wins.
[[nodiscard]] std::optional<sigv4_refusal> parse_sigv4_authorization(std::string_view header,
                                                                     sigv4_authorization& out);

/// The five slash-separated parts of the Credential component.
struct sigv4_credential_scope {
  std::string_view access_key_id;
  std::string_view date;        ///< YYYYMMDD
  std::string_view region;      ///< e.g. "us-east-1"
  std::string_view service;     ///< "apigateway"
  std::string_view terminator;  ///< "aws4_request"
};

/// Pure, thread-safe, never throws. The parts of `credential` (trailing
/// slashes ignored, as AWS does); nullopt unless there are exactly five.
[[nodiscard]] std::optional<sigv4_credential_scope> split_credential(
    std::string_view credential) noexcept;

}  // namespace ug::gateway::control
