#pragma once
// Requests the SigV4 tests own (strings, not views) and a signer built from
// the verifier's own steps, for the refusals that need a valid signature
// before the check they exercise. The signer is never the oracle: the AWS
// test-suite vectors and botocore's vectors are.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/sha256.hpp"
#include "gateway/control/sigv4_canonical_request.hpp"
#include "gateway/control/sigv4_request.hpp"
#include "gateway/control/sigv4_signing.hpp"

namespace ug::gateway::control::testing {

struct owned_request {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// Views into this object: valid while it lives unchanged.
  [[nodiscard]] sigv4_request view() {
    views_.clear();
    for (const auto& [name, value] : headers) {
      views_.push_back(sigv4_header{name, value});
    }
    return sigv4_request{method, target, views_, common::sha256(body)};
  }

  void set_header(std::string_view name, std::string value) {
    for (auto& [existing, old_value] : headers) {
      if (equals_ignoring_case(existing, name)) {
        old_value = std::move(value);
        return;
      }
    }
    headers.emplace_back(std::string(name), std::move(value));
  }

  void remove_header(std::string_view name) {
    std::erase_if(headers,
                  [&](const auto& header) { return equals_ignoring_case(header.first, name); });
  }

  [[nodiscard]] std::string header(std::string_view name) const {
    for (const auto& [existing, value] : headers) {
      if (equals_ignoring_case(existing, name)) {
        return value;
      }
    }
    return {};
  }

 private:
  std::vector<sigv4_header> views_;
};

struct signing_input {
  std::string access_key_id = "AKIDEXAMPLE";
  std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  std::string region = "us-east-1";
  std::string service = "apigateway";
  std::string signed_headers = "host;x-amz-date";
};

/// Sets Authorization on `request` (its X-Amz-Date must be set), signing the
/// body's SHA-256 or the x-amz-content-sha256 it carries.
inline void sign(owned_request& request, const signing_input& in) {
  request.remove_header("authorization");
  const std::string amz_date = request.header("x-amz-date");
  const std::string date = amz_date.substr(0, 8);
  std::string payload_hash = request.header("x-amz-content-sha256");
  if (payload_hash.empty()) {
    payload_hash = common::to_hex(common::sha256(request.body));
  }
  const std::string canonical =
      sigv4_canonical_request(request.view(), in.signed_headers, payload_hash);
  const std::string string_to_sign =
      sigv4_string_to_sign(amz_date, date, in.region, in.service, canonical);
  request.headers.emplace_back(
      "Authorization",
      "AWS4-HMAC-SHA256 Credential=" + in.access_key_id + "/" + date + "/" + in.region + "/" +
          in.service + "/aws4_request, SignedHeaders=" + in.signed_headers +
          ", Signature=" + sigv4_signature(in.secret, date, in.region, in.service, string_to_sign));
}

inline constexpr std::int64_t ns_per_s = 1'000'000'000;

}  // namespace ug::gateway::control::testing
