// CreateDeployment and DeleteDeployment. A deployment freezes the API's
// resources, methods and integrations as they are; a stage serves the
// deployment it points at, so edits to the API reach the data plane only
// when deployed again (AWS's rule).
#include <string>

#include "config/document/aws_names.hpp"
#include "gateway/control/json_shapes.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/operations.hpp"
#include "gateway/control/write/json_body.hpp"
#include "gateway/control/write/mutation.hpp"
#include "gateway/control/write/random_ids.hpp"
#include "gateway/control/write/rest_api_lookup.hpp"

namespace ug::gateway::control {
namespace {

std::string fresh_deployment_id(const config::rest_api& api) {
  for (;;) {
    std::string id = random_id(6);
    if (find_deployment(api, id) == nullptr)
      return id;
  }
}

/// AWS's refusal of an API that cannot be deployed, "" when it can.
std::string undeployable(const config::rest_api& api, bool has_default_upstream) {
  bool any_method = false;
  for (const config::resource& r : api.resources) {
    for (const config::method& m : r.methods) {
      any_method = true;
      if (!m.method_integration && !has_default_upstream)
        return "No integration defined for method";
    }
  }
  return any_method ? std::string() : "The REST API doesn't contain any methods";
}

}  // namespace

control_response create_deployment(mutation_context& c) {
  auto found = writable_rest_api(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  config::rest_api& api = *std::get<config::rest_api*>(found);
  json_body body;
  if (!body.parse(c.body))
    return malformed_body(body.error());
  const auto stage_name = body.string("stageName");
  const auto stage_description = body.string("stageDescription");
  const auto description = body.string("description");
  const auto tracing = body.boolean("tracingEnabled");
  std::optional<control_response> unsupported = unsupported_stage_settings(body);
  if (!body.ok())
    return malformed_body(body.error());
  if (unsupported)
    return std::move(*unsupported);
  if (std::string why = undeployable(api, c.doc.gateway.default_upstream.has_value()); !why.empty())
    return error_response(error_code::bad_request, why);
  if (stage_name && !stage_name->empty()) {
    if (std::string why = config::detail::stage_name_problem(*stage_name); !why.empty())
      return error_response(error_code::bad_request, "Invalid stage name: " + why);
  }
  config::deployment d;
  d.id = fresh_deployment_id(api);
  d.description = std::string(description.value_or(""));
  d.created_date_s = c.now_s;
  d.resources = api.resources;
  api.deployments.push_back(std::move(d));
  const config::deployment& made = api.deployments.back();
  if (stage_name && !stage_name->empty()) {
    config::stage* s = find_stage_in(c.doc, api.id, *stage_name);
    if (s == nullptr) {
      config::stage fresh;
      fresh.api_id = api.id;
      fresh.stage_name = std::string(*stage_name);
      fresh.description = std::string(stage_description.value_or(""));
      fresh.tracing_enabled = tracing.value_or(false);
      fresh.created_date_s = c.now_s;
      c.doc.stages.push_back(std::move(fresh));
      s = &c.doc.stages.back();
    } else if (tracing) {
      s->tracing_enabled = *tracing;
    }
    s->deployment_id = made.id;
    s->last_updated_date_s = c.now_s;
  }
  c.touch(object_kind::rest_api, api.id);
  json_writer w;
  write_deployment(w, made);
  return json_response(201, w.take());
}

control_response delete_deployment(mutation_context& c) {
  auto found = writable_rest_api(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  config::rest_api& api = *std::get<config::rest_api*>(found);
  const std::string id(c.route.param("deployment_id"));
  if (find_deployment(api, id) == nullptr)
    return error_response(error_code::not_found, not_found_text::deployment);
  for (const config::stage& s : c.doc.stages) {
    if (s.api_id == api.id && s.deployment_id == id)
      return error_response(error_code::bad_request,
                            "Active stages pointing to this deployment must be moved or deleted");
  }
  std::erase_if(api.deployments, [&](const config::deployment& d) { return d.id == id; });
  c.touch(object_kind::rest_api, api.id);
  return json_response(202, "");
}

}  // namespace ug::gateway::control
