#pragma once
// The one way integration tests write a usagegate config file: a typed mirror
// of the document (docs/configuration.md), one struct per JSON object and one
// field per member, and to_json(), which owns the spelling (member names,
// nesting, quoting, "type": "API_KEY"). An optional member that is empty is
// left out of the file, so the gateway applies its default. Every member has
// a default member initializer, so that a designated initializer may name only
// what a test sets (GCC's -Wmissing-field-initializers). Layouts several
// tests share are in tests/support/gateway_config_layouts.hpp. Header-only;
// every function is pure and thread-safe.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "common/json_string.hpp"

namespace ug::test {

/// A token bucket: {"burstLimit", "rateLimit"} (requests, requests per second).
struct throttle_limits {
  std::int64_t burst_limit = 0;
  double rate_limit = 0;
};

/// A usage plan's quota: {"limit", "offset", "period"}.
struct quota_limits {
  std::int64_t limit = 0;
  std::optional<std::int64_t> offset{};  ///< left out when empty
  std::string period;  ///< "DAY", "WEEK", "MONTH" (or a wrong one, to test errors)
};

/// A bucket named by a method key: "*/*" or "~1echo/GET" in a stage's
/// methodSettings, "/echo/GET" in a plan's apiStages[].throttle.
struct method_throttle {
  std::string key{};
  throttle_limits limits{};
};

struct listener_settings {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;
};

struct admin_settings {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;
  std::optional<std::string> auth_token{};
  std::optional<std::string> auth_token_file{};
  /// gateway.admin.credentials: {"accessKeyId", "secretAccessKey" and/or
  /// "secretAccessKeyFile"} (both, or neither, to test the error).
  struct key_pair {
    std::string access_key_id{};
    std::optional<std::string> secret_access_key{};
    std::optional<std::string> secret_access_key_file{};
  };
  std::optional<key_pair> credentials{};
  std::optional<throttle_limits> control_plane_throttle{};  ///< controlPlaneThrottle
};

/// gateway.stages["<api_id>/<stage_name>"].upstream
struct upstream_settings {
  std::string url{};
  std::optional<std::int64_t> pool_size{};
  std::optional<std::int64_t> connect_timeout_ms{};
  std::optional<std::int64_t> response_timeout_ms{};
  std::optional<std::int64_t> idle_timeout_ms{};
  std::optional<std::string> host_header{};
  std::optional<bool> forward_api_key{};
};

/// http://127.0.0.1:<port><base_path>, nothing else set.
inline upstream_settings upstream_at(std::uint16_t port, const std::string& base_path = "") {
  return upstream_settings{.url = "http://127.0.0.1:" + std::to_string(port) + base_path};
}

/// One entry of gateway.stages: where a REST API's stage is served and forwarded.
struct gateway_stage {
  std::string api_id{};
  std::string stage_name{};
  std::string base_path{};  ///< "/v1"; left out when empty
  upstream_settings upstream{};
};

/// The "gateway" section. Its stages are written in this order (the
/// gateway matches them by name; restApis' order is the one that counts).
struct gateway_settings {
  listener_settings listener{};
  admin_settings admin{};
  int workers = 1;
  std::optional<std::int64_t> max_header_bytes{};
  std::optional<std::int64_t> max_body_bytes{};
  std::optional<std::int64_t> header_timeout_ms{};
  std::optional<std::int64_t> keep_alive_timeout_ms{};
  std::optional<std::int64_t> drain_timeout_ms{};
  std::optional<std::int64_t> max_connections{};
  std::optional<throttle_limits> account_throttle{};
  std::optional<bool> aws_strict{};
  std::optional<std::string> quota_offset_meaning{};  ///< "startDay", "initialRequests"
  std::optional<std::string> state_directory{};
  std::optional<std::int64_t> state_flush_interval_ms{};
  std::optional<std::int64_t> quota_reserve_chunk{};
  std::optional<std::string> on_state_failure{};  ///< "closed", "open"
  std::optional<std::string> access_log{};        ///< "off", "stdout" or a file path
  std::optional<std::int64_t> metrics_key_series{};
  std::optional<bool> reload_on_file_change{};
  std::vector<gateway_stage> stages{};
};

/// One of a resource's resourceMethods (its key and "httpMethod" are the same).
struct method_spec {
  std::string http_method{};  ///< "GET", "ANY"
  bool api_key_required = false;
};

/// One resource of a REST API. AWS exports parentId and pathPart with each
/// resource; the gateway routes on `path`, so a test may leave them out.
struct resource_spec {
  std::string id{};
  std::string path{};
  std::string parent_id{};  ///< left out when empty
  std::string path_part{};  ///< left out when empty
  std::vector<method_spec> methods{};
};

/// The resource `path_part` below `parent`, with the path, parentId and
/// pathPart AWS exports for it.
inline resource_spec child_resource(const resource_spec& parent, std::string id,
                                    const std::string& path_part,
                                    std::vector<method_spec> methods = {}) {
  std::string path = parent.path == "/" ? "/" + path_part : parent.path + "/" + path_part;
  return resource_spec{.id = std::move(id),
                       .path = std::move(path),
                       .parent_id = parent.id,
                       .path_part = path_part,
                       .methods = std::move(methods)};
}

/// restApis[].stages[]
struct stage_spec {
  std::string stage_name{};
  std::vector<method_throttle> method_settings{};  ///< left out when empty
};

/// One of a gateway response's responseParameters:
/// "gatewayresponse.header.<name>": <mapping>.
struct response_header {
  std::string name{};     ///< "Access-Control-Allow-Origin"
  std::string mapping{};  ///< "'*'", "method.request.header.Origin", "context.requestId"
};

/// restApis[].gatewayResponses.items[] (an AWS GatewayResponse).
struct gateway_response_spec {
  std::string response_type{};                 ///< "THROTTLED", "DEFAULT_4XX"
  std::optional<unsigned> status_code{};       ///< written as AWS prints it, "429"
  std::vector<response_header> headers{};      ///< responseParameters; left out when empty
  std::optional<std::string> json_template{};  ///< responseTemplates["application/json"]
  std::optional<bool> default_response{};
};

/// restApis[]
struct rest_api_spec {
  std::string id{};
  std::string name = "test";
  std::string api_key_source = "HEADER";
  std::vector<resource_spec> resources{};
  std::vector<stage_spec> stages{};
  /// Written as get-gateway-responses prints them, {"items": [...]}; left
  /// out when empty.
  std::vector<gateway_response_spec> gateway_responses{};
};

/// usagePlans[].apiStages[]
struct api_stage_ref {
  std::string api_id{};
  std::string stage{};
  std::vector<method_throttle> throttle{};  ///< per-method buckets; left out when empty
};

/// usagePlans[], and the plan's entry of usagePlanKeys.
struct usage_plan_spec {
  std::string id{};
  std::string name = "test";
  std::optional<std::string> description{};
  std::vector<api_stage_ref> api_stages{};
  std::optional<throttle_limits> throttle{};
  std::optional<quota_limits> quota{};
  /// usagePlanKeys[id]: the ids of its API keys (or whatever a test puts
  /// there); no entry when empty.
  std::vector<std::string> key_ids{};
};

/// apiKeys[]
struct api_key_spec {
  std::string id{};
  std::string value{};
  std::string name = "test";
  bool enabled = true;
};

/// A whole config file.
struct usagegate_config {
  gateway_settings gateway{};
  std::vector<rest_api_spec> rest_apis{};
  std::vector<usage_plan_spec> usage_plans{};
  std::vector<api_key_spec> api_keys{};
};

namespace detail {

/// Writes indented JSON, one member or element a line; the caller nests
/// open() and close() correctly.
class json_writer {
 public:
  void open(char bracket) {
    before_value();
    out_ += bracket;
    ++depth_;
    empty_ = true;
  }
  void close(char bracket) {
    --depth_;
    if (!empty_)
      new_line();
    out_ += bracket;
    empty_ = false;
  }
  /// The next value is the member `name` of the open object.
  void name(std::string_view name) {
    before_value();
    common::append_json_string(out_, name);
    out_ += ": ";
    after_name_ = true;
  }
  void string(std::string_view s) {
    before_value();
    common::append_json_string(out_, s);
  }
  void integer(std::int64_t n) {
    before_value();
    out_ += std::to_string(n);
  }
  /// The shortest fixed notation that reads back as `x` ("0.01", "100000").
  void number(double x) {
    before_value();
    char buf[400];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed);
    if (ec != std::errc{})
      throw std::invalid_argument("json_writer: number out of range");
    out_.append(buf, end);
  }
  void boolean(bool b) {
    before_value();
    out_ += b ? "true" : "false";
  }

