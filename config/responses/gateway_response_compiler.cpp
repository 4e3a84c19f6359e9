#include "config/responses/gateway_response_compiler.hpp"

#include <array>
#include <charconv>
#include <cstdint>

namespace ug::config::detail {
namespace {

using std::string_view;

struct context_variable {
  string_view name;  ///< after "context."
  response_value source;
};

// The $context variables a gateway response can use that are at hand when
// usagegate writes one (no lookup beyond the exchange's own facts).
constexpr std::array<context_variable, 10> context_variables = {{
    {"requestId", response_value::request_id},
    {"extendedRequestId", response_value::extended_request_id},
    {"apiId", response_value::literal},
    {"stage", response_value::stage},
    {"resourcePath", response_value::resource_path},
    {"httpMethod", response_value::http_method},
    {"identity.sourceIp", response_value::source_ip},
    {"error.message", response_value::error_message},
    {"error.messageString", response_value::error_message_string},
    {"error.responseType", response_value::error_response_type},
}};

// Headers every gateway response already carries (or may carry: Retry-After,
// RateLimit*) and the hop-by-hop ones that decide the framing: a second copy
// would contradict the first, so they cannot be configured.
constexpr string_view reserved_headers[] = {
    "Content-Length",
    "Transfer-Encoding",
    "Connection",
    "Keep-Alive",
    "Proxy-Connection",
    "Upgrade",
    "TE",
    "Trailer",
    "Date",
    "x-amzn-RequestId",
    "x-amzn-ErrorType",
    "x-amz-apigw-id",
    "X-Amzn-Trace-Id",
    "Retry-After",
    "RateLimit",
    "RateLimit-Policy",
};

// Roots of references AWS evaluates and usagegate cannot (no stage
// variables, no request body, no VTL).
constexpr string_view unsupported_roots[] = {"stageVariables", "input", "util", "method"};

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(string_view a, string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_ident_char(char c) noexcept {
  return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

// RFC 9110 token characters (header names).
bool is_token_char(char c) noexcept {
  if (is_alpha(c) || (c >= '0' && c <= '9'))
    return true;
  return string_view("!#$%&'*+-.^_`|~").find(c) != string_view::npos;
}

bool is_token(string_view s) noexcept {
  if (s.empty())
    return false;
  for (const char c : s)
    if (!is_token_char(c))
      return false;
  return true;
}

// AWS's grammar for method request parameter names: [a-zA-Z0-9._$-]+.
bool is_parameter_name(string_view name) noexcept {
  if (name.empty())
    return false;
  for (const char c : name)
    if (!is_ident_char(c) && c != '.' && c != '$' && c != '-')
      return false;
  return true;
}

std::optional<context_variable> find_context_variable(string_view name) noexcept {
  for (const context_variable& v : context_variables)
    if (v.name == name)
      return v;
  return std::nullopt;
}

bool starts_with(string_view s, string_view prefix) noexcept {
  return s.substr(0, prefix.size()) == prefix;
}

/// A context variable as a part (apiId is known now: a literal).
response_part context_part(const context_variable& v, string_view api_id) {
  if (v.name == "apiId")
    return {response_value::literal, std::string(api_id)};
  return {v.source, {}};
}

void append_part(std::vector<response_part>& parts, response_part part) {
  if (part.source == response_value::literal) {
    if (part.text.empty())
      return;
    if (!parts.empty() && parts.back().source == response_value::literal) {
      parts.back().text += part.text;
      return;
    }
  }
  parts.push_back(std::move(part));
}

std::string unknown_context_variable(string_view written) {
  return "'" + std::string(written) +
         "' is not a context variable usagegate can fill in a gateway response (it fills " +
         supported_context_variables() + ")";
}

}  // namespace

std::string supported_context_variables() {
  std::string list;
  for (std::size_t i = 0; i < context_variables.size(); ++i) {
    if (i > 0)
      list += i + 1 == context_variables.size() ? " and " : ", ";
    list += context_variables[i].name;
  }
  return list;
}

std::optional<unsigned> check_response_status(std::int64_t value, std::string& problem) {
  if (value < 100 || value > 599) {
    problem = "must be an HTTP status code from 100 to 599";
    return std::nullopt;
  }
  if (value < 200) {
    problem =
        "a 1xx status is an interim response: the client would wait for another one (use 200 to "
        "599)";
    return std::nullopt;
  }
  if (value == 204 || value == 205 || value == 304) {
    problem = "a " + std::to_string(value) +
              " response has no body, and a gateway response always sends one (use another status)";
    return std::nullopt;
  }
  return static_cast<unsigned>(value);
}

std::optional<unsigned> parse_response_status(string_view text, std::string& problem) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text.size() > 3 || ec != std::errc{} || end != text.data() + text.size() ||
      text.front() == '-' || text.front() == '+') {
    problem =
        "'" + std::string(text) + "' is not an HTTP status code (three digits, as in \"429\")";
    return std::nullopt;
  }
  return check_response_status(value, problem);
}

std::string response_header_name_problem(string_view name) {
  if (name.empty())
    return "the header name after 'gatewayresponse.header.' is empty";
  if (!is_token(name))
    return "'" + std::string(name) + "' is not an HTTP header name";
  for (const string_view reserved : reserved_headers)
    if (iequals(name, reserved))
      return "usagegate writes " + std::string(reserved) +
             " itself on every gateway response, so it cannot be configured";
  return {};
}

std::optional<response_part> compile_header_mapping(string_view expression, string_view api_id,
                                                    std::string& problem) {
  if (expression.size() >= 2 && expression.front() == '\'' && expression.back() == '\'') {
    const string_view value = expression.substr(1, expression.size() - 2);
    for (const char c : value) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f) {
        problem = "a header value cannot contain control characters";
        return std::nullopt;
      }
    }
    return response_part{response_value::literal, std::string(value)};
  }
  struct request_source {
    string_view prefix;
    response_value source;
  };
  constexpr request_source request_sources[] = {
      {"method.request.header.", response_value::request_header},
      {"method.request.querystring.", response_value::query_parameter},
      {"method.request.path.", response_value::path_parameter},
  };
  for (const request_source& s : request_sources) {
    if (!starts_with(expression, s.prefix))
      continue;
    const string_view name = expression.substr(s.prefix.size());
    const bool ok =
        s.source == response_value::request_header ? is_token(name) : is_parameter_name(name);
    if (!ok) {
      problem = "'" + std::string(name) + "' is not a request " +
                (s.source == response_value::request_header ? "header" : "parameter") + " name";
      return std::nullopt;
    }
    return response_part{s.source, std::string(name)};
  }
  if (starts_with(expression, "context.")) {
    if (const auto v = find_context_variable(expression.substr(8)))
      return context_part(*v, api_id);
    problem = unknown_context_variable(expression);
    return std::nullopt;
  }
  if (starts_with(expression, "method.request.") || starts_with(expression, "stageVariables.") ||
      starts_with(expression, "integration.")) {
    problem = "'" + std::string(expression) +
              "' cannot be evaluated for a gateway response by usagegate (it maps 'literal', "
              "method.request.header.<name>, method.request.querystring.<name>, "
              "method.request.path.<name> and context.<variable>)";
    return std::nullopt;
  }
  problem = "'" + std::string(expression) +
            "' is not a mapping expression: use a quoted literal ('value'), "
            "method.request.header.<name>, method.request.querystring.<name>, "
            "method.request.path.<name> or context.<variable>";
  return std::nullopt;
}

