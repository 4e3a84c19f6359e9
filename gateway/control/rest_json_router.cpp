#include "gateway/control/rest_json_router.hpp"

#include <array>

#include "common/path_segments.hpp"

namespace ug::gateway::control {
namespace {

// The http bindings of the API Gateway service model (botocore's
// apigateway/service-2.json), in requestUri order.
constexpr std::array operations{
    operation_spec{"GET", "/account", "GetAccount"},
    operation_spec{"PATCH", "/account", "UpdateAccount"},
    operation_spec{"GET", "/apikeys", "GetApiKeys"},
    operation_spec{"POST", "/apikeys", "CreateApiKey"},
    operation_spec{"DELETE", "/apikeys/{api_Key}", "DeleteApiKey"},
    operation_spec{"GET", "/apikeys/{api_Key}", "GetApiKey"},
    operation_spec{"PATCH", "/apikeys/{api_Key}", "UpdateApiKey"},
    operation_spec{"POST", "/apikeys?mode=import", "ImportApiKeys"},
    operation_spec{"GET", "/clientcertificates", "GetClientCertificates"},
    operation_spec{"POST", "/clientcertificates", "GenerateClientCertificate"},
    operation_spec{"DELETE", "/clientcertificates/{clientcertificate_id}",
                   "DeleteClientCertificate"},
    operation_spec{"GET", "/clientcertificates/{clientcertificate_id}", "GetClientCertificate"},
    operation_spec{"PATCH", "/clientcertificates/{clientcertificate_id}",
                   "UpdateClientCertificate"},
    operation_spec{"GET", "/domainnameaccessassociations", "GetDomainNameAccessAssociations"},
    operation_spec{"POST", "/domainnameaccessassociations", "CreateDomainNameAccessAssociation"},
    operation_spec{"DELETE", "/domainnameaccessassociations/{domain_name_access_association_arn}",
                   "DeleteDomainNameAccessAssociation"},
    operation_spec{"GET", "/domainnames", "GetDomainNames"},
    operation_spec{"POST", "/domainnames", "CreateDomainName"},
    operation_spec{"DELETE", "/domainnames/{domain_name}", "DeleteDomainName"},
    operation_spec{"GET", "/domainnames/{domain_name}", "GetDomainName"},
    operation_spec{"PATCH", "/domainnames/{domain_name}", "UpdateDomainName"},
    operation_spec{"GET", "/domainnames/{domain_name}/basepathmappings", "GetBasePathMappings"},
    operation_spec{"POST", "/domainnames/{domain_name}/basepathmappings", "CreateBasePathMapping"},
    operation_spec{"DELETE", "/domainnames/{domain_name}/basepathmappings/{base_path}",
                   "DeleteBasePathMapping"},
    operation_spec{"GET", "/domainnames/{domain_name}/basepathmappings/{base_path}",
                   "GetBasePathMapping"},
    operation_spec{"PATCH", "/domainnames/{domain_name}/basepathmappings/{base_path}",
                   "UpdateBasePathMapping"},
    operation_spec{"POST", "/rejectdomainnameaccessassociations",
                   "RejectDomainNameAccessAssociation"},
    operation_spec{"GET", "/restapis", "GetRestApis"},
    operation_spec{"POST", "/restapis", "CreateRestApi"},
    operation_spec{"DELETE", "/restapis/{restapi_id}", "DeleteRestApi"},
    operation_spec{"GET", "/restapis/{restapi_id}", "GetRestApi"},
    operation_spec{"PATCH", "/restapis/{restapi_id}", "UpdateRestApi"},
    operation_spec{"PUT", "/restapis/{restapi_id}", "PutRestApi"},
    operation_spec{"GET", "/restapis/{restapi_id}/authorizers", "GetAuthorizers"},
    operation_spec{"POST", "/restapis/{restapi_id}/authorizers", "CreateAuthorizer"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/authorizers/{authorizer_id}",
                   "DeleteAuthorizer"},
    operation_spec{"GET", "/restapis/{restapi_id}/authorizers/{authorizer_id}", "GetAuthorizer"},
    operation_spec{"PATCH", "/restapis/{restapi_id}/authorizers/{authorizer_id}",
                   "UpdateAuthorizer"},
    operation_spec{"POST", "/restapis/{restapi_id}/authorizers/{authorizer_id}",
                   "TestInvokeAuthorizer"},
    operation_spec{"GET", "/restapis/{restapi_id}/deployments", "GetDeployments"},
    operation_spec{"POST", "/restapis/{restapi_id}/deployments", "CreateDeployment"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/deployments/{deployment_id}",
                   "DeleteDeployment"},
    operation_spec{"GET", "/restapis/{restapi_id}/deployments/{deployment_id}", "GetDeployment"},
    operation_spec{"PATCH", "/restapis/{restapi_id}/deployments/{deployment_id}",
                   "UpdateDeployment"},
    operation_spec{"GET", "/restapis/{restapi_id}/documentation/parts", "GetDocumentationParts"},
    operation_spec{"POST", "/restapis/{restapi_id}/documentation/parts", "CreateDocumentationPart"},
    operation_spec{"PUT", "/restapis/{restapi_id}/documentation/parts", "ImportDocumentationParts"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/documentation/parts/{part_id}",
                   "DeleteDocumentationPart"},
    operation_spec{"GET", "/restapis/{restapi_id}/documentation/parts/{part_id}",
                   "GetDocumentationPart"},
    operation_spec{"PATCH", "/restapis/{restapi_id}/documentation/parts/{part_id}",
                   "UpdateDocumentationPart"},
    operation_spec{"GET", "/restapis/{restapi_id}/documentation/versions",
                   "GetDocumentationVersions"},
    operation_spec{"POST", "/restapis/{restapi_id}/documentation/versions",
                   "CreateDocumentationVersion"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/documentation/versions/{doc_version}",
                   "DeleteDocumentationVersion"},
    operation_spec{"GET", "/restapis/{restapi_id}/documentation/versions/{doc_version}",
                   "GetDocumentationVersion"},
    operation_spec{"PATCH", "/restapis/{restapi_id}/documentation/versions/{doc_version}",
                   "UpdateDocumentationVersion"},
    operation_spec{"GET", "/restapis/{restapi_id}/gatewayresponses", "GetGatewayResponses"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/gatewayresponses/{response_type}",
                   "DeleteGatewayResponse"},
    operation_spec{"GET", "/restapis/{restapi_id}/gatewayresponses/{response_type}",
                   "GetGatewayResponse"},
    operation_spec{"PATCH", "/restapis/{restapi_id}/gatewayresponses/{response_type}",
                   "UpdateGatewayResponse"},
    operation_spec{"PUT", "/restapis/{restapi_id}/gatewayresponses/{response_type}",
                   "PutGatewayResponse"},
    operation_spec{"GET", "/restapis/{restapi_id}/models", "GetModels"},
    operation_spec{"POST", "/restapis/{restapi_id}/models", "CreateModel"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/models/{model_name}", "DeleteModel"},
    operation_spec{"GET", "/restapis/{restapi_id}/models/{model_name}", "GetModel"},
    operation_spec{"PATCH", "/restapis/{restapi_id}/models/{model_name}", "UpdateModel"},
    operation_spec{"GET", "/restapis/{restapi_id}/models/{model_name}/default_template",
                   "GetModelTemplate"},
    operation_spec{"GET", "/restapis/{restapi_id}/requestvalidators", "GetRequestValidators"},
    operation_spec{"POST", "/restapis/{restapi_id}/requestvalidators", "CreateRequestValidator"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}",
                   "DeleteRequestValidator"},
    operation_spec{"GET", "/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}",
                   "GetRequestValidator"},
    operation_spec{"PATCH", "/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}",
                   "UpdateRequestValidator"},
    operation_spec{"GET", "/restapis/{restapi_id}/resources", "GetResources"},
    operation_spec{"POST", "/restapis/{restapi_id}/resources/{parent_id}", "CreateResource"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/resources/{resource_id}", "DeleteResource"},
    operation_spec{"GET", "/restapis/{restapi_id}/resources/{resource_id}", "GetResource"},
    operation_spec{"PATCH", "/restapis/{restapi_id}/resources/{resource_id}", "UpdateResource"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}",
                   "DeleteMethod"},
    operation_spec{"GET", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}",
                   "GetMethod"},
    operation_spec{"PATCH", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}",
                   "UpdateMethod"},
    operation_spec{"POST", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}",
                   "TestInvokeMethod"},
    operation_spec{"PUT", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}",
                   "PutMethod"},
    operation_spec{
        "DELETE",
        "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration",
        "DeleteIntegration"},
    operation_spec{
        "GET", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration",
        "GetIntegration"},
    operation_spec{
        "PATCH", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration",
        "UpdateIntegration"},
    operation_spec{
        "PUT", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration",
        "PutIntegration"},
    operation_spec{"DELETE",
                   "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/"
                   "integration/responses/{status_code}",
                   "DeleteIntegrationResponse"},
    operation_spec{"GET",
                   "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/"
                   "integration/responses/{status_code}",
                   "GetIntegrationResponse"},
    operation_spec{"PATCH",
                   "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/"
                   "integration/responses/{status_code}",
                   "UpdateIntegrationResponse"},
    operation_spec{"PUT",
                   "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/"
                   "integration/responses/{status_code}",
                   "PutIntegrationResponse"},
    operation_spec{"DELETE",
                   "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/"
                   "{status_code}",
                   "DeleteMethodResponse"},
    operation_spec{"GET",
                   "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/"
                   "{status_code}",
                   "GetMethodResponse"},
    operation_spec{"PATCH",
                   "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/"
                   "{status_code}",
                   "UpdateMethodResponse"},
    operation_spec{"PUT",
                   "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/"
                   "{status_code}",
                   "PutMethodResponse"},
    operation_spec{"GET", "/restapis/{restapi_id}/stages", "GetStages"},
    operation_spec{"POST", "/restapis/{restapi_id}/stages", "CreateStage"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/stages/{stage_name}", "DeleteStage"},
    operation_spec{"GET", "/restapis/{restapi_id}/stages/{stage_name}", "GetStage"},
    operation_spec{"PATCH", "/restapis/{restapi_id}/stages/{stage_name}", "UpdateStage"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/stages/{stage_name}/cache/authorizers",
                   "FlushStageAuthorizersCache"},
    operation_spec{"DELETE", "/restapis/{restapi_id}/stages/{stage_name}/cache/data",
                   "FlushStageCache"},
    operation_spec{"GET", "/restapis/{restapi_id}/stages/{stage_name}/exports/{export_type}",
                   "GetExport"},
    operation_spec{"GET", "/restapis/{restapi_id}/stages/{stage_name}/sdks/{sdk_type}", "GetSdk"},
    operation_spec{"POST", "/restapis?mode=import", "ImportRestApi"},
    operation_spec{"GET", "/sdktypes", "GetSdkTypes"},
    operation_spec{"GET", "/sdktypes/{sdktype_id}", "GetSdkType"},
    operation_spec{"DELETE", "/tags/{resource_arn}", "UntagResource"},
    operation_spec{"GET", "/tags/{resource_arn}", "GetTags"},
    operation_spec{"PUT", "/tags/{resource_arn}", "TagResource"},
    operation_spec{"GET", "/usageplans", "GetUsagePlans"},
    operation_spec{"POST", "/usageplans", "CreateUsagePlan"},
    operation_spec{"DELETE", "/usageplans/{usageplanId}", "DeleteUsagePlan"},
    operation_spec{"GET", "/usageplans/{usageplanId}", "GetUsagePlan"},
    operation_spec{"PATCH", "/usageplans/{usageplanId}", "UpdateUsagePlan"},
    operation_spec{"GET", "/usageplans/{usageplanId}/keys", "GetUsagePlanKeys"},
    operation_spec{"POST", "/usageplans/{usageplanId}/keys", "CreateUsagePlanKey"},
    operation_spec{"DELETE", "/usageplans/{usageplanId}/keys/{keyId}", "DeleteUsagePlanKey"},
    operation_spec{"GET", "/usageplans/{usageplanId}/keys/{keyId}", "GetUsagePlanKey"},
    operation_spec{"PATCH", "/usageplans/{usageplanId}/keys/{keyId}/usage", "UpdateUsage"},
    operation_spec{"GET", "/usageplans/{usageplanId}/usage", "GetUsage"},
    operation_spec{"GET", "/vpclinks", "GetVpcLinks"},
    operation_spec{"POST", "/vpclinks", "CreateVpcLink"},
    operation_spec{"DELETE", "/vpclinks/{vpclink_id}", "DeleteVpcLink"},
    operation_spec{"GET", "/vpclinks/{vpclink_id}", "GetVpcLink"},
    operation_spec{"PATCH", "/vpclinks/{vpclink_id}", "UpdateVpcLink"},
};

