// GetRestApis, GetRestApi, GetResources, GetResource, GetMethod,
// GetIntegration, GetDeployments, GetDeployment, GetStages, GetStage and
// GetAccount over the config document. A stage of the file is
// a restApis[].stages[] entry (document.stages keeps its api id).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/document/document_lookup.hpp"
#include "gateway/control/json_shapes.hpp"
#include "gateway/control/operations.hpp"

namespace ug::gateway::control {

const config::resource* find_resource(const config::rest_api& api, std::string_view id) {
  if (id.empty())
    return nullptr;
  for (const config::resource& r : api.resources) {
    if (r.id == id)
      return &r;
  }
  return nullptr;
}

const config::stage* find_stage(const config::document& doc, std::string_view api_id,
                                std::string_view stage_name) {
  for (const config::stage& s : doc.stages) {
    if (s.api_id == api_id && s.stage_name == stage_name)
      return &s;
  }
  return nullptr;
}

control_response rest_api_not_found(std::string_view id) {
  std::string message(not_found_text::rest_api_prefix);
  message.append(account_id).append(":").append(id);
  return error_response(error_code::not_found, message);
}

control_response get_rest_apis(const operation_context& c) {
  std::vector<const config::rest_api*> items;
  for (const config::rest_api& api : c.doc.rest_apis)
    items.push_back(&api);
  return list_answer(c, items,
                     [](json_writer& w, const config::rest_api& api) { write_rest_api(w, api); });
}

control_response get_rest_api(const operation_context& c) {
  const std::string_view id = c.route.param("restapi_id");
  const config::rest_api* api = find_rest_api(c.doc, id);
  if (api == nullptr)
    return rest_api_not_found(id);
  return object_answer([&](json_writer& w) { write_rest_api(w, *api); });
}

control_response get_resources(const operation_context& c) {
  const std::string_view id = c.route.param("restapi_id");
  const config::rest_api* api = find_rest_api(c.doc, id);
  if (api == nullptr)
    return rest_api_not_found(id);
  std::vector<const config::resource*> items;
  for (const config::resource& r : api->resources)
    items.push_back(&r);
  return list_answer(
      c, items, [api](json_writer& w, const config::resource& r) { write_resource(w, *api, r); });
}

namespace {

/// The resource (and, when the route names one, the method) a read names;
/// else the 404 of the first id that is unknown.
struct named_resource {
  const config::rest_api* api = nullptr;
  const config::resource* resource = nullptr;
  const config::method* method = nullptr;
  std::optional<control_response> refusal;
};

named_resource resource_of(const operation_context& c, bool with_method) {
  named_resource out;
  const std::string_view id = c.route.param("restapi_id");
  out.api = find_rest_api(c.doc, id);
  if (out.api == nullptr) {
    out.refusal = rest_api_not_found(id);
    return out;
  }
  out.resource = find_resource(*out.api, c.route.param("resource_id"));
  if (out.resource == nullptr) {
    out.refusal = error_response(error_code::not_found, not_found_text::resource);
    return out;
  }
  if (!with_method)
    return out;
  const std::string_view http_method = c.route.param("http_method");
  for (const config::method& m : out.resource->methods) {
    if (m.http_method == http_method)
      out.method = &m;
  }
  if (out.method == nullptr)
    out.refusal = error_response(error_code::not_found, not_found_text::method);
  return out;
}

}  // namespace

control_response get_resource(const operation_context& c) {
  const named_resource n = resource_of(c, false);
  if (n.refusal)
    return *n.refusal;
  return object_answer([&](json_writer& w) { write_resource(w, *n.api, *n.resource); });
}

control_response get_method(const operation_context& c) {
  const named_resource n = resource_of(c, true);
  if (n.refusal)
    return *n.refusal;
  return object_answer([&](json_writer& w) { write_method(w, *n.method, n.resource->id); });
}

control_response get_integration(const operation_context& c) {
  const named_resource n = resource_of(c, true);
  if (n.refusal)
    return *n.refusal;
  if (!n.method->method_integration)
    return error_response(error_code::not_found, not_found_text::integration);
  return object_answer(
      [&](json_writer& w) { write_integration(w, *n.method->method_integration, n.resource->id); });
}

control_response get_deployments(const operation_context& c) {
  const std::string_view id = c.route.param("restapi_id");
  const config::rest_api* api = find_rest_api(c.doc, id);
  if (api == nullptr)
    return rest_api_not_found(id);
  std::vector<const config::deployment*> items;
  for (const config::deployment& d : api->deployments)
    items.push_back(&d);
  return list_answer(c, items,
                     [](json_writer& w, const config::deployment& d) { write_deployment(w, d); });
}

control_response get_deployment(const operation_context& c) {
  const std::string_view id = c.route.param("restapi_id");
  const config::rest_api* api = find_rest_api(c.doc, id);
  if (api == nullptr)
    return rest_api_not_found(id);
  const config::deployment* d = find_deployment(*api, c.route.param("deployment_id"));
  if (d == nullptr)
    return error_response(error_code::not_found, not_found_text::deployment);
  return object_answer([&](json_writer& w) { write_deployment(w, *d); });
}

control_response get_stages(const operation_context& c) {
  // Stages is {"item": [...]} without paging in the model.
  const std::string_view id = c.route.param("restapi_id");
  if (find_rest_api(c.doc, id) == nullptr)
    return rest_api_not_found(id);
  return object_answer([&](json_writer& w) {
    w.begin_object();
    w.key("item");
    w.begin_array();
    for (const config::stage& s : c.doc.stages) {
      if (s.api_id == id)
        write_stage(w, s);
    }
    w.end_array();
    w.end_object();
  });
}

control_response get_stage(const operation_context& c) {
  const std::string_view id = c.route.param("restapi_id");
  if (find_rest_api(c.doc, id) == nullptr)
    return rest_api_not_found(id);
  const config::stage* s = find_stage(c.doc, id, c.route.param("stage_name"));
  if (s == nullptr)
    return error_response(error_code::not_found, not_found_text::stage);
  return object_answer([&](json_writer& w) { write_stage(w, *s); });
}

control_response get_account(const operation_context& c) {
  return object_answer([&](json_writer& w) { write_account(w, c.doc); });
}

}  // namespace ug::gateway::control
