#pragma once
// AWS Signature Version 4 verification for the control plane: when
// gateway.admin.credentials is set, a request is accepted only if it carries
// a valid SigV4 Authorization header for that access key id and secret, as the
// AWS CLI, boto3 and the AWS SDK for JavaScript sign it. A pure component: the
// caller hands it the request as received and the clock reading; it answers
// valid, or the refusal AWS sends (docs/sigv4.md: what is checked, in which
// order, and what is not supported).
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/control/sigv4_refusal.hpp"
#include "gateway/control/sigv4_request.hpp"

namespace ug::gateway::control {

/// The one key pair the control plane accepts.
struct sigv4_credentials {
  std::string access_key_id;
  std::string secret_access_key;  ///< never logged, never in a refusal message
};

class sigv4_verifier {
 public:
  /// AWS's limit on the distance between X-Amz-Date and the server's clock, either way.
  static constexpr std::int64_t max_clock_skew_s = 15 * 60;

  /// `service`: the signing name the credential scope must carry ("apigateway").
  sigv4_verifier(sigv4_credentials credentials, std::string service);
  ~sigv4_verifier();
  // One copy of the secret, wiped on destruction: no copies or moves.
  sigv4_verifier(const sigv4_verifier&) = delete;
  sigv4_verifier& operator=(const sigv4_verifier&) = delete;

  /// Thread-safe (const, no mutable state). `now_utc_ns`: the request's clock
  /// reading, UTC nanoseconds since the Unix epoch. Off the data plane's hot
  /// path: it allocates (the canonical request), and throws only std::bad_alloc.
  [[nodiscard]] sigv4_verdict verify(const sigv4_request& request, std::int64_t now_utc_ns) const;

 private:
  sigv4_credentials credentials_;
  std::string service_;
};

}  // namespace ug::gateway::control
