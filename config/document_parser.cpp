#include "config/document_parser.hpp"

#include <limits>
#include <string_view>
#include <utility>

#include "common/sha256.hpp"
#include "config/admin_token.hpp"
#include "config/aws_names.hpp"
#include "config/ip_address.hpp"
#include "config/parse_gateway_responses.hpp"
#include "config/suggest.hpp"
#include "config/upstream_url.hpp"
#include "limiter/quota_period.hpp"

namespace ug::config::detail {
namespace {

namespace dom = simdjson::dom;
using std::string_view;

// Member names per object. `*_ignored` are members AWS prints (get-* output)
// that the gateway has no use for: accepted so that CLI output drops in as is.
constexpr string_view root_fields[] = {"$schema",    "gateway", "restApis",
                                       "usagePlans", "apiKeys", "usagePlanKeys"};
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
constexpr string_view admin_fields[] = {"address", "port", "authToken", "authTokenFile"};
constexpr string_view throttle_fields[] = {"burstLimit", "rateLimit"};
constexpr string_view gateway_stage_fields[] = {"basePath", "upstream"};
constexpr string_view upstream_fields[] = {
    "url",           "poolSize",   "connectTimeoutMs", "responseTimeoutMs",
    "idleTimeoutMs", "hostHeader", "forwardApiKey"};
constexpr string_view rest_api_fields[] = {"id",        "name",   "description",     "apiKeySource",
                                           "resources", "stages", "gatewayResponses"};
constexpr string_view rest_api_ignored[] = {"createdDate",
                                            "version",
                                            "warnings",
                                            "binaryMediaTypes",
                                            "minimumCompressionSize",
                                            "endpointConfiguration",
                                            "policy",
                                            "tags",
                                            "disableExecuteApiEndpoint",
                                            "rootResourceId",
                                            "apiStatus",
                                            "apiStatusMessage"};
constexpr string_view resource_fields[] = {"id", "parentId", "pathPart", "path", "resourceMethods"};
constexpr string_view method_fields[] = {"httpMethod", "authorizationType", "apiKeyRequired"};
constexpr string_view method_ignored[] = {
    "authorizerId",  "operationName",   "requestValidatorId", "requestParameters",
    "requestModels", "methodResponses", "methodIntegration",  "authorizationScopes"};
constexpr string_view stage_fields[] = {"stageName", "description", "methodSettings"};
constexpr string_view stage_ignored[] = {
    "deploymentId",         "clientCertificateId", "cacheClusterEnabled",
    "cacheClusterSize",     "cacheClusterStatus",  "variables",
    "documentationVersion", "accessLogSettings",   "canarySettings",
    "tracingEnabled",       "webAclArn",           "tags",
    "createdDate",          "lastUpdatedDate"};
constexpr string_view method_setting_fields[] = {"throttlingBurstLimit", "throttlingRateLimit"};
constexpr string_view method_setting_ignored[] = {"metricsEnabled",
                                                  "loggingLevel",
                                                  "dataTraceEnabled",
                                                  "cachingEnabled",
                                                  "cacheTtlInSeconds",
                                                  "cacheDataEncrypted",
                                                  "requireAuthorizationForCacheControl",
                                                  "unauthorizedCacheControlHeaderStrategy"};
constexpr string_view usage_plan_fields[] = {"id",        "name",     "description",
                                             "apiStages", "throttle", "quota"};
constexpr string_view usage_plan_ignored[] = {"productCode", "tags"};
constexpr string_view api_stage_fields[] = {"apiId", "stage", "throttle"};
constexpr string_view quota_fields[] = {"limit", "offset", "period"};
constexpr string_view api_key_fields[] = {"id",      "name",       "value",      "valueSha256",
                                          "enabled", "customerId", "description"};
constexpr string_view api_key_ignored[] = {"createdDate", "lastUpdatedDate", "stageKeys", "tags"};
constexpr string_view plan_key_fields[] = {"id", "type", "value", "name"};

constexpr string_view period_names[] = {"DAY", "WEEK", "MONTH"};
constexpr string_view offset_meaning_names[] = {"startDay", "initialRequests"};
constexpr string_view state_failure_names[] = {"closed", "open"};

constexpr std::int64_t no_max = std::numeric_limits<std::int64_t>::max();
// A token file holds one token (at most 4096 characters) and a line end.
constexpr std::size_t max_admin_token_file_bytes = 64 * 1024;

std::size_t utf8_length(string_view text) noexcept {
  std::size_t length = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
      ++length;
  return length;
}

bool has_control_char(string_view text) noexcept {
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return true;
  return false;
}

class parser {
 public:
  explicit parser(json_reader& reader) : r_(reader) {}

