#include "gateway/admin/admin_sigv4.hpp"

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ascii.hpp"
#include "common/json_string.hpp"
#include "common/sha256.hpp"
#include "gateway/aws/request_ids.hpp"
#include "gateway/control/control_plane.hpp"

namespace ug::gateway {
namespace {

using std::string_view;

/// "Bearer <token>" in any case of the scheme: the admin token, which the
/// verifier would quote back in its "not a valid key=value pair" message.
bool is_bearer_scheme(string_view authorization) noexcept {
  const string_view value = common::trim_ows(authorization);
  const string_view scheme = value.substr(0, value.find_first_of(" \t"));
  return common::ascii_iequals(scheme, "Bearer");
}

admin_response aws_refusal(const control::sigv4_refusal& refusal) {
  admin_response r;
  r.status = control::sigv4_http_status(refusal.error);
  r.body = R"({"message":)";
  common::append_json_string(r.body, refusal.message);
  r.body.push_back('}');
  std::array<char, 36> id{};
  make_uuid_v4(id);
  r.headers.emplace_back("x-amzn-RequestId", std::string(id.data(), id.size()));
  r.headers.emplace_back("x-amzn-ErrorType", std::string(control::sigv4_error_type(refusal.error)));
  return r;
}

}  // namespace

std::shared_ptr<const control::sigv4_verifier> make_admin_sigv4_verifier(
    const std::optional<config::admin_settings::key_pair>& credentials) {
  if (!credentials)
    return nullptr;
  return std::make_shared<const control::sigv4_verifier>(
      control::sigv4_credentials{credentials->access_key_id, credentials->secret_access_key},
      std::string(admin_signing_service));
}

bool admin_request_needs_signature(const admin_request& request) noexcept {
  return control::is_control_plane_path(request.path) ||
         (request.method == "POST" && request.path == "/reload");
}

std::optional<admin_response> refuse_unsigned_admin_request(const control::sigv4_verifier& verifier,
                                                            const admin_request& request,
                                                            std::int64_t now_utc_ns) {
  if (is_bearer_scheme(request.authorization)) {
    return aws_refusal(control::sigv4_refusal{
        control::sigv4_error::incomplete_signature,
        "this request needs an AWS SigV4 signature made with gateway.admin.credentials; an "
        "Authorization: Bearer header (not repeated here) does not open it"});
  }
  std::vector<control::sigv4_header> headers;
  headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers)
    headers.push_back(control::sigv4_header{name, value});
  // The path and the query are views of one target; a target "/x?" (an
  // empty query) signs like "/x", so rebuilding it loses nothing.
  std::string target(request.path);
  if (!request.query.empty()) {
    target += '?';
    target += request.query;
  }
  const control::sigv4_request signed_request{
      .method = request.method,
      .target = target,
      .headers = headers,
      .body_sha256 = common::sha256(request.body),
  };
  control::sigv4_verdict verdict = verifier.verify(signed_request, now_utc_ns);
  if (verdict.valid())
    return std::nullopt;
  return aws_refusal(*verdict.refusal);
}

}  // namespace ug::gateway
