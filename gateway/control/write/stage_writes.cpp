// CreateStage, UpdateStage and DeleteStage of an API of the control plane.
// UpdateStage takes AWS's patch paths: the deployment, the description,
// X-Ray tracing (kept and shown; usagegate sends no traces) and method
// settings, of which the throttles are enforced and the metrics, logging and
// caching switches accepted and not used.
#include <array>
#include <charconv>
#include <cmath>
#include <string>

#include "config/document/aws_names.hpp"
#include "gateway/control/json_shapes.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/operations.hpp"
#include "gateway/control/write/json_body.hpp"
#include "gateway/control/write/mutation.hpp"
#include "gateway/control/write/patch_operations.hpp"
#include "gateway/control/write/rest_api_lookup.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::string_view stage_patch_paths =
    "[/deploymentId, /description, /tracingEnabled, /*/*/throttling/burstLimit, "
    "/*/*/throttling/rateLimit, /{resourcePath}/{httpMethod}/throttling/burstLimit, "
    "/{resourcePath}/{httpMethod}/throttling/rateLimit, /*/*/metrics/enabled, "
    "/*/*/logging/dataTrace, /*/*/logging/loglevel, /*/*/caching/enabled, "
    "/*/*/caching/ttlInSeconds, /*/*/caching/dataEncrypted, "
    "/*/*/caching/requireAuthorizationForCacheControl, "
    "/*/*/caching/unauthorizedCacheControlHeaderStrategy]";

/// Method-setting leaves AWS has and usagegate has no use for.
constexpr std::array ignored_setting_leaves{
    std::string_view("metrics/enabled"),
    std::string_view("logging/dataTrace"),
    std::string_view("logging/loglevel"),
    std::string_view("caching/enabled"),
    std::string_view("caching/ttlInSeconds"),
    std::string_view("caching/dataEncrypted"),
    std::string_view("caching/requireAuthorizationForCacheControl"),
    std::string_view("caching/unauthorizedCacheControlHeaderStrategy")};

/// Stage paths AWS has that usagegate does not serve.
constexpr std::array unsupported_stage_prefixes{
    std::string_view("/cacheClusterEnabled"), std::string_view("/cacheClusterSize"),
    std::string_view("/clientCertificateId"), std::string_view("/accessLogSettings"),
    std::string_view("/variables"),           std::string_view("/canarySettings"),
    std::string_view("/webAclArn"),           std::string_view("/documentationVersion")};

control_response invalid_setting_path(const patch_operation& p) {
  return error_response(error_code::bad_request,
                        "Invalid method setting path: " + p.path +
                            ". Must be one of: " + std::string(stage_patch_paths));
}

std::optional<std::int64_t> to_integer(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0)
    return std::nullopt;
  return n;
}

std::optional<double> to_rate(std::string_view text) {
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d) || d < 0)
    return std::nullopt;
  return d;
}

/// "/~1pets/GET/throttling/rateLimit" -> ("~1pets/GET", "throttling/rateLimit");
/// "/*/*" -> ("*/*", ""). nullopt when the path has fewer than two segments.
std::optional<std::pair<std::string, std::string>> split_setting_path(std::string_view path) {
  if (!path.starts_with('/'))
    return std::nullopt;
  path.remove_prefix(1);
  const std::size_t first = path.find('/');
  if (first == std::string_view::npos)
    return std::nullopt;
  const std::size_t second = path.find('/', first + 1);
  const std::string key(path.substr(0, second));
  const std::string leaf(second == std::string_view::npos ? std::string_view()
                                                          : path.substr(second + 1));
  return std::pair{key, leaf};
}

/// One patch operation on `s`; the error answer, or nullopt when applied.
std::optional<control_response> apply_stage_patch(const patch_operation& p, config::stage& s,
                                                  const config::rest_api& api) {
  const std::string v = p.value.value_or("");
  const bool sets = p.op == "replace" || p.op == "add";
  if (p.path == "/deploymentId" && p.op == "replace") {
    if (find_deployment(api, v) == nullptr)
      return error_response(error_code::not_found, not_found_text::deployment);
    s.deployment_id = v;
    return std::nullopt;
  }
  if (p.path == "/description" && p.op == "replace") {
    s.description = v;
    return std::nullopt;
  }
  if (p.path == "/tracingEnabled" && p.op == "replace") {
    s.tracing_enabled = patch_boolean(p);
    return std::nullopt;
  }
  for (std::string_view prefix : unsupported_stage_prefixes) {
    if (p.path.starts_with(prefix))
      return error_response(error_code::bad_request,
                            p.path +
                                " is not supported by usagegate yet (docs/control-plane.md "
                                "lists the stage settings it serves)");
  }
  const auto split = split_setting_path(p.path);
  if (!split)
    return invalid_setting_path(p);
  std::string problem;
  const auto key = config::detail::normalize_method_setting_key(split->first, problem);
  if (!key)
    return invalid_setting_path(p);
  const auto& [raw_key, leaf] = *split;
  if (leaf.empty() && p.op == "remove") {
    if (s.method_settings.erase(*key) == 0)
      return error_response(error_code::bad_request,
                            "Cannot remove method setting " + raw_key +
                                " because there is no method setting for this method ");
    return std::nullopt;
  }
  if (leaf == "throttling/burstLimit" && sets) {
    const auto n = to_integer(v);
    if (!n)
      return error_response(error_code::bad_request,
                            "Invalid burst limit: " + v + " (a whole number, 0 or more)");
    s.method_settings[*key].throttling_burst_limit = *n;
    return std::nullopt;
  }
  if (leaf == "throttling/rateLimit" && sets) {
    const auto d = to_rate(v);
    if (!d)
      return error_response(error_code::bad_request,
                            "Invalid rate limit: " + v + " (a number, 0 or more)");
    s.method_settings[*key].throttling_rate_limit = *d;
    return std::nullopt;
  }
  for (std::string_view ignored : ignored_setting_leaves) {
    if (leaf == ignored && sets)
      return std::nullopt;
  }
  return invalid_setting_path(p);
}

