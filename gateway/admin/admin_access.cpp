#include "gateway/admin/admin_access.hpp"

#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "common/ascii.hpp"
#include "limiter/constant_time.hpp"

namespace ug::gateway {
namespace {

using common::ascii_iequals;
using common::trim_ows;
using std::string_view;

constexpr string_view realm = R"(Bearer realm="usagegate admin")";

bool is_probe(const admin_request& r) noexcept {
  return r.method == "GET" && (r.path == "/healthz" || r.path == "/readyz");
}

bool is_mutation(const admin_request& r) noexcept {
  return r.method != "GET" && r.method != "HEAD";
}

/// POST /apikeys?mode=import (ImportApiKeys), the one write whose body is not JSON.
bool is_key_file_import(const admin_request& r) noexcept {
  if (r.method != "POST" || r.path != "/apikeys")
    return false;
  string_view query = r.query;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    if (query.substr(0, amp) == "mode=import")
      return true;
    if (amp == string_view::npos)
      break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

enum class credentials { none, wrong, valid };

/// The scheme of an Authorization value, "Bearer" in `Bearer <token>`.
string_view scheme_of(string_view authorization) noexcept {
  const string_view value = trim_ows(authorization);
  return value.substr(0, value.find(' '));
}

credentials bearer_credentials(const admin_access_policy& policy, string_view authorization) {
  const string_view value = trim_ows(authorization);
  const auto space = value.find(' ');
  if (value.empty() || space == string_view::npos ||
      !ascii_iequals(value.substr(0, space), "Bearer"))
    return value.empty() ? credentials::none : credentials::wrong;
  const string_view token = trim_ows(value.substr(space + 1));
  // Digests of equal length: the comparison time says nothing about the token.
  const common::sha256_digest presented = common::sha256(token);
  const common::sha256_digest& expected = *policy.bearer_token_sha256;
  // Digests are raw bytes; constant_time_equal compares views.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  const string_view a(reinterpret_cast<const char*>(presented.data()), presented.size());
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  const string_view b(reinterpret_cast<const char*>(expected.data()), expected.size());
  return limiter::constant_time_equal(a, b) ? credentials::valid : credentials::wrong;
}

admin_response unauthorized(credentials presented) {
  const bool wrong = presented == credentials::wrong;
  admin_response r =
      json_answer(401, "message",
                  wrong ? "the Authorization header does not carry the admin bearer token"
                        : "this admin endpoint needs \"Authorization: Bearer <token>\" "
                          "(gateway.admin.authToken or authTokenFile)");
  std::string challenge(realm);
  if (wrong)
    challenge += R"(, error="invalid_token")";
  r.headers.emplace_back("WWW-Authenticate", std::move(challenge));
  return r;
}

admin_response forbidden(string_view why) {
  return json_answer(403, "message", why);
}

/// Host without its port: "127.0.0.1:9080" -> "127.0.0.1", "[::1]:9080" -> "::1".
/// Empty when the value is malformed.
string_view host_name(string_view host) noexcept {
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == string_view::npos)
      return {};
    const string_view rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return {};
    return host.substr(1, close - 1);
  }
  const auto colon = host.find(':');
  if (colon != string_view::npos && host.find(':', colon + 1) != string_view::npos)
    return {};  // an IPv6 address must be bracketed in Host
  return host.substr(0, colon);
}

/// DNS rebinding needs a name the attacker's DNS answers for; an IP address
/// or "localhost" (which browsers and resolvers keep on this host) cannot be
/// such a name.
bool host_is_safe(string_view host, bool bracketed) {
  if (host.empty())
    return false;
  boost::system::error_code ec;
  if (bracketed) {
    (void)boost::asio::ip::make_address_v6(std::string(host), ec);
    return !ec;
  }
  (void)boost::asio::ip::make_address_v4(std::string(host), ec);
  return !ec || ascii_iequals(host, "localhost") || ascii_iequals(host, "localhost.");
}

string_view media_type(string_view content_type) noexcept {
  return trim_ows(content_type.substr(0, content_type.find(';')));
}

/// Step 1a: a request credentials guard. nullopt once it is signed (or, for
/// POST /reload, carries the configured bearer token); else its refusal.
std::optional<admin_response> refuse_unsigned(const admin_access_policy& policy,
                                              const admin_request& request,
                                              std::int64_t now_utc_ns) {
  const bool reload = request.path == "/reload";
  if (reload && policy.bearer_token_sha256 &&
      ascii_iequals(scheme_of(request.authorization), "Bearer")) {
    const credentials presented = bearer_credentials(policy, request.authorization);
    if (presented != credentials::valid)
      return unauthorized(presented);
    return std::nullopt;
  }
  return refuse_unsigned_admin_request(*policy.sigv4, request, now_utc_ns);
}

}  // namespace

std::optional<admin_response> refuse_admin_request(const admin_access_policy& policy,
                                                   const admin_request& request,
                                                   std::int64_t now_utc_ns) {
  bool authenticated = false;
  if (policy.sigv4 && admin_request_needs_signature(request)) {
    if (auto refusal = refuse_unsigned(policy, request, now_utc_ns))
      return refusal;
    authenticated = true;
  } else if (policy.bearer_token_sha256) {
    const credentials presented = bearer_credentials(policy, request.authorization);
    authenticated = presented == credentials::valid;
    if (!authenticated && !is_probe(request))
      return unauthorized(presented);
  }
  // A request without Host (HTTP/1.0) was not sent by a browser.
  const string_view host = trim_ows(request.host);
  if (!authenticated && !host.empty() && !host_is_safe(host_name(host), host.front() == '[')) {
    return forbidden(
        "the Host header must name the admin listener by IP address or \"localhost\": a host "
        "name could be a DNS-rebinding attack from a web page (send the admin token to use "
        "another name)");
  }
  if (!is_mutation(request))
    return std::nullopt;
  if (request.has_origin &&
      !ascii_iequals(trim_ows(request.origin), "http://" + std::string(host))) {
    return forbidden(
        "cross-origin request refused: the Origin header names another site than this admin "
        "listener");
  }
  const bool has_body = !request.body.empty();
  if (is_key_file_import(request)) {
    // ImportApiKeys' body is CSV, sent by the AWS CLI with no Content-Type.
    // text/csv is no type a page may send cross-site without a preflight
    // (which this listener never grants), and a body without Content-Type
    // from a page comes with Origin (fetch sends it on every cross-origin POST).
    if (ascii_iequals(media_type(request.content_type), "text/csv") ||
        (!request.has_content_type && !request.has_origin))
      return std::nullopt;
  }
  if (has_body || request.has_content_type) {
    if (!ascii_iequals(media_type(request.content_type), "application/json")) {
      return forbidden(
          "a request with a body (or a Content-Type) must be Content-Type: application/json; "
          "text/plain, form and multipart bodies are what a web page can send cross-site");
    }
  } else if (request.has_origin) {
    return forbidden(
        "a request from a browser (it sent Origin) must be Content-Type: application/json");
  }
  return std::nullopt;
}

}  // namespace ug::gateway
