#include "gateway/control/sigv4_refusal.hpp"

namespace ug::gateway::control {

std::string_view sigv4_error_type(sigv4_error error) noexcept {
  switch (error) {
    case sigv4_error::missing_authentication_token:
      return "MissingAuthenticationTokenException";
    case sigv4_error::incomplete_signature:
      return "IncompleteSignatureException";
    case sigv4_error::invalid_signature:
      return "InvalidSignatureException";
    case sigv4_error::unrecognized_client:
      return "UnrecognizedClientException";
  }
  return "InvalidSignatureException";
}

}  // namespace ug::gateway::control
