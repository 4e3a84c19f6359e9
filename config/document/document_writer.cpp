#include "config/document/document_writer.hpp"

#include <charconv>
#include <cmath>
#include <span>
#include <string_view>
#include <vector>

#include "common/json_string.hpp"
#include "common/sha256.hpp"
#include "limiter/quota_period.hpp"

namespace ug::config {
namespace {

using std::string_view;

/// Appends members to one JSON object, writing the commas.
class object_writer {
 public:
  explicit object_writer(std::string& out) : out_(out) { out_.push_back('{'); }
  void close() { out_.push_back('}'); }

  /// Writes `"name":` and leaves the value to the caller.
  std::string& member(string_view name) {
    if (!first_)
      out_.push_back(',');
    first_ = false;
    common::append_json_string(out_, name);
    out_.push_back(':');
    return out_;
  }

  void string(string_view name, string_view value) {
    common::append_json_string(member(name), value);
  }
  void integer(string_view name, std::int64_t value) { member(name) += std::to_string(value); }
  void boolean(string_view name, bool value) { member(name) += value ? "true" : "false"; }

 private:
  std::string& out_;
  bool first_ = true;
};

void append_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  // Large magnitudes in scientific form: the shortest fixed form of 2^64 is a
  // 20-digit integer, which JSON readers may refuse as out of integer range.
  const auto [end, ec] =
      std::fabs(value) >= 1e15
          ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific)
          : std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc() ? end : buffer);
}

void append_throttle(std::string& out, const throttle_settings& t) {
  object_writer o(out);
  o.integer("burstLimit", t.burst_limit);
  append_double(o.member("rateLimit"), t.rate_limit);
  o.close();
}

void append_tags(object_writer& o, const std::map<std::string, std::string>& tags) {
  if (tags.empty())
    return;
  std::string& out = o.member("tags");
  object_writer t(out);
  for (const auto& [key, value] : tags)
    t.string(key, value);
  t.close();
}

void append_resources(std::string& out, const std::vector<resource>& resources) {
  out.push_back('[');
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const resource& r = resources[i];
    if (i != 0)
      out.push_back(',');
    object_writer ro(out);
    ro.string("id", r.id);
    ro.string("path", r.path);
    if (!r.methods.empty()) {
      object_writer mo(ro.member("resourceMethods"));
      for (const method& m : r.methods) {
        object_writer one(mo.member(m.http_method));
        one.string("httpMethod", m.http_method);
        one.string("authorizationType", "NONE");
        one.boolean("apiKeyRequired", m.api_key_required);
        if (m.method_integration) {
          object_writer in(one.member("methodIntegration"));
          in.string("type", m.method_integration->type);
          in.string("httpMethod", m.method_integration->http_method);
          in.string("uri", m.method_integration->uri);
          in.close();
        }
        one.close();
      }
      mo.close();
    }
    ro.close();
  }
  out.push_back(']');
}

void append_stage(std::string& out, const stage& s) {
  object_writer o(out);
  o.string("stageName", s.stage_name);
  if (!s.description.empty())
    o.string("description", s.description);
  if (!s.deployment_id.empty())
    o.string("deploymentId", s.deployment_id);
  if (s.tracing_enabled)
    o.boolean("tracingEnabled", true);
  if (s.created_date_s)
    o.integer("createdDate", *s.created_date_s);
  if (s.last_updated_date_s)
    o.integer("lastUpdatedDate", *s.last_updated_date_s);
  if (!s.method_settings.empty()) {
    object_writer settings(o.member("methodSettings"));
    for (const auto& [key, setting] : s.method_settings) {
      object_writer one(settings.member(key));
      if (setting.throttling_burst_limit)
        one.integer("throttlingBurstLimit", *setting.throttling_burst_limit);
      if (setting.throttling_rate_limit)
        append_double(one.member("throttlingRateLimit"), *setting.throttling_rate_limit);
      one.close();
    }
    settings.close();
  }
  o.close();
}

