#include "gateway/control/json_shapes.hpp"

#include <map>
#include <string>
#include <string_view>

#include "limiter/quota_period.hpp"

namespace ug::gateway::control {
namespace {

void optional_string(json_writer& w, std::string_view name, std::string_view value) {
  if (!value.empty()) {
    w.key(name);
    w.string(value);
  }
}

void write_throttle(json_writer& w, const config::throttle_settings& t) {
  w.begin_object();
  w.key("burstLimit");
  w.integer(t.burst_limit);
  w.key("rateLimit");
  w.number(t.rate_limit);
  w.end_object();
}

std::string_view period_name(limiter::quota_period p) noexcept {
  switch (p) {
    case limiter::quota_period::day:
      return "DAY";
    case limiter::quota_period::week:
      return "WEEK";
    case limiter::quota_period::month:
      return "MONTH";
  }
  return "DAY";
}

void write_tags(json_writer& w, const std::map<std::string, std::string>& tags) {
  w.key("tags");
  w.begin_object();
  for (const auto& [name, value] : tags) {
    w.key(name);
    w.string(value);
  }
  w.end_object();
}

/// "/pets/{id}" -> "/pets"; "/pets" -> "/"; "/" has none.
std::string_view parent_path(std::string_view path) noexcept {
  const auto slash = path.rfind('/');
  return slash == 0 ? std::string_view("/") : path.substr(0, slash);
}

}  // namespace

void write_api_key(json_writer& w, const config::api_key& key, key_value value) {
  w.begin_object();
  w.key("id");
  w.string(key.id);
  if (value == key_value::include && key.value) {
    w.key("value");
    w.string(*key.value);
  }
  optional_string(w, "name", key.name);
  optional_string(w, "customerId", key.customer_id);
  optional_string(w, "description", key.description);
  w.key("enabled");
  w.boolean(key.enabled);
  if (key.created_date_s) {
    w.key("createdDate");
    w.integer(*key.created_date_s);
  }
  if (key.last_updated_date_s) {
    w.key("lastUpdatedDate");
    w.integer(*key.last_updated_date_s);
  }
  if (!key.tags.empty())
    write_tags(w, key.tags);
  w.key("stageKeys");
  w.begin_array();
  w.end_array();
  w.end_object();
}

void write_usage_plan(json_writer& w, const config::usage_plan& plan, empty_tags tags) {
  w.begin_object();
  w.key("id");
  w.string(plan.id);
  optional_string(w, "name", plan.name);
  optional_string(w, "description", plan.description);
  w.key("apiStages");
  w.begin_array();
  for (const config::api_stage& s : plan.api_stages) {
    w.begin_object();
    w.key("apiId");
    w.string(s.api_id);
    w.key("stage");
    w.string(s.stage);
    if (!s.throttle.empty()) {
      w.key("throttle");
      w.begin_object();
      for (const auto& [method_key, limits] : s.throttle) {
        w.key(method_key);
        write_throttle(w, limits);
      }
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
  if (plan.throttle) {
    w.key("throttle");
    write_throttle(w, *plan.throttle);
  }
  if (plan.quota) {
    w.key("quota");
    w.begin_object();
    w.key("limit");
    w.integer(plan.quota->limit);
    w.key("offset");
    w.integer(plan.quota->offset);
    w.key("period");
    w.string(period_name(plan.quota->period));
    w.end_object();
  }
  optional_string(w, "productCode", plan.product_code);
  if (tags == empty_tags::write || !plan.tags.empty())
    write_tags(w, plan.tags);
  w.end_object();
}

void write_usage_plan_key(json_writer& w, const config::api_key& key) {
  w.begin_object();
  w.key("id");
  w.string(key.id);
  w.key("type");
  w.string("API_KEY");
  if (key.value) {
    w.key("value");
    w.string(*key.value);
  }
  optional_string(w, "name", key.name);
  w.end_object();
}

void write_rest_api(json_writer& w, const config::rest_api& api) {
  w.begin_object();
  w.key("id");
  w.string(api.id);
  optional_string(w, "name", api.name);
  optional_string(w, "description", api.description);
  if (api.created_date_s) {
    w.key("createdDate");
    w.integer(*api.created_date_s);
  }
  w.key("apiKeySource");
  w.string(api.api_key_source);
  w.key("endpointConfiguration");
  w.begin_object();
  w.key("types");
  w.begin_array();
  w.string("EDGE");
  w.end_array();
  w.key("ipAddressType");
  w.string("ipv4");
  w.end_object();
  w.key("disableExecuteApiEndpoint");
  w.boolean(false);
  for (const config::resource& r : api.resources) {
    if (r.path == "/" && !r.id.empty()) {
      w.key("rootResourceId");
      w.string(r.id);
      break;
    }
  }
  if (!api.tags.empty())
    write_tags(w, api.tags);
  w.end_object();
}

void write_resource(json_writer& w, const config::rest_api& api, const config::resource& r) {
  w.begin_object();
  optional_string(w, "id", r.id);  // the file may leave a resource's id out
  if (r.path != "/") {
    const std::string_view parent = parent_path(r.path);
    for (const config::resource& other : api.resources) {
      if (other.path == parent && !other.id.empty()) {
        w.key("parentId");
        w.string(other.id);
        break;
      }
    }
    w.key("pathPart");
    w.string(std::string_view(r.path).substr(r.path.rfind('/') + 1));
  }
  w.key("path");
  w.string(r.path);
  if (!r.methods.empty()) {
    w.key("resourceMethods");
    w.begin_object();
    for (const config::method& m : r.methods) {
      w.key(m.http_method);
      write_method(w, m, r.id);
    }
    w.end_object();
  }
  w.end_object();
}

void write_method(json_writer& w, const config::method& m, std::string_view resource_id) {
  w.begin_object();
  w.key("httpMethod");
  w.string(m.http_method);
  w.key("authorizationType");
  w.string("NONE");
  w.key("apiKeyRequired");
  w.boolean(m.api_key_required);
  if (m.method_integration) {
    w.key("methodIntegration");
    write_integration(w, *m.method_integration, resource_id);
  }
  w.end_object();
}

void write_integration(json_writer& w, const config::integration& in,
                       std::string_view resource_id) {
  w.begin_object();
  w.key("type");
  w.string(in.type);
  w.key("httpMethod");
  w.string(in.http_method);
  w.key("uri");
  w.string(in.uri);
  w.key("connectionType");
  w.string("INTERNET");
  w.key("passthroughBehavior");
  w.string("WHEN_NO_MATCH");
  w.key("timeoutInMillis");
  w.integer(29'000);
  optional_string(w, "cacheNamespace", resource_id);
  w.key("cacheKeyParameters");
  w.begin_array();
  w.end_array();
  w.end_object();
}

void write_deployment(json_writer& w, const config::deployment& d) {
  w.begin_object();
  w.key("id");
  w.string(d.id);
  optional_string(w, "description", d.description);
  if (d.created_date_s) {
    w.key("createdDate");
    w.integer(*d.created_date_s);
  }
  w.end_object();
}

void write_stage(json_writer& w, const config::stage& s) {
  w.begin_object();
  w.key("stageName");
  w.string(s.stage_name);
  optional_string(w, "deploymentId", s.deployment_id);
  optional_string(w, "description", s.description);
  if (s.created_date_s) {
    w.key("createdDate");
    w.integer(*s.created_date_s);
  }
  if (s.last_updated_date_s) {
    w.key("lastUpdatedDate");
    w.integer(*s.last_updated_date_s);
  }
  w.key("methodSettings");
  w.begin_object();
  for (const auto& [setting_key, setting] : s.method_settings) {
    w.key(setting_key);
    w.begin_object();
    if (setting.throttling_burst_limit) {
      w.key("throttlingBurstLimit");
      w.integer(*setting.throttling_burst_limit);
    }
    if (setting.throttling_rate_limit) {
      w.key("throttlingRateLimit");
      w.number(*setting.throttling_rate_limit);
    }
    w.end_object();
  }
  w.end_object();
  w.key("cacheClusterEnabled");
  w.boolean(false);
  w.key("cacheClusterStatus");
  w.string("NOT_AVAILABLE");
  w.key("tracingEnabled");
  w.boolean(s.tracing_enabled);
  w.end_object();
}

void write_account(json_writer& w, const config::document& doc) {
  const config::gateway_settings& gateway = doc.gateway;
  w.begin_object();
  if (doc.account && !doc.account->cloudwatch_role_arn.empty()) {
    w.key("cloudwatchRoleArn");
    w.string(doc.account->cloudwatch_role_arn);
  }
  if (gateway.account_throttle) {
    w.key("throttleSettings");
    write_throttle(w, *gateway.account_throttle);
  }
  w.key("features");
  w.begin_array();
  w.string("UsagePlans");
  w.end_array();
  w.key("apiKeyVersion");
  w.string("4");
  w.end_object();
}

}  // namespace ug::gateway::control
