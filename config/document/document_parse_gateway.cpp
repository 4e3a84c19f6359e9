// The "gateway" section: process settings, the data and admin listeners, and
// the admin token and AWS credentials.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/sha256.hpp"
#include "config/document/admin_credentials.hpp"
#include "config/document/admin_token.hpp"
#include "config/document/document_parser_impl.hpp"
#include "config/document/ip_address.hpp"

namespace ug::config::detail {
namespace {

namespace dom = simdjson::dom;
using std::string_view;

// Member names per object.
constexpr string_view gateway_fields[] = {"listener",
                                          "admin",
                                          "workers",
                                          "maxHeaderBytes",
                                          "maxBodyBytes",
                                          "headerTimeoutMs",
                                          "keepAliveTimeoutMs",
                                          "drainTimeoutMs",
                                          "maxConnections",
                                          "accountThrottle",
                                          "defaultUpstream",
                                          "awsStrict",
                                          "quotaOffsetMeaning",
                                          "stateDirectory",
                                          "stateFlushIntervalMs",
                                          "quotaReserveChunk",
                                          "onStateFailure",
                                          "stages",
                                          "accessLog",
                                          "metricsKeySeries",
                                          "reloadOnFileChange"};
constexpr string_view listener_fields[] = {"address", "port"};
constexpr string_view admin_fields[] = {"address",       "port",        "authToken",
                                        "authTokenFile", "credentials", "controlPlaneThrottle"};
constexpr string_view credentials_fields[] = {"accessKeyId", "secretAccessKey",
                                              "secretAccessKeyFile"};

constexpr string_view offset_meaning_names[] = {"startDay", "initialRequests"};
constexpr string_view state_failure_names[] = {"closed", "open"};

// A token file holds one token (at most 4096 characters) and a line end;
// a secret file likewise holds one secret access key.
constexpr std::size_t max_admin_token_file_bytes = 64 * 1024;

/// Reports `problem` (if any) at the current path; true when there is none.
bool acceptable(json_reader& r, std::string problem) {
  if (problem.empty())
    return true;
  r.error(std::move(problem));
  return false;
}

/// gateway.admin.credentials: {"accessKeyId", "secretAccessKey" or
/// "secretAccessKeyFile"}. The secret is kept (the HMAC key), and no error
/// quotes it or the access key id.
std::optional<admin_settings::key_pair> read_admin_credentials(json_reader& r, dom::element v) {
  if (!r.expect_object(v))
    return std::nullopt;
  admin_settings::key_pair pair;
  bool ok = true;
  bool has_id = false;
  int secret_forms = 0;
  r.members(v, {credentials_fields, {}}, [&](string_view name, dom::element e) {
    const auto s = r.string(e);
    if (name == "accessKeyId") {
      has_id = true;
      ok = s && acceptable(r, access_key_id_problem(*s)) && ok;
      if (s)
        pair.access_key_id = std::string(*s);
      return;
    }
    ++secret_forms;
    std::optional<std::string> secret;
    if (name == "secretAccessKey") {
      secret = s ? std::optional<std::string>(std::string(*s)) : std::nullopt;
    } else if (s) {
      secret = r.read_secret_file(*s, max_admin_token_file_bytes);
      if (secret)
        secret->resize(strip_final_line_end(*secret).size());
    }
    ok = secret && acceptable(r, secret_access_key_problem(*secret)) && ok;
    if (secret)
      pair.secret_access_key = std::move(*secret);
  });
  if (!has_id) {
    r.error("missing required field 'accessKeyId'");
    ok = false;
  }
  if (secret_forms != 1) {
    r.error(secret_forms == 0
                ? "missing the secret: give 'secretAccessKey' or 'secretAccessKeyFile'"
                : "give either 'secretAccessKey' or 'secretAccessKeyFile', not both");
    ok = false;
  }
  if (!ok)
    return std::nullopt;
  return pair;
}

}  // namespace

void document_parser::read_gateway(dom::element v) {
  gateway_settings& g = out_.doc.gateway;
  bool has_admin = false;
  r_.members(v, {gateway_fields, {}}, [&](string_view name, dom::element e) {
    if (name == "listener") {
      if (auto l = read_listener(e, g.listener))
        g.listener = *l;
    } else if (name == "admin") {
      has_admin = true;
      if (auto a = read_admin(e, g.admin))
        g.admin = *a;
    } else if (name == "workers") {
      if (auto n = bounded(e, 0, 1024))
        g.workers = static_cast<unsigned>(*n);
    } else if (name == "maxHeaderBytes") {
      if (auto n = bounded(e, 1024, 64 * 1024 * 1024))
        g.max_header_bytes = static_cast<std::size_t>(*n);
    } else if (name == "maxBodyBytes") {
      if (auto n = bounded(e, 0, no_max))
        g.max_body_bytes = static_cast<std::size_t>(*n);
    } else if (name == "headerTimeoutMs") {
      if (auto n = bounded(e, 1, no_max))
        g.header_timeout_ms = *n;
    } else if (name == "keepAliveTimeoutMs") {
      if (auto n = bounded(e, 1, no_max))
        g.keep_alive_timeout_ms = *n;
    } else if (name == "drainTimeoutMs") {
      if (auto n = bounded(e, 1, no_max))
        g.drain_timeout_ms = *n;
    } else if (name == "maxConnections") {
      if (auto n = bounded(e, 1, no_max))
        g.max_connections = static_cast<std::size_t>(*n);
    } else if (name == "accountThrottle") {
      if (auto t = read_throttle(e))
        g.account_throttle = *t;
    } else if (name == "defaultUpstream") {
      if (auto u = read_upstream(e))
        g.default_upstream = std::move(*u);
    } else if (name == "awsStrict") {
      if (auto b = r_.boolean(e))
        g.aws_strict = *b;
    } else if (name == "quotaOffsetMeaning") {
      if (auto m = one_of(e, offset_meaning_names))
        g.quota_offset_meaning = *m == "startDay" ? limiter::offset_meaning::start_day
                                                  : limiter::offset_meaning::initial_requests;
    } else if (name == "stateDirectory") {
      read_string(e, g.state_directory);
    } else if (name == "stateFlushIntervalMs") {
      if (auto n = bounded(e, 10, 60'000))
        g.state_flush_interval_ms = *n;
    } else if (name == "quotaReserveChunk") {
      if (auto n = bounded(e, 1, no_max))
        g.quota_reserve_chunk = *n;
    } else if (name == "onStateFailure") {
      if (auto m = one_of(e, state_failure_names))
        g.on_state_failure = *m == "open" ? limiter::state_failure_policy::open
                                          : limiter::state_failure_policy::closed;
    } else if (name == "stages") {
      r_.entries(e, [&](string_view key, dom::element s) { read_gateway_stage(key, s); });
    } else if (name == "accessLog") {
      const auto s = r_.string(e);
      if (s && (s->empty() || has_control_char(*s)))
        r_.error(R"(must be "off", "stdout" or a file path)");
      else if (s)
        g.access_log = std::string(*s);
    } else if (name == "metricsKeySeries") {
      if (auto n = bounded(e, 0, 100'000))
        g.metrics_key_series = static_cast<std::size_t>(*n);
    } else if (name == "reloadOnFileChange") {
      if (auto b = r_.boolean(e))
        g.reload_on_file_change = *b;
    }
  });
  check_admin_listener(has_admin);
  check_admin_exposure();
}

/// The admin endpoints (reload, metrics) must never answer on the public
/// port. Port 0 on both sides means two different free ports.
void document_parser::check_admin_listener(bool admin_given) {
  const gateway_settings& g = out_.doc.gateway;
  if (g.admin.port != g.listener.port || g.admin.port == 0)
    return;
  const auto admin = parse_ip_address(g.admin.address);
  const auto data = parse_ip_address(g.listener.address);
  if (!admin || !data)
    return;  // reported at the address
  if (*admin != *data && !admin->unspecified() && !data->unspecified())
    return;
  const json_reader::scope at(r_, admin_given ? "admin" : "listener");
  r_.error("the admin listener (" + g.admin.address + ":" + std::to_string(g.admin.port) +
           ") must differ from the data listener (" + g.listener.address + ":" +
           std::to_string(g.listener.port) +
           "): the admin endpoints (reload, metrics) must never share the public port");
}

/// Without credentials the admin listener trusts whoever can connect, which
/// is only safe when that is this host. Beyond loopback it needs both: the
/// token guards /metrics (a scraper can send a bearer token, not a
/// signature), the AWS credentials guard the control plane (the AWS clients
/// can sign, not send a token); either one alone would leave the other's
/// routes open to the network.
void document_parser::check_admin_exposure() {
  const admin_settings& a = out_.doc.gateway.admin;
  const auto address = parse_ip_address(a.address);
  if (!address || address->loopback() || (a.auth_token_sha256 && a.credentials))
    return;
  std::string set;
  if (!a.auth_token_sha256) {
    set +=
        "gateway.admin.authToken or gateway.admin.authTokenFile (then every admin request "
        "except GET /healthz and GET /readyz must carry \"Authorization: Bearer <token>\")";
  }
  if (!a.credentials) {
    set += set.empty() ? "" : " and ";
    set +=
        "gateway.admin.credentials (then every control-plane request and POST /reload must "
        "carry an AWS SigV4 signature made with them)";
  }
  const json_reader::scope admin(r_, "admin");
  const json_reader::scope at(r_, "address");
  r_.error("\"" + a.address +
           "\" is not a loopback address, so other hosts could reach the admin endpoints "
           "(POST /reload, /metrics, the AWS control plane): set " +
           set + ", or bind \"127.0.0.1\" or \"::1\"");
}

/// gateway.listener/admin "address" and "port"; false if the member was invalid.
bool document_parser::read_bind_member(string_view name, dom::element e, std::string& address,
                                       std::uint16_t& port) {
  if (name == "address") {
    const auto s = r_.string(e);
    if (!s)
      return false;
    if (std::string why = bind_address_problem(*s); !why.empty()) {
      r_.error(std::move(why));
      return false;
    }
    address = std::string(*s);
  } else if (name == "port") {
    const auto n = bounded(e, 0, 65535);
    if (!n)
      return false;
    port = static_cast<std::uint16_t>(*n);
  }
  return true;
}

std::optional<listener_settings> document_parser::read_listener(dom::element v,
                                                                listener_settings value) {
  bool ok = true;
  r_.members(v, {listener_fields, {}}, [&](string_view name, dom::element e) {
    ok = read_bind_member(name, e, value.address, value.port) && ok;
  });
  if (!ok)
    return std::nullopt;
  return value;
}

std::optional<admin_settings> document_parser::read_admin(dom::element v, admin_settings value) {
  bool ok = true;
  bool has_token = false;
  bool has_token_file = false;
  r_.members(v, {admin_fields, {}}, [&](string_view name, dom::element e) {
    if (name == "authToken") {
      has_token = true;
      const auto s = r_.string(e);
      ok = s && admin_token(*s, value) && ok;
    } else if (name == "authTokenFile") {
      has_token_file = true;
      const auto s = r_.string(e);
      const auto content =
          s ? r_.read_secret_file(*s, max_admin_token_file_bytes) : std::optional<std::string>();
      ok = content && admin_token(strip_final_line_end(*content), value) && ok;
    } else if (name == "credentials") {
      value.credentials = read_admin_credentials(r_, e);
      ok = value.credentials.has_value() && ok;
    } else if (name == "controlPlaneThrottle") {
      const auto t = read_throttle(e);
      if (t)
        value.control_plane_throttle = *t;
      ok = t.has_value() && ok;
    } else {
      ok = read_bind_member(name, e, value.address, value.port) && ok;
    }
  });
  if (has_token && has_token_file) {
    r_.error("give either 'authToken' or 'authTokenFile', not both");
    ok = false;
  }
  if (!ok)
    return std::nullopt;
  return value;
}

/// Keeps only the token's digest; the reason for a bad token never quotes it.
bool document_parser::admin_token(string_view token, admin_settings& into) {
  if (std::string why = admin_token_problem(token); !why.empty()) {
    r_.error(std::move(why));
    return false;
  }
  into.auth_token_sha256 = common::sha256(token);
  return true;
}

}  // namespace ug::config::detail
