#include "gateway/control/sigv4_verifier.hpp"

#include <openssl/crypto.h>

#include <optional>
#include <utility>

#include "common/sha256.hpp"
#include "gateway/control/sigv4_amz_date.hpp"
#include "gateway/control/sigv4_authorization.hpp"
#include "gateway/control/sigv4_canonical_request.hpp"
#include "gateway/control/sigv4_signing.hpp"
#include "limiter/constant_time.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

sigv4_verdict refuse(sigv4_error error, std::string message) {
  return sigv4_verdict{sigv4_refusal{error, std::move(message)}};
}

std::int64_t floor_seconds(std::int64_t utc_ns) noexcept {
  std::int64_t s = utc_ns / ns_per_s;
  if (utc_ns % ns_per_s < 0) {
    --s;
  }
  return s;
}

bool signs_host(std::string_view signed_headers) noexcept {
  std::size_t start = 0;
  while (start <= signed_headers.size()) {
    std::size_t end = signed_headers.find(';', start);
    if (end == std::string_view::npos) {
      end = signed_headers.size();
    }
    if (equals_ignoring_case(signed_headers.substr(start, end - start), "host")) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

bool is_region_name(std::string_view region) noexcept {
  if (region.empty()) {
    return false;
  }
  for (const char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

void append_sentence(std::string& out, std::string_view sentence) {
  if (!out.empty()) {
    out += ' ';
  }
  out.append(sentence);
}

// AWS's "Authorization header requires ..." text for the parts that are
// missing, or "" when none is.
std::string missing_parts(const sigv4_authorization& authorization, bool has_date) {
  std::string message;
  if (authorization.credential.empty()) {
    message += "Authorization header requires 'Credential' parameter. ";
  }
  if (authorization.signature.empty()) {
    message += "Authorization header requires 'Signature' parameter. ";
  }
  if (authorization.signed_headers.empty()) {
    message += "Authorization header requires 'SignedHeaders' parameter. ";
  }
  if (!has_date) {
    message +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  return message;
}

// The scope errors AWS reports together, or "" when the scope is right.
std::string scope_errors(const sigv4_credential_scope& scope, std::string_view service,
                         std::string_view amz_date) {
  std::string message;
  if (!is_region_name(scope.region)) {
    append_sentence(message, "Credential should be scoped to a valid region, not '" +
                                 std::string(scope.region) + "'.");
  }
  if (scope.service != service) {
    append_sentence(
        message, "Credential should be scoped to correct service: '" + std::string(service) + "'.");
  }
  if (scope.terminator != sigv4_terminator) {
    append_sentence(message,
                    "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                        std::string(scope.terminator) + "'.");
  }
  const std::string_view date_of_request = amz_date.substr(0, 8);
  if (scope.date != date_of_request) {
    append_sentence(
        message,
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
        "from HTTP: '" +
            std::string(scope.date) + "' != '" + std::string(date_of_request) + "', from '" +
            std::string(amz_date) + "'.");
  }
  return message;
}

std::optional<std::string> clock_skew_error(std::string_view amz_date, std::int64_t signed_at_s,
                                            std::int64_t now_s) {
  constexpr std::int64_t skew = sigv4_verifier::max_clock_skew_s;
  if (signed_at_s < now_s - skew) {
    return "Signature expired: " + std::string(amz_date) + " is now earlier than " +
           format_amz_date(now_s - skew) + " (" + format_amz_date(now_s) + " - 15 min.)";
  }
  if (signed_at_s > now_s + skew) {
    return "Signature not yet current: " + std::string(amz_date) + " is still later than " +
           format_amz_date(now_s + skew) + " (" + format_amz_date(now_s) + " + 15 min.)";
  }
  return std::nullopt;
}

}  // namespace

sigv4_verifier::sigv4_verifier(sigv4_credentials credentials, std::string service)
    : credentials_(std::move(credentials)), service_(std::move(service)) {}

sigv4_verifier::~sigv4_verifier() {
  OPENSSL_cleanse(credentials_.secret_access_key.data(), credentials_.secret_access_key.size());
}

// The checks run in the order AWS runs them, so that a request wrong in two
// ways gets the refusal AWS would give.
sigv4_verdict sigv4_verifier::verify(const sigv4_request& request, std::int64_t now_utc_ns) const {
  const std::optional<std::string_view> header =
      first_header_value(request.headers, "authorization");
  if (!header) {
    return refuse(sigv4_error::missing_authentication_token, "Missing Authentication Token");
  }
  sigv4_authorization authorization;
  if (std::optional<sigv4_refusal> malformed = parse_sigv4_authorization(*header, authorization)) {
    return sigv4_verdict{std::move(malformed)};
  }
  const std::optional<std::string_view> amz_date =
      first_header_value(request.headers, "x-amz-date");
  const std::optional<std::string_view> http_date = first_header_value(request.headers, "date");
  if (std::string missing = missing_parts(authorization, amz_date || http_date); !missing.empty()) {
    missing += "Authorization=";
    missing.append(*header);
    return refuse(sigv4_error::incomplete_signature, std::move(missing));
  }
  // Only X-Amz-Date is read (every AWS SDK sends it): a Date header alone is
  // reported as a date AWS cannot read.
  const std::string_view date_text = amz_date ? *amz_date : *http_date;
  const std::optional<std::int64_t> signed_at_s =
      amz_date ? parse_amz_date(*amz_date) : std::nullopt;
  if (!signed_at_s) {
    return refuse(sigv4_error::incomplete_signature,
                  "Date must be in ISO-8601 'basic format'. Got '" + std::string(date_text) +
                      "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  if (std::optional<std::string> skewed =
          clock_skew_error(date_text, *signed_at_s, floor_seconds(now_utc_ns))) {
    return refuse(sigv4_error::invalid_signature, std::move(*skewed));
  }
  if (!signs_host(authorization.signed_headers)) {
    return refuse(sigv4_error::invalid_signature,
                  "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (authorization.algorithm != sigv4_algorithm) {
    return refuse(sigv4_error::incomplete_signature, "Unsupported AWS 'algorithm': '" +
                                                         std::string(authorization.algorithm) +
                                                         "' (only AWS4-HMAC-SHA256 for now). ");
  }
  const std::optional<sigv4_credential_scope> scope = split_credential(authorization.credential);
  if (!scope) {
    return refuse(sigv4_error::incomplete_signature,
                  "Credential must have exactly 5 slash-delimited elements, e.g. "
                  "keyid/date/region/service/term, got '" +
                      std::string(authorization.credential) + "'");
  }
  if (std::string wrong = scope_errors(*scope, service_, date_text); !wrong.empty()) {
    return refuse(sigv4_error::invalid_signature, std::move(wrong));
  }
  if (!limiter::constant_time_equal(scope->access_key_id, credentials_.access_key_id)) {
    return refuse(sigv4_error::unrecognized_client,
                  "The security token included in the request is invalid.");
  }

  // botocore signs x-amz-content-sha256 as the payload hash when it sends
  // one; the body it stands for is checked against it below.
  const std::string body_hash = common::to_hex(request.body_sha256);
  const std::optional<std::string_view> content_sha256 =
      first_header_value(request.headers, "x-amz-content-sha256");
  const std::string_view payload_hash = content_sha256 ? *content_sha256 : body_hash;
  const std::string canonical =
      sigv4_canonical_request(request, authorization.signed_headers, payload_hash);
  const std::string string_to_sign =
      sigv4_string_to_sign(date_text, scope->date, scope->region, scope->service, canonical);
  const std::string expected = sigv4_signature(credentials_.secret_access_key, scope->date,
                                               scope->region, scope->service, string_to_sign);
  if (expected.empty() || !limiter::constant_time_equal(authorization.signature, expected)) {
    return refuse(sigv4_error::invalid_signature,
                  "The request signature we calculated does not match the signature you provided. "
                  "Check your AWS Secret Access Key and signing method. Consult the service "
                  "documentation for details.\n\nThe Canonical String for this request should have "
                  "been\n'" +
                      canonical + "'\n\nThe String-to-Sign should have been\n'" + string_to_sign +
                      "'\n");
  }
  if (content_sha256 && *content_sha256 != body_hash) {
    return refuse(sigv4_error::invalid_signature,
                  "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  if (first_header_value(request.headers, "x-amz-security-token")) {
    return refuse(sigv4_error::unrecognized_client,
                  "The security token included in the request is invalid");
  }
  return sigv4_verdict{};
}

}  // namespace ug::gateway::control
