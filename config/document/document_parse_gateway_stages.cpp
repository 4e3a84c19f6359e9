// gateway.stages["<restApiId>/<stageName>"]: the base path and upstream of
// one AWS stage (linked to it by config/validate_apis).
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "config/document/aws_names.hpp"
#include "config/document/document_parser_impl.hpp"
#include "config/document/upstream_url.hpp"

namespace ug::config::detail {
namespace {

namespace dom = simdjson::dom;
using std::string_view;

// Member names per object.
constexpr string_view gateway_stage_fields[] = {"basePath", "upstream"};
constexpr string_view upstream_fields[] = {
    "url",           "poolSize",   "connectTimeoutMs", "responseTimeoutMs",
    "idleTimeoutMs", "hostHeader", "forwardApiKey"};

}  // namespace

void document_parser::read_gateway_stage(string_view key, dom::element v) {
  gateway_stage_entry entry;
  entry.where = r_.here();
  const std::size_t slash = key.find('/');
  if (slash == string_view::npos || slash == 0 || key.find('/', slash + 1) != string_view::npos) {
    r_.error(
        "a stage entry must be named \"<restApiId>/<stageName>\" (for example "
        "\"a1b2c3d4e5/v1\")");
  } else {
    entry.api_id = std::string(key.substr(0, slash));
    entry.stage_name = std::string(key.substr(slash + 1));
    if (std::string why = stage_name_problem(entry.stage_name); !why.empty()) {
      r_.error("in \"<restApiId>/<stageName>\", " + why);
      entry.api_id.clear();
    }
  }
  bool has_upstream = false;
  r_.members(v, {gateway_stage_fields, {}}, [&](string_view name, dom::element e) {
    if (name == "basePath") {
      const auto s = r_.string(e);
      if (!s)
        return;
      if (*s != "/" && (!resource_path_problem(*s).empty() || s->find('{') != string_view::npos)) {
        r_.error(
            "basePath must be \"/\" or a path such as \"/v1\" or \"/team/v1\" (no trailing "
            "slash, no {parameters})");
        return;
      }
      entry.base_path = std::string(*s);
    } else if (name == "upstream") {
      has_upstream = true;
      entry.upstream = read_upstream(e);
    }
  });
  if (v.type() == dom::element_type::OBJECT && !has_upstream)
    missing("upstream");
  out_.where.gateway_stages.push_back(std::move(entry));
}

std::optional<upstream_settings> document_parser::read_upstream(dom::element v) {
  upstream_settings u;
  bool has_url = false;
  bool ok = true;
  r_.members(v, {upstream_fields, {}}, [&](string_view name, dom::element e) {
    if (name == "url") {
      has_url = true;
      const auto s = r_.string(e);
      if (!s) {
        ok = false;
        return;
      }
      std::string problem;
      const auto address = parse_upstream_url(*s, problem);
      if (!address) {
        r_.error(std::move(problem));
        ok = false;
        return;
      }
      u.url = std::string(*s);
      u.host = address->host;
      u.port = address->port;
      u.base_path = address->base_path;
    } else if (name == "poolSize") {
      if (auto n = bounded(e, 0, 100'000))
        u.pool_size = static_cast<std::size_t>(*n);
      else
        ok = false;
    } else if (name == "connectTimeoutMs" || name == "responseTimeoutMs" ||
               name == "idleTimeoutMs") {
      const auto n = bounded(e, 1, no_max);
      if (!n) {
        ok = false;
        return;
      }
      if (name == "connectTimeoutMs")
        u.connect_timeout_ms = *n;
      if (name == "responseTimeoutMs")
        u.response_timeout_ms = *n;
      if (name == "idleTimeoutMs")
        u.idle_timeout_ms = *n;
    } else if (name == "hostHeader") {
      const auto s = r_.string(e);
      if (s && (s->empty() || has_control_char(*s))) {
        r_.error("hostHeader must be a non-empty header value");
        ok = false;
      } else if (s) {
        u.host_header = std::string(*s);
      } else {
        ok = false;
      }
    } else if (name == "forwardApiKey") {
      if (auto b = r_.boolean(e))
        u.forward_api_key = *b;
      else
        ok = false;
    }
  });
  if (v.type() != dom::element_type::OBJECT)
    return std::nullopt;
  if (!has_url)
    missing("url");
  if (!ok || !has_url)
    return std::nullopt;
  return u;
}

}  // namespace ug::config::detail
