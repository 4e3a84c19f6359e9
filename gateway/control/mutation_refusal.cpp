// Every write the control plane is asked for: the objects come from the
// config file, which stays the source of truth, so a write to one of them is
// refused with a 400 that names the file and says how to change it. An
// operation naming an object the file does not have gets the 404 AWS sends
// for it first, so a script sees the same error it would see against AWS.
#include <array>
#include <string>
#include <string_view>

#include "gateway/control/operations.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::array create_verbs{std::string_view("Create"), std::string_view("Import"),
                                  std::string_view("Generate")};
constexpr std::array verbs{std::string_view("Create"), std::string_view("Update"),
                           std::string_view("Delete"), std::string_view("Put"),
                           std::string_view("Import"), std::string_view("Generate")};

/// "UpdateUsagePlan" -> "UsagePlan"; "" for a verb this file does not judge.
std::string_view operation_object(std::string_view operation) noexcept {
  for (std::string_view verb : verbs) {
    if (operation.starts_with(verb))
      return operation.substr(verb.size());
  }
  return {};
}

bool is_create(std::string_view operation) noexcept {
  for (std::string_view verb : create_verbs) {
    if (operation.starts_with(verb))
      return true;
  }
  return false;
}

std::string config_file(const config::document& doc) {
  return doc.source_files.empty() ? std::string("the config file")
                                  : "the config file " + doc.source_files.front();
}

constexpr std::string_view how_to_change =
    " and reload it (POST /reload on the admin listener, "
    "or SIGHUP)";

// The CLI prints the operation's name before the message already, so the
// messages do not repeat it.
control_response file_managed(const operation_context& c, std::string_view what) {
  std::string message(what);
  if (!message.empty() && message.front() >= 'a' && message.front() <= 'z')
    message.front() = static_cast<char>(message.front() - 'a' + 'A');
  message.append(" is defined in ").append(config_file(c.doc));
  message.append(
      " and is read-only through the API (the file is the source of truth); change "
      "the file");
  message.append(how_to_change);
  return error_response(error_code::bad_request, message);
}

control_response create_needs_later_release(const operation_context& c) {
  std::string message(
      "Creating objects through the API needs a later release of usagegate; add the object to ");
  message.append(config_file(c.doc)).append(how_to_change);
  return error_response(error_code::bad_request, message);
}

std::string named(std::string_view kind, std::string_view id) {
  return std::string(kind) + " '" + std::string(id) + "'";
}

/// A write to a REST API or to what it holds (stage, resource, method): the
/// 404 of the first id the file lacks, else the refusal.
control_response refuse_rest_api_write(const operation_context& c, std::string_view kind) {
  const std::string_view api_id = c.route.param("restapi_id");
  const config::rest_api* api = find_rest_api(c.doc, api_id);
  if (api == nullptr)
    return rest_api_not_found(api_id);
  const std::string_view op = c.route.operation;
  if (kind == "RestApi" || kind == "Deployment")
    return file_managed(c, named("REST API", api_id));
  if (kind == "Stage" || kind == "Stages") {
    const std::string_view stage_name = c.route.param("stage_name");
    if (stage_name.empty())
      return file_managed(c, named("REST API", api_id));
    if (find_stage(c.doc, api_id, stage_name) == nullptr)
      return error_response(error_code::not_found, not_found_text::stage);
    return file_managed(c,
                        named("stage", stage_name) + " of REST API '" + std::string(api_id) + "'");
  }
  // Resource and Method: CreateResource names its parent, the others the resource itself.
  const std::string_view parent_id = c.route.param("parent_id");
  const std::string_view resource_id = parent_id.empty() ? c.route.param("resource_id") : parent_id;
  const config::resource* r = find_resource(*api, resource_id);
  if (r == nullptr)
    return error_response(error_code::not_found, not_found_text::resource);
  // Resources and methods under an API of the file are the file's to add.
  if (is_create(op))
    return file_managed(c, named("REST API", api_id));
  if (kind == "Resource")
    return file_managed(c, named("resource", resource_id));
  const std::string_view http_method = c.route.param("http_method");
  for (const config::method& m : r->methods) {
    if (m.http_method == http_method)
      return file_managed(c, "method " + std::string(http_method) + " of resource '" +
                                 std::string(resource_id) + "'");
  }
  if (op.starts_with("Put"))
    return file_managed(c, named("REST API", api_id));
  return error_response(error_code::not_found, not_found_text::method);
}

}  // namespace

control_response refuse_mutation(const operation_context& c) {
  const std::string_view op = c.route.operation;
  const std::string_view kind = operation_object(op);
  if (kind == "ApiKey" || kind == "ApiKeys") {
    const std::string_view id = c.route.param("api_Key");
    if (id.empty())
      return create_needs_later_release(c);
    if (find_api_key(c.doc, id) == nullptr)
      return error_response(error_code::not_found, not_found_text::api_key);
    return file_managed(c, named("API key", id));
  }
  if (kind == "UsagePlan" || kind == "UsagePlanKey") {
    const std::string_view plan_id = c.route.param("usageplanId");
    if (plan_id.empty())
      return create_needs_later_release(c);
    if (find_usage_plan(c.doc, plan_id) == nullptr)
      return error_response(error_code::not_found, not_found_text::usage_plan);
    if (kind == "UsagePlan")
      return file_managed(c, named("usage plan", plan_id));
    const std::string_view key_id = c.route.param("keyId");
    if (key_id.empty())
      return create_needs_later_release(c);
    if (!plan_has_key(c.doc, plan_id, key_id))
      return error_response(error_code::not_found, not_found_text::usage_plan_key);
    return file_managed(
        c, "API key '" + std::string(key_id) + "' in usage plan '" + std::string(plan_id) + "'");
  }
  if (kind == "Account")
    return file_managed(c, "the account throttle (gateway.accountThrottle)");
  if (kind == "RestApi" || kind == "Resource" || kind == "Method" || kind == "Stage" ||
      kind == "Integration" || kind == "Deployment") {
    if (c.route.param("restapi_id").empty())
      return create_needs_later_release(c);
    return refuse_rest_api_write(c, kind);
  }
  return error_response(error_code::bad_request,
                        std::string(op) +
                            " is not supported by usagegate yet "
                            "(docs/control-plane.md lists the operations it serves)");
}

}  // namespace ug::gateway::control