/// Usage plans that name stage `stage_name` of API `api_id`.
std::string plan_naming(const config::document& doc, std::string_view api_id,
                        std::string_view stage_name) {
  for (const config::usage_plan& plan : doc.usage_plans) {
    for (const config::api_stage& as : plan.api_stages) {
      if (as.api_id == api_id && as.stage == stage_name)
        return plan.id;
    }
  }
  return {};
}

}  // namespace

control_response create_stage(mutation_context& c) {
  auto found = writable_rest_api(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  config::rest_api& api = *std::get<config::rest_api*>(found);
  json_body body;
  if (!body.parse(c.body))
    return malformed_body(body.error());
  const auto stage_name = body.string("stageName");
  const auto deployment_id = body.string("deploymentId");
  const auto description = body.string("description");
  const auto tracing = body.boolean("tracingEnabled");
  std::optional<control_response> unsupported = unsupported_stage_settings(body);
  (void)body.string("documentationVersion");
  (void)body.object("tags");
  if (!body.ok())
    return malformed_body(body.error());
  if (!stage_name || stage_name->empty())
    return error_response(error_code::bad_request, "Stage name must be specified");
  if (std::string why = config::detail::stage_name_problem(*stage_name); !why.empty())
    return error_response(error_code::bad_request, "Invalid stage name: " + why);
  if (!deployment_id || find_deployment(api, *deployment_id) == nullptr)
    return error_response(error_code::not_found, not_found_text::deployment);
  if (unsupported)
    return std::move(*unsupported);
  if (find_stage_in(c.doc, api.id, *stage_name) != nullptr)
    return error_response(error_code::conflict, "Stage already exists");
  config::stage s;
  s.api_id = api.id;
  s.stage_name = std::string(*stage_name);
  s.deployment_id = std::string(*deployment_id);
  s.description = std::string(description.value_or(""));
  s.tracing_enabled = tracing.value_or(false);
  s.created_date_s = c.now_s;
  s.last_updated_date_s = c.now_s;
  c.doc.stages.push_back(std::move(s));
  c.touch(object_kind::rest_api, api.id);
  json_writer w;
  write_stage(w, c.doc.stages.back());
  return json_response(201, w.take());
}

control_response update_stage(mutation_context& c) {
  auto found = writable_rest_api(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const config::rest_api& api = *std::get<config::rest_api*>(found);
  config::stage* s = find_stage_in(c.doc, api.id, c.route.param("stage_name"));
  if (s == nullptr)
    return error_response(error_code::not_found, not_found_text::stage);
  std::string error;
  const auto ops = parse_patch_operations(c.body, error);
  if (!ops)
    return malformed_body(error);
  config::stage next = *s;
  for (const patch_operation& p : *ops) {
    if (auto refusal = apply_stage_patch(p, next, api))
      return std::move(*refusal);
  }
  next.last_updated_date_s = c.now_s;
  *s = std::move(next);
  c.touch(object_kind::rest_api, api.id);
  json_writer w;
  write_stage(w, *s);
  return json_response(200, w.take());
}

control_response delete_stage(mutation_context& c) {
  auto found = writable_rest_api(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const config::rest_api& api = *std::get<config::rest_api*>(found);
  const std::string name(c.route.param("stage_name"));
  if (find_stage_in(c.doc, api.id, name) == nullptr)
    return error_response(error_code::not_found, not_found_text::stage);
  if (const std::string plan = plan_naming(c.doc, api.id, name); !plan.empty())
    return error_response(error_code::bad_request,
                          "Stage " + name + " is in usage plan " + plan +
                              ": remove it from the plan first (update-usage-plan "
                              "--patch-operations op=remove,path=/apiStages,value=" +
                              api.id + ":" + name + ")");
  std::erase_if(c.doc.stages, [&](const config::stage& st) {
    return st.api_id == api.id && st.stage_name == name;
  });
  c.touch(object_kind::rest_api, api.id);
  return json_response(202, "");
}

}  // namespace ug::gateway::control
