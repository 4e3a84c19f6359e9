#include "gateway/control/control_plane.hpp"

#include <array>
#include <exception>
#include <string>
#include <utility>

#include "gateway/control/operations.hpp"
#include "gateway/control/usage_operations.hpp"
#include "gateway/control/write/mutation.hpp"

namespace ug::gateway::control {
namespace {

struct served_read {
  std::string_view name;
  operation run;
};

constexpr std::array served_reads{
    served_read{"GetApiKeys", get_api_keys},
    served_read{"GetApiKey", get_api_key},
    served_read{"GetUsagePlans", get_usage_plans},
    served_read{"GetUsagePlan", get_usage_plan},
    served_read{"GetUsagePlanKeys", get_usage_plan_keys},
    served_read{"GetUsagePlanKey", get_usage_plan_key},
    served_read{"GetRestApis", get_rest_apis},
    served_read{"GetRestApi", get_rest_api},
    served_read{"GetResources", get_resources},
    served_read{"GetResource", get_resource},
    served_read{"GetMethod", get_method},
    served_read{"GetStages", get_stages},
    served_read{"GetStage", get_stage},
    served_read{"GetAccount", get_account},
    served_read{"GetIntegration", get_integration},
    served_read{"GetDeployments", get_deployments},
    served_read{"GetDeployment", get_deployment},
};

struct served_write {
  std::string_view name;
  mutation run;
};

constexpr std::array served_writes{
    served_write{"CreateApiKey", create_api_key},
    served_write{"UpdateApiKey", update_api_key},
    served_write{"DeleteApiKey", delete_api_key},
    served_write{"CreateUsagePlan", create_usage_plan},
    served_write{"UpdateUsagePlan", update_usage_plan},
    served_write{"DeleteUsagePlan", delete_usage_plan},
    served_write{"CreateUsagePlanKey", create_usage_plan_key},
    served_write{"DeleteUsagePlanKey", delete_usage_plan_key},
    served_write{"ImportApiKeys", import_api_keys},
    served_write{"CreateRestApi", create_rest_api},
    served_write{"UpdateRestApi", update_rest_api},
    served_write{"DeleteRestApi", delete_rest_api},
    served_write{"CreateResource", create_resource},
    served_write{"DeleteResource", delete_resource},
    served_write{"PutMethod", put_method},
    served_write{"UpdateMethod", update_method},
    served_write{"DeleteMethod", delete_method},
    served_write{"PutIntegration", put_integration},
    served_write{"DeleteIntegration", delete_integration},
    served_write{"CreateDeployment", create_deployment},
    served_write{"DeleteDeployment", delete_deployment},
    served_write{"CreateStage", create_stage},
    served_write{"UpdateStage", update_stage},
    served_write{"DeleteStage", delete_stage},
    served_write{"UpdateAccount", update_account},
};

const served_write* find_write(std::string_view op) noexcept {
  for (const served_write& w : served_writes) {
    if (w.name == op)
      return &w;
  }
  return nullptr;
}

/// The collections of the API Gateway management API (the first segment of
/// every requestUri in the model).
constexpr std::array collections{
    std::string_view("account"),
    std::string_view("apikeys"),
    std::string_view("clientcertificates"),
    std::string_view("domainnameaccessassociations"),
    std::string_view("domainnames"),
    std::string_view("rejectdomainnameaccessassociations"),
    std::string_view("restapis"),
    std::string_view("sdktypes"),
    std::string_view("tags"),
    std::string_view("usageplans"),
    std::string_view("vpclinks"),
};

/// The operation a request names, or the answer when it names none.
struct routed_request {
  std::optional<query_params> query;
  std::optional<route_match> match;
  std::optional<control_response> refusal;
};

routed_request route_request(const control_request& request) {
  routed_request r;
  if (request.body.size() > max_control_body_bytes) {
    r.refusal = error_response(error_code::bad_request, "Request body too large");
    return r;
  }
  r.query = query_params::parse(request.query);
  if (!r.query) {
    r.refusal =
        error_response(error_code::bad_request, "Invalid query string: malformed %-encoding");
    return r;
  }
  route_result routed = route(request.method, request.path, *r.query);
  if (!routed.match) {
    r.refusal = routed.failure == route_failure::bad_encoding
                    ? error_response(error_code::bad_request, "Invalid path: malformed %-encoding")
                    : error_response(error_code::not_found, "No API Gateway operation matches " +
                                                                std::string(request.method) + " " +
                                                                std::string(request.path));
    return r;
  }
  r.match = std::move(routed.match);
  return r;
}

control_response dispatch(const control_request& request, const config::document& doc,
                          usage_access* usage) {
  const routed_request routed = route_request(request);
  if (routed.refusal)
    return *routed.refusal;
  const operation_context context{*routed.match, *routed.query, doc};
  const std::string_view op = routed.match->operation;
  for (const served_read& read : served_reads) {
    if (read.name == op)
      return read.run(context);
  }
  if (op == "GetUsage" && usage != nullptr)
    return get_usage(context, *usage);
  if (op == "GetUsage" || op == "UpdateUsage")
    return usage_without_state_directory(context);
  // What the store would keep (a new object, the account's settings) needs
  // one; a create under an API (a resource, a method) is the file's refusal
  // below: without a store every API is the file's.
  if (find_write(op) != nullptr &&
      (op.starts_with("Create") || op.starts_with("Import") || op == "UpdateAccount") &&
      routed.match->param("restapi_id").empty()) {
    return error_response(error_code::bad_request,
                          std::string(op) +
                              " needs gateway.stateDirectory: the control plane keeps the objects "
                              "it creates there (set it and restart usagegate)");
  }
  if (op.starts_with("Get")) {
    return error_response(error_code::bad_request,
                          std::string(op) +
                              " is not supported by usagegate yet (docs/control-plane.md lists "
                              "the operations it serves)");
  }
  return refuse_mutation(context);
}

}  // namespace

bool is_write(const control_request& request) noexcept {
  return request.method != "GET" && request.method != "HEAD";
}

bool is_control_plane_path(std::string_view path) noexcept {
  if (path.empty() || path.front() != '/')
    return false;
  const std::string_view first = path.substr(1, path.find('/', 1) - 1);
  for (std::string_view c : collections) {
    if (c == first)
      return true;
  }
  return false;
}

control_response handle(const control_request& request, const config::compiled_config& snapshot,
                        usage_access* usage) {
  try {
    return dispatch(request, snapshot.source_document(), usage);
  } catch (const std::exception& e) {
    return error_response(error_code::internal_failure,
                          std::string("usagegate control plane failed: ") + e.what());
  } catch (...) {
    return error_response(error_code::internal_failure, "usagegate control plane failed");
  }
}

std::string_view operation_name(const control_request& request) {
  const routed_request routed = route_request(request);
  return routed.match ? routed.match->operation : std::string_view();
}

control_response handle_write(const control_request& request, write_state& state) {
  try {
    const routed_request routed = route_request(request);
    if (routed.refusal)
      return *routed.refusal;
    const operation_context context{*routed.match, *routed.query, state.doc};
    if (routed.match->operation == "UpdateUsage") {
      return state.usage != nullptr ? update_usage(context, *state.usage, request.body)
                                    : usage_without_state_directory(context);
    }
    if (const served_write* w = find_write(routed.match->operation)) {
      mutation_context c{*routed.match, *routed.query, request.body, state.doc,
                         state.owned,   state.touched, state.now_s};
      return w->run(c);
    }
    // Not served yet: the same answers as without a store, except for what
    // the control plane made itself, which no file defines.
    const std::string_view api_id = routed.match->param("restapi_id");
    if (!api_id.empty() &&
        (state.owned.contains(object_ref{object_kind::rest_api, std::string(api_id)})))
      return error_response(error_code::bad_request,
                            std::string(routed.match->operation) +
                                " is not supported by usagegate yet (docs/control-plane.md lists "
                                "the operations it serves)");
    return refuse_mutation(context);
  } catch (const std::exception& e) {
    return error_response(error_code::internal_failure,
                          std::string("usagegate control plane failed: ") + e.what());
  } catch (...) {
    return error_response(error_code::internal_failure, "usagegate control plane failed");
  }
}

}  // namespace ug::gateway::control
