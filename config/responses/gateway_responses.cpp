#include "config/responses/gateway_responses.hpp"

#include "config/document/document.hpp"
#include "config/responses/gateway_response_compiler.hpp"

namespace ug::config {
namespace {

struct type_info {
  std::string_view name;
  unsigned status;
};

// AWS's list of gateway response types with their default status codes.
constexpr std::array<type_info, gateway_response_type_count> types = {{
    {"ACCESS_DENIED", 403},
    {"API_CONFIGURATION_ERROR", 500},
    {"AUTHORIZER_CONFIGURATION_ERROR", 500},
    {"AUTHORIZER_FAILURE", 500},
    {"BAD_REQUEST_BODY", 400},
    {"BAD_REQUEST_PARAMETERS", 400},
    {"DEFAULT_4XX", 0},
    {"DEFAULT_5XX", 0},
    {"EXPIRED_TOKEN", 403},
    {"INTEGRATION_FAILURE", 504},
    {"INTEGRATION_TIMEOUT", 504},
    {"INVALID_API_KEY", 403},
    {"INVALID_SIGNATURE", 403},
    {"MISSING_AUTHENTICATION_TOKEN", 403},
    {"QUOTA_EXCEEDED", 429},
    {"REQUEST_TOO_LARGE", 413},
    {"RESOURCE_NOT_FOUND", 404},
    {"THROTTLED", 429},
    {"UNAUTHORIZED", 401},
    {"UNSUPPORTED_MEDIA_TYPE", 415},
    {"WAF_FILTERED", 403},
}};

constexpr std::array<std::string_view, gateway_response_type_count> make_names() {
  std::array<std::string_view, gateway_response_type_count> names{};
  for (std::size_t i = 0; i < types.size(); ++i)
    names[i] = types[i].name;
  return names;
}
constexpr std::array<std::string_view, gateway_response_type_count> names = make_names();

bool is_content_type(std::string_view name) noexcept {
  constexpr std::string_view content_type = "content-type";
  if (name.size() != content_type.size())
    return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != content_type[i])
      return false;
  }
  return true;
}

custom_gateway_response compile_one(const gateway_response_setting& setting,
                                    std::string_view api_id) {
  custom_gateway_response out;
  out.status = setting.status_code.value_or(0);
  std::string ignored;  // validation reported every problem already
  for (const auto& [name, expression] : setting.response_headers) {
    auto part = detail::compile_header_mapping(expression, api_id, ignored);
    if (!part)
      continue;
    response_header header{name, std::move(*part), is_content_type(name)};
    out.replaces_content_type = out.replaces_content_type || header.is_content_type;
    out.headers.push_back(std::move(header));
  }
  if (setting.json_template) {
    if (auto body = detail::compile_response_template(*setting.json_template, api_id, ignored)) {
      out.has_body = true;
      out.body = std::move(*body);
    }
  }
  return out;
}

}  // namespace

std::string_view aws_name(gateway_response_type t) noexcept {
  return types[static_cast<std::size_t>(t)].name;
}

std::span<const std::string_view> gateway_response_type_names() noexcept {
  return names;
}

std::optional<gateway_response_type> gateway_response_type_named(std::string_view name) noexcept {
  for (std::size_t i = 0; i < types.size(); ++i)
    if (types[i].name == name)
      return static_cast<gateway_response_type>(i);
  return std::nullopt;
}

unsigned default_status(gateway_response_type t) noexcept {
  return types[static_cast<std::size_t>(t)].status;
}

std::unique_ptr<const gateway_response_table> gateway_response_table::compile(const rest_api& api) {
  std::unique_ptr<gateway_response_table> table(new gateway_response_table());
  std::array<std::uint8_t, gateway_response_type_count> own{};
  own.fill(none);
  for (const gateway_response_setting& setting : api.gateway_responses) {
    // defaultResponse true: what AWS sends when nobody customised the type
    // (or what it inherits from DEFAULT_4XX/5XX, which the fallback below
    // reproduces): the built-in response already is that.
    if (setting.default_response)
      continue;
    own[static_cast<std::size_t>(setting.type)] =
        static_cast<std::uint8_t>(table->responses_.size());
    table->responses_.push_back(compile_one(setting, api.id));
  }
  if (table->responses_.empty())
    return nullptr;
  const std::uint8_t own_4xx = own[static_cast<std::size_t>(gateway_response_type::default_4xx)];
  const std::uint8_t own_5xx = own[static_cast<std::size_t>(gateway_response_type::default_5xx)];
  for (std::size_t i = 0; i < gateway_response_type_count; ++i) {
    const unsigned status = types[i].status;
    // DEFAULT_4XX/5XX themselves (status 0) stand for the 4xx/5xx situations
    // no AWS type names; they only have their own customisation.
    table->resolved_[i] = own[i] != none ? own[i]
                          : status == 0  ? none
                          : status < 500 ? own_4xx
                                         : own_5xx;
  }
  return table;
}

}  // namespace ug::config