std::vector<std::string_view> split_segments(std::string_view path) {
  return common::split_path_segments(path);
}

bool is_parameter(std::string_view segment) noexcept {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

/// The query member a template requires ("mode=import"), "" when none.
std::pair<std::string_view, std::string_view> required_query(std::string_view uri) {
  const auto q = uri.find('?');
  if (q == std::string_view::npos)
    return {};
  const std::string_view member = uri.substr(q + 1);
  const auto eq = member.find('=');
  return {member.substr(0, eq), member.substr(eq + 1)};
}

}  // namespace

std::span<const operation_spec> api_gateway_operations() noexcept {
  return operations;
}

std::string_view route_match::param(std::string_view name) const noexcept {
  for (const auto& [k, v] : params) {
    if (k == name)
      return v;
  }
  return {};
}

route_result route(std::string_view method, std::string_view raw_path, const query_params& query) {
  const std::vector<std::string_view> segments = split_segments(raw_path);
  const operation_spec* best = nullptr;
  for (const operation_spec& op : operations) {
    if (op.method != method)
      continue;
    const std::string_view uri = op.request_uri.substr(0, op.request_uri.find('?'));
    const std::vector<std::string_view> pattern = split_segments(uri);
    if (pattern.size() != segments.size())
      continue;
    bool same = true;
    for (std::size_t i = 0; same && i < pattern.size(); ++i) {
      same = is_parameter(pattern[i]) ? !segments[i].empty() : pattern[i] == segments[i];
    }
    if (!same)
      continue;
    const auto [name, value] = required_query(op.request_uri);
    if (!name.empty()) {
      if (query.get(name) != value)
        continue;
      best = &op;  // the query-qualified binding wins over the plain one
      break;
    }
    if (best == nullptr)
      best = &op;
  }
  route_result result;
  if (best == nullptr)
    return result;
  route_match match{best->name, {}};
  const std::string_view uri = best->request_uri.substr(0, best->request_uri.find('?'));
  const std::vector<std::string_view> pattern = split_segments(uri);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!is_parameter(pattern[i]))
      continue;
    auto decoded = percent_decode(segments[i]);
    if (!decoded) {
      result.failure = route_failure::bad_encoding;
      return result;
    }
    match.params.emplace_back(pattern[i].substr(1, pattern[i].size() - 2), std::move(*decoded));
  }
  result.match = std::move(match);
  return result;
}

}  // namespace ug::gateway::control
