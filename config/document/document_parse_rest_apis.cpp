// restApis[]: each RestApi with its resources, their methods, and its stages
// with their method settings.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "config/document/aws_metadata.hpp"
#include "config/document/aws_names.hpp"
#include "config/document/document_parser_impl.hpp"
#include "config/document/parse_gateway_responses.hpp"
#include "config/json/suggest.hpp"

namespace ug::config::detail {
namespace {

namespace dom = simdjson::dom;
using std::string_view;

// Member names per object. `*_ignored` are members AWS prints (get-* output)
// that the gateway has no use for: accepted so that CLI output drops in as is.
constexpr string_view rest_api_fields[] = {
    "id",        "name",   "description",      "apiKeySource", "createdDate",
    "resources", "stages", "gatewayResponses", "tags",         "deployments"};
constexpr string_view rest_api_ignored[] = {"version",
                                            "warnings",
                                            "binaryMediaTypes",
                                            "minimumCompressionSize",
                                            "endpointConfiguration",
                                            "policy",
                                            "disableExecuteApiEndpoint",
                                            "rootResourceId",
                                            "apiStatus",
                                            "apiStatusMessage"};
constexpr string_view resource_fields[] = {"id", "parentId", "pathPart", "path", "resourceMethods"};
constexpr string_view method_fields[] = {"httpMethod", "authorizationType", "apiKeyRequired",
                                         "methodIntegration"};
constexpr string_view method_ignored[] = {
    "authorizerId",  "operationName",   "requestValidatorId", "requestParameters",
    "requestModels", "methodResponses", "authorizationScopes"};
constexpr string_view integration_fields[] = {"type", "httpMethod", "uri"};
constexpr string_view integration_ignored[] = {
    "connectionType",   "connectionId",        "credentials",          "requestParameters",
    "requestTemplates", "passthroughBehavior", "contentHandling",      "timeoutInMillis",
    "cacheNamespace",   "cacheKeyParameters",  "integrationResponses", "tlsConfig"};
constexpr string_view deployment_fields[] = {"id", "description", "createdDate", "resources"};
constexpr string_view deployment_ignored[] = {"apiSummary"};
constexpr string_view stage_fields[] = {"stageName",      "description",    "methodSettings",
                                        "deploymentId",   "tracingEnabled", "createdDate",
                                        "lastUpdatedDate"};
constexpr string_view stage_ignored[] = {"clientCertificateId", "cacheClusterEnabled",
                                         "cacheClusterSize",    "cacheClusterStatus",
                                         "variables",           "documentationVersion",
                                         "accessLogSettings",   "canarySettings",
                                         "webAclArn",           "tags"};
constexpr string_view method_setting_fields[] = {"throttlingBurstLimit", "throttlingRateLimit"};
constexpr string_view method_setting_ignored[] = {"metricsEnabled",
                                                  "loggingLevel",
                                                  "dataTraceEnabled",
                                                  "cachingEnabled",
                                                  "cacheTtlInSeconds",
                                                  "cacheDataEncrypted",
                                                  "requireAuthorizationForCacheControl",
                                                  "unauthorizedCacheControlHeaderStrategy"};

}  // namespace

void document_parser::read_rest_api(dom::element v) {
  out_.where.rest_apis.push_back(r_.here());
  out_.where.resources.emplace_back();
  out_.where.gateway_responses.emplace_back();
  const std::size_t api_index = out_.doc.rest_apis.size();
  out_.doc.rest_apis.emplace_back();
  const std::size_t first_stage = out_.doc.stages.size();
  bool has_id = false;
  r_.members(v, {rest_api_fields, rest_api_ignored}, [&](string_view name, dom::element e) {
    rest_api& api = out_.doc.rest_apis[api_index];
    if (name == "id") {
      has_id = true;
      read_string(e, api.id);
    } else if (name == "name") {
      read_string(e, api.name);
    } else if (name == "description") {
      read_string(e, api.description);
    } else if (name == "createdDate") {
      api.created_date_s = read_aws_timestamp(r_, e);
    } else if (name == "tags") {
      api.tags = read_aws_tags(r_, e);
    } else if (name == "apiKeySource") {
      const auto s = r_.string(e);
      if (!s)
        return;
      if (*s == "AUTHORIZER") {
        r_.error(
            "apiKeySource \"AUTHORIZER\" is not supported: authorizers are not supported "
            "by usagegate, so API keys can only come from the x-api-key header (use "
            "\"HEADER\")");
      } else if (*s != "HEADER") {
        r_.error("must be \"HEADER\" (the only API key source usagegate supports)");
      }
    } else if (name == "resources") {
      r_.list(e, [&](dom::element r) { read_resource(r, api_index); });
    } else if (name == "stages") {
      r_.list(e, [&](dom::element s) { read_stage(s); });
    } else if (name == "gatewayResponses") {
      read_gateway_responses(r_, e, api, out_.where.gateway_responses[api_index]);
    } else if (name == "deployments") {
      r_.list(e, [&](dom::element d) { read_deployment(d, out_.doc.rest_apis[api_index]); });
    }
  });
  if (v.type() == dom::element_type::OBJECT && !has_id)
    missing("id");
  // Stages may come before "id" in the object; they get the id afterwards.
  for (std::size_t i = first_stage; i < out_.doc.stages.size(); ++i)
    out_.doc.stages[i].api_id = out_.doc.rest_apis[api_index].id;
}

void document_parser::read_resource(dom::element v, std::size_t api_index) {
  out_.where.resources[api_index].push_back(r_.here());
  resource res = read_resource_value(v);
  out_.doc.rest_apis[api_index].resources.push_back(std::move(res));
}

void document_parser::read_deployment(dom::element v, rest_api& api) {
  deployment d;
  bool has_id = false;
  r_.members(v, {deployment_fields, deployment_ignored}, [&](string_view name, dom::element e) {
    if (name == "id") {
      has_id = true;
      read_string(e, d.id);
    } else if (name == "description") {
      read_string(e, d.description);
    } else if (name == "createdDate") {
      d.created_date_s = read_aws_timestamp(r_, e);
    } else if (name == "resources") {
      r_.list(e, [&](dom::element r) { d.resources.push_back(read_resource_value(r)); });
    }
  });
  if (v.type() == dom::element_type::OBJECT && !has_id)
    missing("id");
  api.deployments.push_back(std::move(d));
}

std::optional<integration> document_parser::read_integration(dom::element v) {
  // Checked only where a stage serves it (validate_apis): a file may hold
  // AWS's Lambda and https integrations that a gateway.stages upstream replaces.
  integration in;
  r_.members(v, {integration_fields, integration_ignored}, [&](string_view name, dom::element e) {
    if (name == "type")
      read_string(e, in.type);
    else if (name == "httpMethod")
      read_string(e, in.http_method);
    else if (name == "uri")
      read_string(e, in.uri);
  });
  if (v.type() != dom::element_type::OBJECT)
    return std::nullopt;
  return in;
}

resource document_parser::read_resource_value(dom::element v) {
  resource res;
  bool has_path = false;
  r_.members(v, {resource_fields, {}}, [&](string_view name, dom::element e) {
    if (name == "id") {
      read_string(e, res.id);
    } else if (name == "parentId" || name == "pathPart") {
      (void)r_.string(e);
    } else if (name == "path") {
      has_path = true;
      const auto s = r_.string(e);
      if (!s)
        return;
      if (std::string why = resource_path_problem(*s); !why.empty()) {
        r_.error(std::move(why));
        return;
      }
      res.path = std::string(*s);
    } else if (name == "resourceMethods") {
      r_.entries(e, [&](string_view method_name, dom::element m) {
        if (!is_http_method(method_name)) {
          std::string message = "'";
          message += method_name;
          message +=
              "' is not an HTTP method API Gateway knows (GET, POST, PUT, PATCH, "
              "DELETE, HEAD, OPTIONS or ANY)";
          message += did_you_mean(method_name, http_methods());
          r_.error(std::move(message));
          return;
        }
        method parsed;
        parsed.http_method = std::string(method_name);
        r_.members(m, {method_fields, method_ignored}, [&](string_view field, dom::element f) {
          if (field == "httpMethod") {
            const auto s = r_.string(f);
            if (s && *s != method_name)
              r_.error("httpMethod must match the member name '" + std::string(method_name) + "'");
          } else if (field == "authorizationType") {
            const auto s = r_.string(f);
            if (s && *s != "NONE")
              r_.error("authorizationType \"" + std::string(*s) +
                       "\" is not supported: usagegate only checks API keys, so a method that "
                       "needs IAM, Cognito or a custom authorizer would be left open (use "
                       "\"NONE\")");
          } else if (field == "apiKeyRequired") {
            if (auto b = r_.boolean(f))
              parsed.api_key_required = *b;
          } else if (field == "methodIntegration") {
            parsed.method_integration = read_integration(f);
          }
        });
        res.methods.push_back(std::move(parsed));
      });
    }
  });
  if (v.type() == dom::element_type::OBJECT && !has_path)
    missing("path");
  return res;
}

void document_parser::read_stage(dom::element v) {
  out_.where.stages.push_back(r_.here());
  stage st;
  bool has_name = false;
  r_.members(v, {stage_fields, stage_ignored}, [&](string_view name, dom::element e) {
    if (name == "stageName") {
      has_name = true;
      const auto s = r_.string(e);
      if (!s)
        return;
      if (std::string why = stage_name_problem(*s); !why.empty()) {
        r_.error(std::move(why));
        return;
      }
      st.stage_name = std::string(*s);
    } else if (name == "description") {
      read_string(e, st.description);
    } else if (name == "deploymentId") {
      read_string(e, st.deployment_id);
    } else if (name == "tracingEnabled") {
      if (auto b = r_.boolean(e))
        st.tracing_enabled = *b;
    } else if (name == "createdDate") {
      st.created_date_s = read_aws_timestamp(r_, e);
    } else if (name == "lastUpdatedDate") {
      st.last_updated_date_s = read_aws_timestamp(r_, e);
    } else if (name == "methodSettings") {
      r_.entries(e, [&](string_view key, dom::element m) { read_method_setting(key, m, st); });
    }
  });
  if (v.type() == dom::element_type::OBJECT && !has_name)
    missing("stageName");
  out_.doc.stages.push_back(std::move(st));
}

void document_parser::read_method_setting(string_view key, dom::element v, stage& st) {
  std::string problem;
  const auto normalized = normalize_method_setting_key(key, problem);
  if (!normalized) {
    r_.error(std::move(problem));
    return;
  }
  method_setting setting;
  r_.members(v, {method_setting_fields, method_setting_ignored},
             [&](string_view name, dom::element e) {
               if (name == "throttlingBurstLimit") {
                 if (auto n = bounded(e, 0, no_max))
                   setting.throttling_burst_limit = *n;
               } else if (name == "throttlingRateLimit") {
                 if (auto d = non_negative_number(e))
                   setting.throttling_rate_limit = *d;
               }
             });
  if (!st.method_settings.emplace(*normalized, setting).second)
    r_.error("this method setting names the same method as another key (\"" + *normalized + "\")");
}

}  // namespace ug::config::detail
