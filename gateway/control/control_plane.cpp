#include "gateway/control/control_plane.hpp"

#include <array>
#include <exception>
#include <string>
#include <utility>

#include "gateway/control/operations.hpp"

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
};

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

control_response dispatch(const control_request& request, const config::document& doc) {
  if (request.body.size() > max_control_body_bytes)
    return error_response(error_code::bad_request, "Request body too large");
  const std::optional<query_params> query = query_params::parse(request.query);
  if (!query)
    return error_response(error_code::bad_request, "Invalid query string: malformed %-encoding");
  const route_result routed = route(request.method, request.path, *query);
  if (!routed.match) {
    if (routed.failure == route_failure::bad_encoding)
      return error_response(error_code::bad_request, "Invalid path: malformed %-encoding");
    return error_response(error_code::not_found, "No API Gateway operation matches " +
                                                     std::string(request.method) + " " +
                                                     std::string(request.path));
  }
  const operation_context context{*routed.match, *query, doc};
  const std::string_view op = routed.match->operation;
  for (const served_read& read : served_reads) {
    if (read.name == op)
      return read.run(context);
  }
  if (op == "GetUsage" || op == "UpdateUsage") {
    return error_response(error_code::bad_request,
                          std::string(op) +
                              " is not supported by usagegate's control plane yet: reading and "
                              "resetting usage through the API comes in a later release");
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

control_response handle(const control_request& request, const config::compiled_config& snapshot) {
  try {
    return dispatch(request, snapshot.source_document());
  } catch (const std::exception& e) {
    return error_response(error_code::internal_failure,
                          std::string("usagegate control plane failed: ") + e.what());
  } catch (...) {
    return error_response(error_code::internal_failure, "usagegate control plane failed");
  }
}

}  // namespace ug::gateway::control