void append_api_stage(std::string& out, const api_stage& s) {
  object_writer o(out);
  o.string("apiId", s.api_id);
  o.string("stage", s.stage);
  if (!s.throttle.empty()) {
    std::string& inner = o.member("throttle");
    object_writer methods(inner);
    for (const auto& [key, settings] : s.throttle)
      append_throttle(methods.member(key), settings);
    methods.close();
  }
  o.close();
}

}  // namespace

std::string api_key_json(const api_key& key) {
  std::string out;
  object_writer o(out);
  o.string("id", key.id);
  o.string("name", key.name);
  if (key.value)
    o.string("value", *key.value);
  else if (key.value_sha256)
    o.string("valueSha256", common::to_hex(*key.value_sha256));
  o.boolean("enabled", key.enabled);
  if (!key.customer_id.empty())
    o.string("customerId", key.customer_id);
  if (!key.description.empty())
    o.string("description", key.description);
  if (key.created_date_s)
    o.integer("createdDate", *key.created_date_s);
  if (key.last_updated_date_s)
    o.integer("lastUpdatedDate", *key.last_updated_date_s);
  append_tags(o, key.tags);
  o.close();
  return out;
}

std::string usage_plan_json(const usage_plan& plan) {
  std::string out;
  object_writer o(out);
  o.string("id", plan.id);
  o.string("name", plan.name);
  if (!plan.description.empty())
    o.string("description", plan.description);
  std::string& stages = o.member("apiStages");
  stages.push_back('[');
  for (std::size_t i = 0; i < plan.api_stages.size(); ++i) {
    if (i != 0)
      stages.push_back(',');
    append_api_stage(stages, plan.api_stages[i]);
  }
  stages.push_back(']');
  if (plan.throttle)
    append_throttle(o.member("throttle"), *plan.throttle);
  if (plan.quota) {
    object_writer q(o.member("quota"));
    q.integer("limit", plan.quota->limit);
    q.integer("offset", plan.quota->offset);
    q.string("period", limiter::to_aws_name(plan.quota->period));
    q.close();
  }
  if (!plan.product_code.empty())
    o.string("productCode", plan.product_code);
  append_tags(o, plan.tags);
  o.close();
  return out;
}

std::string rest_api_json(const rest_api& api, std::span<const stage> stages) {
  std::string out;
  object_writer o(out);
  o.string("id", api.id);
  o.string("name", api.name);
  if (!api.description.empty())
    o.string("description", api.description);
  if (api.created_date_s)
    o.integer("createdDate", *api.created_date_s);
  o.string("apiKeySource", api.api_key_source);
  append_tags(o, api.tags);
  append_resources(o.member("resources"), api.resources);
  if (!api.deployments.empty()) {
    std::string& list = o.member("deployments");
    list.push_back('[');
    for (std::size_t i = 0; i < api.deployments.size(); ++i) {
      const deployment& d = api.deployments[i];
      if (i != 0)
        list.push_back(',');
      object_writer dw(list);
      dw.string("id", d.id);
      if (!d.description.empty())
        dw.string("description", d.description);
      if (d.created_date_s)
        dw.integer("createdDate", *d.created_date_s);
      append_resources(dw.member("resources"), d.resources);
      dw.close();
    }
    list.push_back(']');
  }
  if (!stages.empty()) {
    std::string& list = o.member("stages");
    list.push_back('[');
    for (std::size_t i = 0; i < stages.size(); ++i) {
      if (i != 0)
        list.push_back(',');
      append_stage(list, stages[i]);
    }
    list.push_back(']');
  }
  o.close();
  return out;
}

std::string account_json(const account_settings& account) {
  std::string out;
  object_writer o(out);
  if (!account.cloudwatch_role_arn.empty())
    o.string("cloudwatchRoleArn", account.cloudwatch_role_arn);
  o.close();
  return out;
}

}  // namespace ug::config
