#include "config/document/parse_gateway_responses.hpp"

#include <string>
#include <string_view>

#include "config/json/suggest.hpp"
#include "config/responses/gateway_response_compiler.hpp"
#include "config/responses/gateway_responses.hpp"

namespace ug::config::detail {
namespace {

namespace dom = simdjson::dom;
using std::string_view;

constexpr string_view response_fields[] = {"responseType", "statusCode", "responseParameters",
                                           "responseTemplates", "defaultResponse"};

// The only content type usagegate's gateway responses have: a template for
// another would never be chosen.
constexpr string_view json_content_type = "application/json";

bool iequals(string_view a, string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (fold(a[i]) != fold(b[i]))
      return false;
  }
  return true;
}

std::optional<unsigned> read_status(json_reader& r, dom::element v) {
  std::string problem;
  std::optional<unsigned> status;
  switch (v.type()) {
    case dom::element_type::STRING:
      status = parse_response_status(v.get_string().value_unsafe(), problem);
      break;
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: {
      const auto n = r.integer(v);
      if (!n)
        return std::nullopt;
      status = check_response_status(*n, problem);
      break;
    }
    default:
      r.error("must be a status code string such as \"429\"");
      return std::nullopt;
  }
  if (!status)
    r.error(std::move(problem));
  return status;
}

void read_parameters(json_reader& r, dom::element v, gateway_response_setting& out) {
  r.entries(v, [&](string_view key, dom::element e) {
    const auto expression = r.string(e);
    if (key.substr(0, response_header_prefix.size()) != response_header_prefix) {
      r.error(key.substr(0, 16) == "gatewayresponse."
                  ? "a gateway response can only set headers (gatewayresponse.header.<name>)"
                  : "'" + std::string(key) +
                        "' is not a gateway response parameter: use "
                        "gatewayresponse.header.<name>");
      return;
    }
    const string_view name = key.substr(response_header_prefix.size());
    if (std::string why = response_header_name_problem(name); !why.empty()) {
      r.error(std::move(why));
      return;
    }
    for (const auto& [other, unused] : out.response_headers) {
      if (iequals(other, name)) {
        r.error("header '" + std::string(name) + "' is already set by 'gatewayresponse.header." +
                other + "' (header names ignore case)");
        return;
      }
    }
    if (!expression)
      return;
    std::string problem;
    if (!compile_header_mapping(*expression, {}, problem)) {
      r.error(std::move(problem));
      return;
    }
    out.response_headers.emplace_back(std::string(name), std::string(*expression));
  });
}

void read_templates(json_reader& r, dom::element v, gateway_response_setting& out) {
  r.entries(v, [&](string_view content_type, dom::element e) {
    const auto text = r.string(e);
    if (content_type != json_content_type) {
      r.error("usagegate sends every gateway response as application/json, so a template for '" +
              std::string(content_type) + "' would never be used (key it \"application/json\")");
      return;
    }
    if (!text)
      return;
    std::string problem;
    if (!compile_response_template(*text, {}, problem)) {
      r.error(std::move(problem));
      return;
    }
    out.json_template = std::string(*text);
  });
}

void read_entry(json_reader& r, dom::element v, rest_api& api, std::vector<location>& where) {
  gateway_response_setting setting;
  bool has_type = false;
  bool type_ok = false;
  const location here = r.here();
  r.members(v, {response_fields, {}}, [&](string_view name, dom::element e) {
    if (name == "responseType") {
      has_type = true;
      const auto s = r.string(e);
      if (!s)
        return;
      if (const auto t = gateway_response_type_named(*s)) {
        setting.type = *t;
        type_ok = true;
        return;
      }
      r.error("'" + std::string(*s) + "' is not an API Gateway gateway response type" +
              did_you_mean(*s, gateway_response_type_names()));
    } else if (name == "statusCode") {
      setting.status_code = read_status(r, e);
    } else if (name == "responseParameters") {
      read_parameters(r, e, setting);
    } else if (name == "responseTemplates") {
      read_templates(r, e, setting);
    } else if (name == "defaultResponse") {
      if (const auto b = r.boolean(e))
        setting.default_response = *b;
    }
  });
  if (v.type() == dom::element_type::OBJECT && !has_type)
    r.error("missing required field 'responseType'");
  if (!type_ok)
    return;
  api.gateway_responses.push_back(std::move(setting));
  where.push_back(here);
}

}  // namespace

void read_gateway_responses(json_reader& reader, dom::element v, rest_api& api,
                            std::vector<location>& where) {
  reader.list(v, [&](dom::element e) { read_entry(reader, e, api, where); });
}

}  // namespace ug::config::detail
