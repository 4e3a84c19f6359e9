// PutIntegration and DeleteIntegration: where a method's requests go. The
// gateway forwards over plain HTTP, so HTTP_PROXY and HTTP integrations with
// an http:// URI are what it serves; AWS service, Lambda and MOCK
// integrations are refused rather than answered with something else.
#include <string>

#include "config/document/aws_names.hpp"
#include "config/document/upstream_url.hpp"
#include "gateway/control/json_shapes.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/operations.hpp"
#include "gateway/control/write/json_body.hpp"
#include "gateway/control/write/mutation.hpp"
#include "gateway/control/write/rest_api_lookup.hpp"

namespace ug::gateway::control {
namespace {

/// The refusal of an integration type usagegate does not forward, "" when fine.
std::string integration_type_problem(std::string_view type) {
  if (type == "HTTP_PROXY" || type == "HTTP")
    return {};
  if (type == "AWS" || type == "AWS_PROXY" || type == "MOCK")
    return "Integration type " + std::string(type) +
           " is not supported by usagegate: it forwards to HTTP upstreams (use HTTP_PROXY or "
           "HTTP with an http:// uri)";
  return "Invalid integration type specified: " + std::string(type) + " (use HTTP_PROXY or HTTP)";
}

}  // namespace

control_response put_integration(mutation_context& c) {
  auto found = writable_method_of(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const auto [api, resource, m] = std::get<writable_method>(found);
  json_body body;
  if (!body.parse(c.body))
    return malformed_body(body.error());
  const auto type = body.string("type");
  const auto http_method = body.string("httpMethod");
  const auto uri = body.string("uri");
  const auto connection_type = body.string("connectionType");
  // Accepted and not used (docs/control-plane.md, "Integrations"): the
  // request and response mappings of non-proxy integrations, caching, and
  // AWS's own timeout (the stage's upstream timeouts apply).
  (void)body.object("requestParameters");
  (void)body.object("requestTemplates");
  (void)body.string("passthroughBehavior");
  (void)body.string("cacheNamespace");
  (void)body.array("cacheKeyParameters");
  (void)body.string("contentHandling");
  (void)body.integer("timeoutInMillis");
  (void)body.string("credentials");
  (void)body.string("connectionId");
  (void)body.object("tlsConfig");
  if (!body.ok())
    return malformed_body(body.error());
  if (!type || type->empty())
    return error_response(error_code::bad_request,
                          "Enumeration value for IntegrationType must be non-empty");
  if (std::string problem = integration_type_problem(*type); !problem.empty())
    return error_response(error_code::bad_request, problem);
  if (!http_method || http_method->empty())
    return error_response(error_code::bad_request,
                          "Enumeration value for HttpMethod must be non-empty");
  if (!config::detail::is_http_method(*http_method))
    return error_response(error_code::bad_request, invalid_http_method_text);
  if (connection_type && *connection_type != "INTERNET")
    return error_response(error_code::bad_request,
                          "connectionType " + std::string(*connection_type) +
                              " is not supported by usagegate (use INTERNET: the uri is "
                              "reached directly)");
  std::string problem;
  const auto address = config::detail::parse_integration_uri(uri.value_or(""), problem);
  if (!address)
    return error_response(error_code::bad_request,
                          "Invalid HTTP endpoint specified for URI (" + problem + ")");
  if (std::string why =
          config::detail::integration_path_problem(address->path_template, resource->path);
      !why.empty())
    return error_response(error_code::bad_request, why);
  m->method_integration =
      config::integration{std::string(*type), std::string(*http_method), std::string(*uri)};
  c.touch(object_kind::rest_api, api->id);
  json_writer w;
  write_integration(w, *m->method_integration, resource->id);
  return json_response(201, w.take());
}

control_response delete_integration(mutation_context& c) {
  auto found = writable_method_of(c);
  if (auto* answer = std::get_if<control_response>(&found))
    return std::move(*answer);
  const auto [api, resource, m] = std::get<writable_method>(found);
  if (!m->method_integration)
    return error_response(error_code::not_found, not_found_text::integration);
  m->method_integration.reset();
  c.touch(object_kind::rest_api, api->id);
  return json_response(202, "");
}

}  // namespace ug::gateway::control