  parsed_document run(dom::element root) {
    if (!r_.expect_object(root))
      return std::move(out_);
    r_.members(root, {root_fields, {}}, [&](string_view name, dom::element v) {
      if (name == "$schema") {
        (void)r_.string(v);
      } else if (name == "gateway") {
        out_.where.has_gateway = true;
        read_gateway(v);
      } else if (name == "restApis") {
        r_.list(v, [&](dom::element e) { read_rest_api(e); });
      } else if (name == "usagePlans") {
        r_.list(v, [&](dom::element e) { read_usage_plan(e); });
      } else if (name == "apiKeys") {
        r_.list(v, [&](dom::element e) { read_api_key(e); });
      } else if (name == "usagePlanKeys") {
        r_.entries(v, [&](string_view plan_id, dom::element e) { read_plan_keys(plan_id, e); });
      }
    });
    return std::move(out_);
  }

 private:
  // ---- scalar helpers (errors at the current path) ----

  std::optional<std::int64_t> bounded(dom::element v, std::int64_t min, std::int64_t max) {
    const auto value = r_.integer(v);
    if (!value)
      return std::nullopt;
    if (*value >= min && *value <= max)
      return value;
    if (min == 0 && max == no_max) {
      r_.error("must not be negative");
    } else if (max == no_max) {
      r_.error("must be at least " + std::to_string(min));
    } else {
      r_.error("must be from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return std::nullopt;
  }

  std::optional<double> non_negative_number(dom::element v) {
    const auto value = r_.number(v);
    if (!value)
      return std::nullopt;
    if (*value < 0) {
      r_.error("must not be negative");
      return std::nullopt;
    }
    return value;
  }

  void read_string(dom::element v, std::string& into) {
    if (const auto s = r_.string(v))
      into = std::string(*s);
  }

  void missing(string_view field) {
    std::string message = "missing required field '";
    message += field;
    message += "'";
    r_.error(std::move(message));
  }

  /// A string that must be one of `names` (with a did-you-mean).
  std::optional<string_view> one_of(dom::element v, std::span<const string_view> names) {
    const auto s = r_.string(v);
    if (!s)
      return std::nullopt;
    for (const string_view name : names)
      if (*s == name)
        return name;
    std::string message = "'";
    message += *s;
    message += "' is not one of";
    for (std::size_t i = 0; i < names.size(); ++i) {
      message += i == 0 ? " \"" : (i + 1 == names.size() ? "\" or \"" : "\", \"");
      message += names[i];
    }
    message += "\"";
    message += did_you_mean(*s, names);
    r_.error(std::move(message));
    return std::nullopt;
  }

  // ---- gateway ----

  void read_gateway(dom::element v) {
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
  void check_admin_listener(bool admin_given) {
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

  /// Without a token the admin listener trusts whoever can connect, which
  /// is only safe when that is this host.
  void check_admin_exposure() {
    const admin_settings& a = out_.doc.gateway.admin;
    const auto address = parse_ip_address(a.address);
    if (!address || address->loopback() || a.auth_token_sha256)
      return;
    const json_reader::scope admin(r_, "admin");
    const json_reader::scope at(r_, "address");
    r_.error("\"" + a.address +
             "\" is not a loopback address, so other hosts could reach the admin endpoints "
             "(POST /reload, /metrics): set gateway.admin.authToken or "
             "gateway.admin.authTokenFile (then every admin request except GET /healthz and GET "
             "/readyz must carry \"Authorization: Bearer <token>\"), or bind \"127.0.0.1\" or "
             "\"::1\"");
  }

  /// gateway.listener/admin "address" and "port"; false if the member was invalid.
  bool read_bind_member(string_view name, dom::element e, std::string& address,
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

  std::optional<listener_settings> read_listener(dom::element v, listener_settings value) {
    bool ok = true;
    r_.members(v, {listener_fields, {}}, [&](string_view name, dom::element e) {
      ok = read_bind_member(name, e, value.address, value.port) && ok;
    });
    if (!ok)
      return std::nullopt;
    return value;
  }

  std::optional<admin_settings> read_admin(dom::element v, admin_settings value) {
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
  bool admin_token(string_view token, admin_settings& into) {
    if (std::string why = admin_token_problem(token); !why.empty()) {
      r_.error(std::move(why));
      return false;
    }
    into.auth_token_sha256 = common::sha256(token);
    return true;
  }

  /// ThrottleSettings: both members are required (a bucket needs both).
  std::optional<throttle_settings> read_throttle(dom::element v) {
    throttle_settings t;
    bool has_burst = false;
    bool has_rate = false;
    bool ok = true;
    r_.members(v, {throttle_fields, {}}, [&](string_view name, dom::element e) {
      if (name == "burstLimit") {
        has_burst = true;
        if (auto n = bounded(e, 0, no_max))
          t.burst_limit = *n;
        else
          ok = false;
      } else if (name == "rateLimit") {
        has_rate = true;
        if (auto d = non_negative_number(e))
          t.rate_limit = *d;
        else
          ok = false;
      }
    });
    if (v.type() != dom::element_type::OBJECT)
      return std::nullopt;
    if (!has_burst)
      missing("burstLimit");
    if (!has_rate)
      missing("rateLimit");
    if (!ok || !has_burst || !has_rate)
      return std::nullopt;
    return t;
  }

  void read_gateway_stage(string_view key, dom::element v) {
    gateway_stage_entry entry;
    entry.where = r_.here();
    const std::size_t slash = key.find('/');
    if (slash == string_view::npos || slash == 0 || key.find('/', slash + 1) != string_view::npos) {
      r_.error(
          "a stage entry must be named \"<restApiId>/<stageName>\" (for example "
          "\"a1b2c3d4e5/v1\")");
    } else {
      entry.api_id = std::string(key.substr(0, slash));
      entry.stage_name = std::string(key.substr(slash + 1));
      if (std::string why = stage_name_problem(entry.stage_name); !why.empty()) {
        r_.error("in \"<restApiId>/<stageName>\", " + why);
        entry.api_id.clear();
      }
    }
    bool has_upstream = false;
    r_.members(v, {gateway_stage_fields, {}}, [&](string_view name, dom::element e) {
      if (name == "basePath") {
        const auto s = r_.string(e);
        if (!s)
          return;
        if (*s != "/" &&
            (!resource_path_problem(*s).empty() || s->find('{') != string_view::npos)) {
          r_.error(
              "basePath must be \"/\" or a path such as \"/v1\" or \"/team/v1\" (no trailing "
              "slash, no {parameters})");
          return;
        }
        entry.base_path = std::string(*s);
      } else if (name == "upstream") {
        has_upstream = true;
        entry.upstream = read_upstream(e);
      }
    });
    if (v.type() == dom::element_type::OBJECT && !has_upstream)
      missing("upstream");
    out_.where.gateway_stages.push_back(std::move(entry));
  }

  std::optional<upstream_settings> read_upstream(dom::element v) {
    upstream_settings u;
    bool has_url = false;
    bool ok = true;
    r_.members(v, {upstream_fields, {}}, [&](string_view name, dom::element e) {
      if (name == "url") {
        has_url = true;
        const auto s = r_.string(e);
        if (!s) {
          ok = false;
          return;
        }
        std::string problem;
        const auto address = parse_upstream_url(*s, problem);
        if (!address) {
          r_.error(std::move(problem));
          ok = false;
          return;
        }
        u.url = std::string(*s);
        u.host = address->host;
        u.port = address->port;
        u.base_path = address->base_path;
      } else if (name == "poolSize") {
        if (auto n = bounded(e, 0, 100'000))
          u.pool_size = static_cast<std::size_t>(*n);
        else
          ok = false;
      } else if (name == "connectTimeoutMs" || name == "responseTimeoutMs" ||
                 name == "idleTimeoutMs") {
        const auto n = bounded(e, 1, no_max);
        if (!n) {
          ok = false;
          return;
        }
        if (name == "connectTimeoutMs")
          u.connect_timeout_ms = *n;
        if (name == "responseTimeoutMs")
          u.response_timeout_ms = *n;
        if (name == "idleTimeoutMs")
          u.idle_timeout_ms = *n;
      } else if (name == "hostHeader") {
        const auto s = r_.string(e);
        if (s && (s->empty() || has_control_char(*s))) {
          r_.error("hostHeader must be a non-empty header value");
          ok = false;
        } else if (s) {
          u.host_header = std::string(*s);
        } else {
          ok = false;
        }
      } else if (name == "forwardApiKey") {
        if (auto b = r_.boolean(e))
          u.forward_api_key = *b;
        else
          ok = false;
      }
    });
    if (v.type() != dom::element_type::OBJECT)
      return std::nullopt;
    if (!has_url)
      missing("url");
    if (!ok || !has_url)
      return std::nullopt;
    return u;
  }

  // ---- REST APIs ----

  void read_rest_api(dom::element v) {
    out_.where.rest_apis.push_back(r_.here());
    out_.where.resources.emplace_back();
    out_.where.gateway_responses.emplace_back();
    const std::size_t api_index = out_.doc.rest_apis.size();
    out_.doc.rest_apis.emplace_back();
    const std::size_t first_stage = out_.doc.stages.size();
    bool has_id = false;
    r_.members(v, {rest_api_fields, rest_api_ignored}, [&](string_view name, dom::element e) {
      rest_api& api = out_.doc.rest_apis[api_index];
      if (name == "id") {
        has_id = true;
        read_string(e, api.id);
      } else if (name == "name") {
        read_string(e, api.name);
      } else if (name == "description") {
        (void)r_.string(e);
      } else if (name == "apiKeySource") {
        const auto s = r_.string(e);
        if (!s)
          return;
        if (*s == "AUTHORIZER") {
          r_.error(
              "apiKeySource \"AUTHORIZER\" is not supported: authorizers are not supported "
              "by usagegate, so API keys can only come from the x-api-key header (use "
              "\"HEADER\")");
        } else if (*s != "HEADER") {
          r_.error("must be \"HEADER\" (the only API key source usagegate supports)");
        }
      } else if (name == "resources") {
        r_.list(e, [&](dom::element r) { read_resource(r, api_index); });
      } else if (name == "stages") {
        r_.list(e, [&](dom::element s) { read_stage(s); });
      } else if (name == "gatewayResponses") {
        read_gateway_responses(r_, e, api, out_.where.gateway_responses[api_index]);
      }
    });
    if (v.type() == dom::element_type::OBJECT && !has_id)
      missing("id");
    // Stages may come before "id" in the object; they get the id afterwards.
    for (std::size_t i = first_stage; i < out_.doc.stages.size(); ++i)
      out_.doc.stages[i].api_id = out_.doc.rest_apis[api_index].id;
  }

  void read_resource(dom::element v, std::size_t api_index) {
    out_.where.resources[api_index].push_back(r_.here());
    resource res;
    bool has_path = false;
    r_.members(v, {resource_fields, {}}, [&](string_view name, dom::element e) {
      if (name == "id") {
        read_string(e, res.id);
      } else if (name == "parentId" || name == "pathPart") {
        (void)r_.string(e);
      } else if (name == "path") {
        has_path = true;
        const auto s = r_.string(e);
        if (!s)
          return;
        if (std::string why = resource_path_problem(*s); !why.empty()) {
          r_.error(std::move(why));
          return;
        }
        res.path = std::string(*s);
      } else if (name == "resourceMethods") {
        r_.entries(e, [&](string_view method_name, dom::element m) {
          if (!is_http_method(method_name)) {
            std::string message = "'";
            message += method_name;
            message +=
                "' is not an HTTP method API Gateway knows (GET, POST, PUT, PATCH, "
                "DELETE, HEAD, OPTIONS or ANY)";
            message += did_you_mean(method_name, http_methods());
            r_.error(std::move(message));
            return;
          }
          method parsed;
          parsed.http_method = std::string(method_name);
          r_.members(m, {method_fields, method_ignored}, [&](string_view field, dom::element f) {
            if (field == "httpMethod") {
              const auto s = r_.string(f);
              if (s && *s != method_name)
                r_.error("httpMethod must match the member name '" + std::string(method_name) +
                         "'");
            } else if (field == "authorizationType") {
              const auto s = r_.string(f);
              if (s && *s != "NONE")
                r_.error("authorizationType \"" + std::string(*s) +
                         "\" is not supported: usagegate only checks API keys, so a method that "
                         "needs IAM, Cognito or a custom authorizer would be left open (use "
                         "\"NONE\")");
            } else if (field == "apiKeyRequired") {
              if (auto b = r_.boolean(f))
                parsed.api_key_required = *b;
            }
          });
          res.methods.push_back(std::move(parsed));
        });
      }
    });
    if (v.type() == dom::element_type::OBJECT && !has_path)
      missing("path");
    out_.doc.rest_apis[api_index].resources.push_back(std::move(res));
  }

  void read_stage(dom::element v) {
    out_.where.stages.push_back(r_.here());
    stage st;
    bool has_name = false;
    r_.members(v, {stage_fields, stage_ignored}, [&](string_view name, dom::element e) {
      if (name == "stageName") {
        has_name = true;
        const auto s = r_.string(e);
        if (!s)
          return;
        if (std::string why = stage_name_problem(*s); !why.empty()) {
          r_.error(std::move(why));
          return;
        }
        st.stage_name = std::string(*s);
      } else if (name == "description") {
        (void)r_.string(e);
      } else if (name == "methodSettings") {
        r_.entries(e, [&](string_view key, dom::element m) { read_method_setting(key, m, st); });
      }
    });
    if (v.type() == dom::element_type::OBJECT && !has_name)
      missing("stageName");
    out_.doc.stages.push_back(std::move(st));
  }

  void read_method_setting(string_view key, dom::element v, stage& st) {
    std::string problem;
    const auto normalized = normalize_method_setting_key(key, problem);
    if (!normalized) {
      r_.error(std::move(problem));
      return;
    }
    method_setting setting;
    r_.members(v, {method_setting_fields, method_setting_ignored},
               [&](string_view name, dom::element e) {
                 if (name == "throttlingBurstLimit") {
                   if (auto n = bounded(e, 0, no_max))
                     setting.throttling_burst_limit = *n;
                 } else if (name == "throttlingRateLimit") {
                   if (auto d = non_negative_number(e))
                     setting.throttling_rate_limit = *d;
                 }
               });
    if (!st.method_settings.emplace(*normalized, setting).second)
      r_.error("this method setting names the same method as another key (\"" + *normalized +
               "\")");
  }

  // ---- usage plans ----

  void read_usage_plan(dom::element v) {
    out_.where.usage_plans.push_back(r_.here());
    usage_plan plan;
    bool has_id = false;
    r_.members(v, {usage_plan_fields, usage_plan_ignored}, [&](string_view name, dom::element e) {
      if (name == "id") {
        has_id = true;
        read_string(e, plan.id);
      } else if (name == "name") {
        read_string(e, plan.name);
      } else if (name == "description") {
        read_string(e, plan.description);
      } else if (name == "apiStages") {
        if (e.type() != dom::element_type::ARRAY) {
          r_.error("must be an array of {\"apiId\", \"stage\"} objects");
          return;
        }
        std::size_t index = 0;
        const dom::array stages = e.get_array().value_unsafe();
        for (const dom::element s : stages) {
          json_reader::scope at(r_, index++);
          plan.api_stages.push_back(read_api_stage(s));
        }
      } else if (name == "throttle") {
        plan.throttle = read_throttle(e);
      } else if (name == "quota") {
        plan.quota = read_quota(e);
      }
    });
    if (v.type() == dom::element_type::OBJECT && !has_id)
      missing("id");
    out_.doc.usage_plans.push_back(std::move(plan));
  }

  api_stage read_api_stage(dom::element v) {
    api_stage s;
    bool has_api = false;
    bool has_stage = false;
    r_.members(v, {api_stage_fields, {}}, [&](string_view name, dom::element e) {
      if (name == "apiId") {
        has_api = true;
        read_string(e, s.api_id);
      } else if (name == "stage") {
        has_stage = true;
        read_string(e, s.stage);
      } else if (name == "throttle") {
        r_.entries(e, [&](string_view key, dom::element t) {
          std::string problem;
          if (!parse_plan_method_key(key, problem)) {
            r_.error(std::move(problem));
            return;
          }
          if (auto settings = read_throttle(t))
            s.throttle.emplace(std::string(key), *settings);
        });
      }
    });
    if (v.type() == dom::element_type::OBJECT) {
      if (!has_api)
        missing("apiId");
      if (!has_stage)
        missing("stage");
    }
    return s;
  }

  std::optional<quota_settings> read_quota(dom::element v) {
    quota_settings q;
    bool has_limit = false;
    bool has_period = false;
    bool ok = true;
    r_.members(v, {quota_fields, {}}, [&](string_view name, dom::element e) {
      if (name == "limit") {
        has_limit = true;
        if (auto n = bounded(e, 0, no_max))
          q.limit = *n;
        else
          ok = false;
      } else if (name == "offset") {
        if (auto n = bounded(e, 0, no_max))
          q.offset = *n;
        else
          ok = false;
      } else if (name == "period") {
        has_period = true;
        const auto p = one_of(e, period_names);
        if (!p) {
          ok = false;
          return;
        }
        const auto period = limiter::parse_quota_period(*p);
        if (!period) {
          r_.error("is not a quota period the limiter knows");
          ok = false;
          return;
        }
        q.period = *period;
      }
    });
    if (v.type() != dom::element_type::OBJECT)
      return std::nullopt;
    if (!has_limit)
      missing("limit");
    if (!has_period)
      missing("period");
    if (!ok || !has_limit || !has_period)
      return std::nullopt;
    return q;
  }

  // ---- API keys ----

  void read_api_key(dom::element v) {
    out_.where.api_keys.push_back(r_.here());
    api_key key;
    bool has_id = false;
    bool has_value = false;
    bool has_digest = false;
    r_.members(v, {api_key_fields, api_key_ignored}, [&](string_view name, dom::element e) {
      if (name == "id") {
        has_id = true;
        read_string(e, key.id);
      } else if (name == "name") {
        read_string(e, key.name);
      } else if (name == "description") {
        read_string(e, key.description);
      } else if (name == "customerId") {
        read_string(e, key.customer_id);
      } else if (name == "enabled") {
        if (auto b = r_.boolean(e))
          key.enabled = *b;
      } else if (name == "value") {
        has_value = true;
        const auto s = r_.string(e);
        if (!s)
          return;
        // Never echo the value: these messages end up in logs and CI output.
        const std::size_t length = utf8_length(*s);
        if (length < 20) {
          r_.error("API Key value should be at least 20 characters");
        } else if (length > 128) {
          r_.error("API Key value exceeds maximum size of 128 characters");
        } else if (!printable_ascii(*s)) {
          r_.error(
              "an API key value may contain only printable ASCII characters and may not "
              "start or end with a space (clients send it in the x-api-key header)");
        }
        key.value = std::string(*s);
      } else if (name == "valueSha256") {
        has_digest = true;
        const auto s = r_.string(e);
        if (!s)
          return;
        key.value_sha256 = common::parse_sha256_hex(*s);
        if (!key.value_sha256)
          r_.error(
              "valueSha256 must be exactly 64 hexadecimal digits (the SHA-256 of the key "
              "value, e.g. from `printf %s \"$KEY\" | sha256sum`)");
      }
    });
    if (v.type() == dom::element_type::OBJECT) {
      if (!has_id)
        missing("id");
      if (has_value && has_digest)
        r_.error("give either 'value' or 'valueSha256', not both");
      else if (!has_value && !has_digest)
        r_.error(
            "missing the key: give 'value' (as printed by get-api-keys --include-values) or "
            "'valueSha256'");
    }
    out_.doc.api_keys.push_back(std::move(key));
  }

  static bool printable_ascii(string_view s) noexcept {
    for (const char c : s)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
        return false;
    return s.front() != ' ' && s.back() != ' ';
  }

  void read_plan_keys(string_view plan_id, dom::element v) {
    plan_key_group group;
    group.plan_id = std::string(plan_id);
    group.where = r_.here();
    group.first = out_.doc.usage_plan_keys.size();
    r_.list(v, [&](dom::element e) {
      out_.where.usage_plan_keys.push_back(r_.here());
      usage_plan_key entry;
      entry.usage_plan_id = group.plan_id;
      std::optional<std::string> value;
      bool has_id = false;
      r_.members(e, {plan_key_fields, {}}, [&](string_view name, dom::element f) {
        if (name == "id") {
          has_id = true;
          read_string(f, entry.key_id);
        } else if (name == "type") {
          const auto s = r_.string(f);
          if (s && *s != "API_KEY")
            r_.error("type must be \"API_KEY\" (the only usage plan key type)");
        } else if (name == "value") {
          if (const auto s = r_.string(f))
            value = std::string(*s);
        } else if (name == "name") {
          (void)r_.string(f);
        }
      });
      if (e.type() == dom::element_type::OBJECT && !has_id)
        missing("id");
      out_.doc.usage_plan_keys.push_back(std::move(entry));
      out_.where.usage_plan_key_values.push_back(std::move(value));
    });
    group.count = out_.doc.usage_plan_keys.size() - group.first;
    out_.where.plan_key_groups.push_back(std::move(group));
  }

  json_reader& r_;
  parsed_document out_;
};

}  // namespace

parsed_document parse_document(json_reader& reader, dom::element root) {
  return parser(reader).run(root);
}

}  // namespace ug::config::detail