std::optional<std::vector<response_part>> compile_response_template(string_view text,
                                                                    string_view api_id,
                                                                    std::string& problem) {
  std::vector<response_part> parts;
  std::size_t literal_from = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$') {
      ++i;
      continue;
    }
    // A reference is $name.name... or ${name.name...}; a '.' belongs to it
    // only when a name follows ("$context.stage." ends a sentence).
    const bool braced = i + 1 < text.size() && text[i + 1] == '{';
    const std::size_t start = i + (braced ? 2 : 1);
    std::size_t end = start;
    if (end < text.size() && is_alpha(text[end])) {
      while (end < text.size()) {
        if (is_ident_char(text[end])) {
          ++end;
        } else if (text[end] == '.' && end + 1 < text.size() && is_alpha(text[end + 1])) {
          ++end;
        } else {
          break;
        }
      }
    }
    const string_view name = text.substr(start, end - start);
    if (name.empty() || (braced && (end >= text.size() || text[end] != '}'))) {
      ++i;  // a '$' that starts no reference is text
      continue;
    }
    const std::size_t after = end + (braced ? 1 : 0);
    const string_view written = text.substr(i, after - i);
    const string_view root = name.substr(0, name.find('.'));
    if (root == "context") {
      const auto v = name.size() > 8 ? find_context_variable(name.substr(8)) : std::nullopt;
      if (!v) {
        problem = unknown_context_variable(written);
        return std::nullopt;
      }
      append_part(parts, {response_value::literal,
                          std::string(text.substr(literal_from, i - literal_from))});
      append_part(parts, context_part(*v, api_id));
      literal_from = after;
    } else {
      for (const string_view unsupported : unsupported_roots) {
        if (root == unsupported) {
          problem = "'" + std::string(written) +
                    "' cannot be evaluated: usagegate substitutes only $context variables in a "
                    "gateway response template (AWS runs no VTL on them either)";
          return std::nullopt;
        }
      }
    }
    i = after;
  }
  append_part(parts, {response_value::literal, std::string(text.substr(literal_from))});
  return parts;
}

}  // namespace ug::config::detail
