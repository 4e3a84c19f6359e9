#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/document/aws_names.hpp"
#include "config/document/document_lookup.hpp"
#include "config/document/upstream_url.hpp"
#include "config/json/json_path.hpp"
#include "config/json/suggest.hpp"
#include "config/validate/validator.hpp"

namespace ug::config::detail {
namespace {

using std::string_view;

std::string in_quotes(string_view s) {
  return "'" + std::string(s) + "'";
}

void check_resources(const rest_api& api, const std::vector<location>& where, diagnostics& diag) {
  std::unordered_map<string_view, std::size_t> ids;
  std::unordered_map<string_view, std::size_t> paths;
  // parent path -> (variable segment, resource index): AWS allows one
  // variable child per resource, otherwise routing would be ambiguous.
  std::unordered_map<string_view, std::pair<string_view, std::size_t>> variable_children;
  for (std::size_t i = 0; i < api.resources.size(); ++i) {
    const resource& r = api.resources[i];
    if (!r.id.empty()) {
      const auto [it, fresh] = ids.emplace(r.id, i);
      if (!fresh)
        diag.error(where[i].file, with_member(where[i].path, "id"),
                   "resource id " + in_quotes(r.id) + " is used twice in REST API " +
                       in_quotes(api.id) + " (first at " + diag.describe(where[it->second]) + ")");
    }
    if (r.path.empty())
      continue;
    const auto [it, fresh] = paths.emplace(r.path, i);
    if (!fresh) {
      diag.error(where[i].file, with_member(where[i].path, "path"),
                 "resource path " + in_quotes(r.path) + " is defined twice in REST API " +
                     in_quotes(api.id) + " (first at " + diag.describe(where[it->second]) +
                     "); put all its methods in one resource");
      continue;
    }
    const std::size_t slash = r.path.rfind('/');
    const string_view segment = string_view(r.path).substr(slash + 1);
    if (segment.empty() || segment.front() != '{')
      continue;
    const string_view parent = string_view(r.path).substr(0, slash == 0 ? 1 : slash);
    const auto [sibling, first] = variable_children.emplace(parent, std::make_pair(segment, i));
    if (!first && sibling->second.first != segment)
      diag.error(where[i].file, with_member(where[i].path, "path"),
                 "resource " + in_quotes(r.path) + " conflicts with " +
                     in_quotes(api.resources[sibling->second.second].path) +
                     ": a resource can have only one variable child ({" +
                     "parameter} or {proxy+}) in API Gateway");
  }
}

std::string origin_of(const upstream_settings& u) {
  return "http://" + (u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host) + ":" +
         std::to_string(u.port);
}

/// Why integration `in` of method `m` on `r` cannot be served ("" if it can),
/// and where it goes.
std::string integration_problem(const integration& in, const resource& r, const method& m,
                                upstream_settings& to) {
  const std::string what = "method " + m.http_method + " " + r.path;
  if (in.type != "HTTP_PROXY" && in.type != "HTTP")
    return what + " has a " + (in.type.empty() ? std::string("typeless") : in.type) +
           " integration; usagegate forwards HTTP_PROXY and HTTP integrations only";
  if (!in.http_method.empty() && !is_http_method(in.http_method))
    return what + ": integration httpMethod '" + in.http_method + "' is not an HTTP method";
  std::string problem;
  const auto address = parse_integration_uri(in.uri, problem);
  if (!address)
    return what + ": integration uri '" + in.uri + "': " + problem;
  if (std::string why = integration_path_problem(address->path_template, r.path); !why.empty())
    return what + ": " + why;
  to.host = address->origin.host;
  to.port = address->origin.port;
  to.base_path.clear();
  to.url = origin_of(to);
  return {};
}

/// The upstream of a stage with no gateway.stages entry: where its
/// deployment's integrations go (gateway.defaultUpstream for a method with
/// none), which must be one host and port. Sets `why` when there is none.
std::optional<upstream_settings> upstream_from_integrations(const document& doc, const stage& s,
                                                            std::string& why) {
  const rest_api* api = find_rest_api(doc, s.api_id);
  const deployment* d = api == nullptr ? nullptr : find_deployment(*api, s.deployment_id);
  if (d == nullptr)
    return std::nullopt;  // the caller's "has no upstream"
  const std::string named = "stage " + in_quotes(s.stage_name) + " of REST API " +
                            in_quotes(s.api_id) + " (deployment " + in_quotes(d->id) + "): ";
  std::optional<upstream_settings> chosen;
  bool uses_default = false;
  for (const resource& r : d->resources) {
    for (const method& m : r.methods) {
      upstream_settings to = doc.gateway.default_upstream.value_or(upstream_settings{});
      if (m.method_integration) {
        if (std::string problem = integration_problem(*m.method_integration, r, m, to);
            !problem.empty()) {
          why = named + problem;
          return std::nullopt;
        }
      } else if (doc.gateway.default_upstream) {
        uses_default = true;
      } else {
        why = named + "method " + m.http_method + " " + r.path +
              " has no integration and gateway.defaultUpstream is not set";
        return std::nullopt;
      }
      if (chosen && (chosen->host != to.host || chosen->port != to.port)) {
        why = named + "its methods go to " + origin_of(*chosen) + " and " + origin_of(to) +
              "; usagegate gives each stage one upstream, so point its integrations at one "
              "server (or give the stage gateway.stages[\"" +
              s.api_id + "/" + s.stage_name + "\"])";
        return std::nullopt;
      }
      if (!chosen)
        chosen = std::move(to);
    }
  }
  if (!chosen) {
    why = named + "the deployment has no methods";
    return std::nullopt;
  }
  // Methods without an integration go to the default upstream's base path.
  if (uses_default)
    chosen = *doc.gateway.default_upstream;
  return chosen;
}

std::vector<string_view> api_ids(const document& doc) {
  std::vector<string_view> ids;
  for (const rest_api& api : doc.rest_apis)
    ids.push_back(api.id);
  return ids;
}

std::vector<string_view> stage_names_of(const document& doc, string_view api_id) {
  std::vector<string_view> names;
  for (const stage& s : doc.stages)
    if (s.api_id == api_id)
      names.push_back(s.stage_name);
  return names;
}

}  // namespace

void validate_apis(parsed_document& parsed, diagnostics& diag, stage_index& stages) {
  document& doc = parsed.doc;
  const source_map& where = parsed.where;

  std::unordered_map<string_view, std::size_t> ids;
  for (std::size_t i = 0; i < doc.rest_apis.size(); ++i) {
    const rest_api& api = doc.rest_apis[i];
    check_resources(api, where.resources[i], diag);
    if (api.id.empty())
      continue;
    const auto [it, fresh] = ids.emplace(api.id, i);
    if (!fresh)
      diag.error(where.rest_apis[i].file, with_member(where.rest_apis[i].path, "id"),
                 "REST API id " + in_quotes(api.id) + " is used twice (first at " +
                     diag.describe(where.rest_apis[it->second]) + ")");
  }

  for (std::size_t i = 0; i < doc.stages.size(); ++i) {
    const stage& s = doc.stages[i];
    if (s.api_id.empty() || s.stage_name.empty())
      continue;
    const auto [it, fresh] = stages.emplace(s.api_id + "/" + s.stage_name, i);
    if (!fresh)
      diag.error(where.stages[i].file, with_member(where.stages[i].path, "stageName"),
                 "stage " + in_quotes(s.stage_name) + " is defined twice in REST API " +
                     in_quotes(s.api_id) + " (first at " + diag.describe(where.stages[it->second]) +
                     ")");
  }

  for (std::size_t i = 0; i < doc.rest_apis.size(); ++i) {
    const rest_api& api = doc.rest_apis[i];
    for (std::size_t d = 0; d < api.deployments.size(); ++d) {
      for (std::size_t e = 0; e < d; ++e) {
        if (api.deployments[e].id == api.deployments[d].id)
          diag.error(where.rest_apis[i].file, with_member(where.rest_apis[i].path, "deployments"),
                     "deployment id " + in_quotes(api.deployments[d].id) +
                         " is used twice in REST API " + in_quotes(api.id));
      }
    }
  }
  for (std::size_t i = 0; i < doc.stages.size(); ++i) {
    const stage& s = doc.stages[i];
    const rest_api* api = find_rest_api(doc, s.api_id);
    // Without deployments a deploymentId is AWS's (a file pasted from get-stages).
    if (api != nullptr && !api->deployments.empty() && !s.deployment_id.empty() &&
        find_deployment(*api, s.deployment_id) == nullptr)
      diag.error(where.stages[i].file, with_member(where.stages[i].path, "deploymentId"),
                 "names deployment " + in_quotes(s.deployment_id) + ", which REST API " +
                     in_quotes(s.api_id) + " does not have");
  }

  // Link gateway.stages entries to AWS stages.
  std::vector<const gateway_stage_entry*> linked(doc.stages.size(), nullptr);
  for (const gateway_stage_entry& entry : where.gateway_stages) {
    if (entry.api_id.empty())
      continue;  // malformed name, already reported
    const auto it = stages.find(entry.api_id + "/" + entry.stage_name);
    if (it == stages.end()) {
      std::string message;
      if (ids.find(entry.api_id) == ids.end()) {
        message = "names REST API " + in_quotes(entry.api_id) + ", which is not in restApis" +
                  did_you_mean(entry.api_id, api_ids(doc));
      } else {
        message = "REST API " + in_quotes(entry.api_id) + " has no stage " +
                  in_quotes(entry.stage_name) +
                  did_you_mean(entry.stage_name, stage_names_of(doc, entry.api_id));
      }
      diag.error(entry.where, std::move(message));
      continue;
    }
    linked[it->second] = &entry;
    stage& s = doc.stages[it->second];
    s.base_path = entry.base_path.value_or("/" + s.stage_name);
    if (entry.upstream)
      s.upstream = *entry.upstream;
  }

  std::unordered_map<string_view, std::size_t> base_paths;
  for (std::size_t i = 0; i < doc.stages.size(); ++i) {
    stage& s = doc.stages[i];
    if (s.api_id.empty() || s.stage_name.empty())
      continue;
    if (linked[i] == nullptr) {
      std::string why;
      if (std::optional<upstream_settings> u = upstream_from_integrations(doc, s, why)) {
        s.upstream = std::move(*u);
        s.upstream_from_integrations = true;
        continue;  // no base path: reached by its ids only
      }
      diag.error(where.stages[i],
                 !why.empty()
                     ? why
                     : "stage " + in_quotes(s.stage_name) + " of REST API " + in_quotes(s.api_id) +
                           " has no upstream: add gateway.stages[\"" + s.api_id + "/" +
                           s.stage_name +
                           "\"] with {\"upstream\": {\"url\": \"http://host:port\"}}, "
                           "or deploy it with integrations");
      continue;
    }
    const auto [it, fresh] = base_paths.emplace(s.base_path, i);
    if (!fresh) {
      const stage& other = doc.stages[it->second];
      location at = linked[i]->where;
      if (linked[i]->base_path)
        at.path = with_member(at.path, "basePath");
      diag.error(at, "basePath " + in_quotes(s.base_path) +
                         (linked[i]->base_path ? "" : " (the default, \"/\" + stage name)") +
                         " is already used by stage \"" + other.api_id + "/" + other.stage_name +
                         "\"; each stage needs its own basePath");
    }
  }
}

}  // namespace ug::config::detail