  void member(std::string_view n, std::string_view s) {
    name(n);
    string(s);
  }
  void member_integer(std::string_view n, std::optional<std::int64_t> v) {
    if (v) {
      name(n);
      integer(*v);
    }
  }
  void member_boolean(std::string_view n, std::optional<bool> v) {
    if (v) {
      name(n);
      boolean(*v);
    }
  }
  void member_string(std::string_view n, const std::optional<std::string>& v) {
    if (v)
      member(n, *v);
  }

  std::string take() {
    out_ += '\n';
    return std::move(out_);
  }

 private:
  void before_value() {
    if (after_name_) {
      after_name_ = false;
      return;
    }
    if (depth_ == 0)
      return;
    if (!empty_)
      out_ += ',';
    new_line();
    empty_ = false;
  }
  void new_line() {
    out_ += '\n';
    out_.append(static_cast<std::size_t>(2 * depth_), ' ');
  }

  std::string out_;
  int depth_ = 0;
  bool empty_ = true;  ///< nothing written yet in the innermost open container
  bool after_name_ = false;
};

/// {"burstLimit": b, "rateLimit": r}, or with `throttling` the names
/// methodSettings uses: {"throttlingBurstLimit": b, "throttlingRateLimit": r}.
inline void write_throttle(json_writer& w, const throttle_limits& t, bool throttling = false) {
  w.open('{');
  w.name(throttling ? "throttlingBurstLimit" : "burstLimit");
  w.integer(t.burst_limit);
  w.name(throttling ? "throttlingRateLimit" : "rateLimit");
  w.number(t.rate_limit);
  w.close('}');
}

/// {"<key>": {...}, ...}
inline void write_method_throttles(json_writer& w, const std::vector<method_throttle>& ts,
                                   bool throttling) {
  w.open('{');
  for (const method_throttle& t : ts) {
    w.name(t.key);
    write_throttle(w, t.limits, throttling);
  }
  w.close('}');
}

inline void write_upstream(json_writer& w, const upstream_settings& u) {
  w.open('{');
  w.member("url", u.url);
  w.member_integer("poolSize", u.pool_size);
  w.member_integer("connectTimeoutMs", u.connect_timeout_ms);
  w.member_integer("responseTimeoutMs", u.response_timeout_ms);
  w.member_integer("idleTimeoutMs", u.idle_timeout_ms);
  w.member_string("hostHeader", u.host_header);
  w.member_boolean("forwardApiKey", u.forward_api_key);
  w.close('}');
}

inline void write_gateway(json_writer& w, const gateway_settings& g) {
  w.open('{');
  w.name("listener");
  w.open('{');
  w.member("address", g.listener.address);
  w.member_integer("port", g.listener.port);
  w.close('}');
  w.name("admin");
  w.open('{');
  w.member("address", g.admin.address);
  w.member_integer("port", g.admin.port);
  w.member_string("authToken", g.admin.auth_token);
  w.member_string("authTokenFile", g.admin.auth_token_file);
  if (g.admin.credentials) {
    w.name("credentials");
    w.open('{');
    w.member("accessKeyId", g.admin.credentials->access_key_id);
    w.member_string("secretAccessKey", g.admin.credentials->secret_access_key);
    w.member_string("secretAccessKeyFile", g.admin.credentials->secret_access_key_file);
    w.close('}');
  }
  if (g.admin.control_plane_throttle) {
    w.name("controlPlaneThrottle");
    write_throttle(w, *g.admin.control_plane_throttle);
  }
  w.close('}');
  w.member_integer("workers", g.workers);
  w.member_integer("maxHeaderBytes", g.max_header_bytes);
  w.member_integer("maxBodyBytes", g.max_body_bytes);
  w.member_integer("headerTimeoutMs", g.header_timeout_ms);
  w.member_integer("keepAliveTimeoutMs", g.keep_alive_timeout_ms);
  w.member_integer("drainTimeoutMs", g.drain_timeout_ms);
  w.member_integer("maxConnections", g.max_connections);
  if (g.account_throttle) {
    w.name("accountThrottle");
    write_throttle(w, *g.account_throttle);
  }
  w.member_boolean("awsStrict", g.aws_strict);
  w.member_string("quotaOffsetMeaning", g.quota_offset_meaning);
  w.member_string("stateDirectory", g.state_directory);
  w.member_integer("stateFlushIntervalMs", g.state_flush_interval_ms);
  w.member_integer("quotaReserveChunk", g.quota_reserve_chunk);
  w.member_string("onStateFailure", g.on_state_failure);
  w.member_string("accessLog", g.access_log);
  w.member_integer("metricsKeySeries", g.metrics_key_series);
  w.member_boolean("reloadOnFileChange", g.reload_on_file_change);
  w.name("stages");
  w.open('{');
  for (const gateway_stage& s : g.stages) {
    w.name(s.api_id + "/" + s.stage_name);
    w.open('{');
    if (!s.base_path.empty())
      w.member("basePath", s.base_path);
    w.name("upstream");
    write_upstream(w, s.upstream);
    w.close('}');
  }
  w.close('}');
  w.close('}');
}

inline void write_resource(json_writer& w, const resource_spec& r) {
  w.open('{');
  w.member("id", r.id);
  if (!r.parent_id.empty())
    w.member("parentId", r.parent_id);
  if (!r.path_part.empty())
    w.member("pathPart", r.path_part);
  w.member("path", r.path);
  if (!r.methods.empty()) {
    w.name("resourceMethods");
    w.open('{');
    for (const method_spec& m : r.methods) {
      w.name(m.http_method);
      w.open('{');
      w.member("httpMethod", m.http_method);
      w.name("apiKeyRequired");
      w.boolean(m.api_key_required);
      w.close('}');
    }
    w.close('}');
  }
  w.close('}');
}

inline void write_gateway_response(json_writer& w, const gateway_response_spec& r) {
  w.open('{');
  w.member("responseType", r.response_type);
  if (r.status_code)
    w.member("statusCode", std::to_string(*r.status_code));
  if (!r.headers.empty()) {
    w.name("responseParameters");
    w.open('{');
    for (const response_header& h : r.headers)
      w.member("gatewayresponse.header." + h.name, h.mapping);
    w.close('}');
  }
  if (r.json_template) {
    w.name("responseTemplates");
    w.open('{');
    w.member("application/json", *r.json_template);
    w.close('}');
  }
  w.member_boolean("defaultResponse", r.default_response);
  w.close('}');
}

inline void write_rest_api(json_writer& w, const rest_api_spec& api) {
  w.open('{');
  w.member("id", api.id);
  w.member("name", api.name);
  w.member("apiKeySource", api.api_key_source);
  w.name("resources");
  w.open('[');
  for (const resource_spec& r : api.resources)
    write_resource(w, r);
  w.close(']');
  w.name("stages");
  w.open('[');
  for (const stage_spec& s : api.stages) {
    w.open('{');
    w.member("stageName", s.stage_name);
    if (!s.method_settings.empty()) {
      w.name("methodSettings");
      write_method_throttles(w, s.method_settings, true);
    }
    w.close('}');
  }
  w.close(']');
  if (!api.gateway_responses.empty()) {
    w.name("gatewayResponses");
    w.open('{');
    w.name("items");
    w.open('[');
    for (const gateway_response_spec& r : api.gateway_responses)
      write_gateway_response(w, r);
    w.close(']');
    w.close('}');
  }
  w.close('}');
}

inline void write_usage_plan(json_writer& w, const usage_plan_spec& p) {
  w.open('{');
  w.member("id", p.id);
  w.member("name", p.name);
  w.member_string("description", p.description);
  w.name("apiStages");
  w.open('[');
  for (const api_stage_ref& s : p.api_stages) {
    w.open('{');
    w.member("apiId", s.api_id);
    w.member("stage", s.stage);
    if (!s.throttle.empty()) {
      w.name("throttle");
      write_method_throttles(w, s.throttle, false);
    }
    w.close('}');
  }
  w.close(']');
  if (p.throttle) {
    w.name("throttle");
    write_throttle(w, *p.throttle);
  }
  if (p.quota) {
    w.name("quota");
    w.open('{');
    w.name("limit");
    w.integer(p.quota->limit);
    w.member_integer("offset", p.quota->offset);
    w.member("period", p.quota->period);
    w.close('}');
  }
  w.close('}');
}

inline void write_api_key(json_writer& w, const api_key_spec& k) {
  w.open('{');
  w.member("id", k.id);
  w.member("name", k.name);
  w.name("enabled");
  w.boolean(k.enabled);
  w.member("value", k.value);
  w.close('}');
}

}  // namespace detail

/// The config file's text.
inline std::string to_json(const usagegate_config& c) {
  detail::json_writer w;
  w.open('{');
  w.name("gateway");
  detail::write_gateway(w, c.gateway);
  w.name("restApis");
  w.open('[');
  for (const rest_api_spec& api : c.rest_apis)
    detail::write_rest_api(w, api);
  w.close(']');
  w.name("usagePlans");
  w.open('[');
  for (const usage_plan_spec& p : c.usage_plans)
    detail::write_usage_plan(w, p);
  w.close(']');
  w.name("apiKeys");
  w.open('[');
  for (const api_key_spec& k : c.api_keys)
    detail::write_api_key(w, k);
  w.close(']');
  w.name("usagePlanKeys");
  w.open('{');
  for (const usage_plan_spec& p : c.usage_plans) {
    if (p.key_ids.empty())
      continue;
    w.name(p.id);
    w.open('[');
    for (const std::string& id : p.key_ids) {
      w.open('{');
      w.member("id", id);
      w.member("type", "API_KEY");
      w.close('}');
    }
    w.close(']');
  }
  w.close('}');
  w.close('}');
  return w.take();
}

}  // namespace ug::test
