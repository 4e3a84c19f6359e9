#include <string_view>
#include <unordered_map>
#include <vector>

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
      diag.error(where.stages[i],
                 "stage " + in_quotes(s.stage_name) + " of REST API " + in_quotes(s.api_id) +
                     " has no upstream: add gateway.stages[\"" + s.api_id + "/" + s.stage_name +
                     "\"] with {\"upstream\": {\"url\": \"http://host:port\"}}");
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
