#pragma once
// The configuration file as plain data, in AWS's own shapes and field names
// (AWS get-rest-apis, get-usage-plans, get-api-keys shapes; docs/configuration.md), plus the
// gateway-only settings kept apart. Produced by config/loader (parse + validate); compiled into the
// runtime snapshot by config/compiled_config. Nothing here is read on the hot path.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/responses/gateway_responses.hpp"
#include "limiter/key_table.hpp"
#include "limiter/quota_journal.hpp"
#include "limiter/quota_period.hpp"

namespace ug::config {

struct throttle_settings {       // AWS ThrottleSettings
  std::int64_t burst_limit = 0;  // burstLimit
  double rate_limit = 0;         // rateLimit
  bool operator==(const throttle_settings&) const = default;
};

struct quota_settings {  // AWS QuotaSettings
  std::int64_t limit = 0;
  std::int64_t offset = 0;
  limiter::quota_period period = limiter::quota_period::day;
};

struct api_stage {  // UsagePlan.apiStages[]
  std::string api_id;
  std::string stage;
  /// "/path/METHOD" (leading slash; root is "//GET") -> throttle
  std::map<std::string, throttle_settings> throttle;
};

struct usage_plan {
  std::string id;
  std::string name;
  std::string description;
  std::vector<api_stage> api_stages;
  std::optional<throttle_settings> throttle;
  std::optional<quota_settings> quota;
  std::map<std::string, std::string> tags;  // tags: at most 50, key 1..128 chars, value 0..256
  std::string product_code;                 // productCode (AWS Marketplace)
};

struct api_key {
  std::string id;
  std::string name;
  std::optional<std::string> value;                   // value (20..128 chars)
  std::optional<common::sha256_digest> value_sha256;  // valueSha256 (hex in JSON)
  bool enabled = false;  // AWS CreateApiKey default is false; get-api-keys always prints it
  std::string customer_id;
  std::string description;
  std::optional<std::int64_t> created_date_s;       // createdDate, seconds since the epoch
  std::optional<std::int64_t> last_updated_date_s;  // lastUpdatedDate, seconds since the epoch
  std::map<std::string, std::string> tags;  // tags: at most 50, key 1..128 chars, value 0..256
};

struct usage_plan_key {  // usagePlanKeys[]: {usagePlanId, keyId}
  std::string usage_plan_id;
  std::string key_id;
};

/// resourceMethods["GET"].methodIntegration: where the method's requests go.
/// Kept as written (files pasted from get-resources hold Lambda and https
/// integrations); served only by a stage whose upstream comes from its
/// integrations, where validation requires HTTP_PROXY or HTTP to an http://
/// URI whose path names only the resource's path parameters ("{proxy}").
struct integration {
  std::string type;         // HTTP_PROXY or HTTP
  std::string http_method;  // httpMethod: sent upstream; ANY sends the client's
  std::string uri;          // http://host:port/path/{proxy}
};

struct method {             // resources[].resourceMethods["GET"]
  std::string http_method;  // GET, POST, ..., ANY
  bool api_key_required = false;
  std::optional<integration> method_integration = std::nullopt;  // methodIntegration
};

struct resource {  // AWS Resource: {id, parentId, pathPart, path, resourceMethods}
  std::string id;
  std::string path;  // "/", "/endpoint", "/pets/{id}", "/{proxy+}"
  std::vector<method> methods;
};

struct method_setting {  // Stage.methodSettings["*/*" | "~1endpoint/GET"]
  std::optional<std::int64_t> throttling_burst_limit;
  std::optional<double> throttling_rate_limit;
};

struct upstream_settings {     // gateway-only, per stage
  std::string url;             // http://host:port[/base]
  std::string host;            // parsed from url
  std::uint16_t port = 80;     // parsed from url
  std::string base_path;       // parsed from url ("" or "/base")
  std::size_t pool_size = 64;  // per worker
  std::int64_t connect_timeout_ms = 5'000;
  std::int64_t response_timeout_ms = 300'000;  // to the response header (LLMs are slow)
  std::int64_t idle_timeout_ms = 60'000;       // of a pooled connection / body idle
  std::optional<std::string> host_header;      // default: the upstream's host:port
  bool forward_api_key = false;
};

struct stage {  // AWS Stage (get-stage shape) + gateway-only upstream
  std::string api_id;
  std::string stage_name;
  std::string base_path;                                  // default "/" + stage_name
  std::map<std::string, method_setting> method_settings;  // "*/*", "~1endpoint/GET"
  upstream_settings upstream;
  /// deploymentId: the deployment of its API it serves; "" (or an id the API
  /// has no deployments for, as get-stages output pasted into a file has)
  /// serves the API's resources as they are.
  std::string deployment_id;
  std::string description;
  bool tracing_enabled = false;                     // tracingEnabled: kept and shown
  std::optional<std::int64_t> created_date_s;       // createdDate
  std::optional<std::int64_t> last_updated_date_s;  // lastUpdatedDate
  /// Set by validation for a stage with no gateway.stages entry (one the
  /// control plane deployed): its upstream comes from its deployment's
  /// integrations (or gateway.defaultUpstream), each method's integration URI
  /// decides the upstream path, and it is reached only at
  /// /restapis/{id}/{stage}/_user_request_/ and under its execute-api host,
  /// never at a base path. A stage with a gateway.stages entry forwards to
  /// that upstream as it always has, whatever integrations say.
  bool upstream_from_integrations = false;
};

/// restApis[].deployments[] (a usagegate member: AWS keeps deployments out of
/// the RestApi shape): the API's resources, methods and integrations frozen
/// by CreateDeployment, which the stages pointing at it serve.
struct deployment {
  std::string id;
  std::string description;
  std::optional<std::int64_t> created_date_s;
  std::vector<resource> resources;
};

struct gateway_response_setting {  // AWS GatewayResponse (get-gateway-responses items[])
  gateway_response_type type = gateway_response_type::default_4xx;  // responseType
  std::optional<unsigned> status_code;                              // statusCode ("429")
  /// responseParameters, in file order: header name (after
  /// "gatewayresponse.header.") -> mapping expression ("'*'", "method.request.header.Origin")
  std::vector<std::pair<std::string, std::string>> response_headers;
  std::optional<std::string> json_template;  // responseTemplates["application/json"]
  bool default_response = false;             // defaultResponse: AWS's own, customises nothing
};

struct rest_api {  // AWS RestApi + its resources
  std::string id;
  std::string name;
  std::string description;
  std::optional<std::int64_t> created_date_s;  // createdDate, seconds since the epoch
  std::map<std::string, std::string> tags;     // tags: at most 50, key 1..128 chars, value 0..256
  std::string api_key_source = "HEADER";
  std::vector<resource> resources;
  std::vector<gateway_response_setting> gateway_responses;  // gatewayResponses
  std::vector<deployment> deployments;
};

struct listener_settings {
  std::string address = "127.0.0.1";  // numeric IPv4/IPv6 (start-up resolves no names)
  std::uint16_t port = 8080;          // 0: any free port (printed in the banner)
};

struct admin_settings {               // gateway.admin
  std::string address = "127.0.0.1";  // numeric; non-loopback only with a token and credentials
  std::uint16_t port = 9080;
  /// SHA-256 of the bearer token (authToken or the content of authTokenFile):
  /// the token itself is never kept. Unset: no authentication (loopback only).
  std::optional<common::sha256_digest> auth_token_sha256;
  /// gateway.admin.credentials: the one AWS key pair whose SigV4 signature
  /// the control plane and POST /reload require.
  struct key_pair {
    std::string access_key_id;
    /// Kept as it is because the HMAC chain needs it; never logged, never in
    /// an error message or a metric.
    std::string secret_access_key;
    bool operator==(const key_pair&) const = default;
  };
  /// Unset: no signature is checked.
  std::optional<key_pair> credentials;
  /// controlPlaneThrottle: one bucket for every management API call, AWS's
  /// account-wide 10 requests per second with a burst of 40 unless set.
  throttle_settings control_plane_throttle{40, 10.0};
  bool operator==(const admin_settings&) const = default;
};

struct gateway_settings {  // everything that is not an AWS object
  listener_settings listener;
  admin_settings admin;
  unsigned workers = 0;                           // 0: number of cores
  std::size_t max_header_bytes = 16 * 1024;       // -> 431
  std::size_t max_body_bytes = 10 * 1024 * 1024;  // -> 413 (AWS payload limit)
  std::int64_t header_timeout_ms = 10'000;
  std::int64_t keep_alive_timeout_ms = 60'000;
  std::int64_t drain_timeout_ms = 30'000;
  std::size_t max_connections = 10'000;
  std::optional<throttle_settings> account_throttle;  // AWS account level; off unless set
  /// gateway.defaultUpstream: where a deployed method without an integration
  /// is forwarded (one LLM server behind every API); unset, CreateDeployment
  /// refuses such a method as AWS does.
  std::optional<upstream_settings> default_upstream;
  bool aws_strict = false;  // no headers beyond AWS's (Retry-After, RateLimit*)
  limiter::offset_meaning quota_offset_meaning = limiter::offset_meaning::start_day;
  std::string state_directory;                  // "" : no durable state
  std::int64_t state_flush_interval_ms = 1000;  // stateFlushIntervalMs: writer batch interval
  std::int64_t quota_reserve_chunk = 0;         // quotaReserveChunk: 0 = max(64, 1 % of the limit)
  std::string access_log = "off";               // accessLog: "off", "stdout" or a file path
  std::size_t metrics_key_series = 100;         // metricsKeySeries: named key series; 0: none
  bool reload_on_file_change = false;           // reloadOnFileChange: poll the files every second
  /// onStateFailure: whether a count the state store cannot reserve is refused or admitted
  limiter::state_failure_policy on_state_failure = limiter::state_failure_policy::closed;
};

/// The AWS Account object's settable part (UpdateAccount): the CloudWatch
/// role API Gateway would log with, kept and shown (usagegate logs locally).
struct account_settings {
  std::string cloudwatch_role_arn;  // cloudwatchRoleArn
};

struct document {
  gateway_settings gateway;
  std::optional<account_settings> account;  // "account": the file's or the control plane's
  std::vector<rest_api> rest_apis;
  std::vector<stage> stages;
  std::vector<usage_plan> usage_plans;
  std::vector<api_key> api_keys;
  std::vector<usage_plan_key> usage_plan_keys;
  /// Every file the document was read from, the main file first (when loaded
  /// from a file), for gateway.reloadOnFileChange. Not part of the config.
  std::vector<std::string> source_files;
};

}  // namespace ug::config
