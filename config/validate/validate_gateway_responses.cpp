#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/json/json_path.hpp"
#include "config/responses/gateway_response_compiler.hpp"
#include "config/responses/gateway_responses.hpp"
#include "config/validate/validator.hpp"

namespace ug::config::detail {
namespace {

using std::string_view;

/// True if a resource of `api` has the path parameter {name} or {name+}.
bool has_path_parameter(const rest_api& api, string_view name) {
  for (const resource& r : api.resources) {
    string_view rest = r.path;
    while (!rest.empty()) {
      const std::size_t open = rest.find('{');
      if (open == string_view::npos)
        break;
      const std::size_t close = rest.find('}', open);
      if (close == string_view::npos)
        break;
      string_view parameter = rest.substr(open + 1, close - open - 1);
      if (!parameter.empty() && parameter.back() == '+')
        parameter.remove_suffix(1);
      if (parameter == name)
        return true;
      rest = rest.substr(close + 1);
    }
  }
  return false;
}

void check_api(const rest_api& api, const std::vector<location>& where, diagnostics& diag) {
  std::array<std::size_t, gateway_response_type_count> first{};
  first.fill(SIZE_MAX);
  for (std::size_t i = 0; i < api.gateway_responses.size(); ++i) {
    const gateway_response_setting& setting = api.gateway_responses[i];
    std::size_t& seen = first[static_cast<std::size_t>(setting.type)];
    if (seen != SIZE_MAX) {
      diag.error(where[i].file, with_member(where[i].path, "responseType"),
                 "gateway response " + std::string(aws_name(setting.type)) +
                     " is given twice for REST API '" + api.id + "' (first at " +
                     diag.describe(where[seen]) + ")");
    } else {
      seen = i;
    }
    for (const auto& [name, expression] : setting.response_headers) {
      std::string problem;
      const auto part = compile_header_mapping(expression, api.id, problem);
      if (!part || part->source != response_value::path_parameter ||
          has_path_parameter(api, part->text))
        continue;
      diag.error(
          where[i].file,
          with_member(with_member(where[i].path, "responseParameters"),
                      std::string(response_header_prefix) + name),
          "no resource of REST API '" + api.id + "' has the path parameter {" + part->text + "}");
    }
  }
}

}  // namespace

void validate_gateway_responses(const parsed_document& parsed, diagnostics& diag) {
  const document& doc = parsed.doc;
  for (std::size_t i = 0; i < doc.rest_apis.size(); ++i)
    check_api(doc.rest_apis[i], parsed.where.gateway_responses[i], diag);
}

}  // namespace ug::config::detail
