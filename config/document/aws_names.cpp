#include "config/document/aws_names.hpp"

#include <algorithm>

#include "config/json/suggest.hpp"

namespace ug::config::detail {
namespace {

constexpr std::string_view methods[] = {"GET",    "POST", "PUT",     "PATCH",
                                        "DELETE", "HEAD", "OPTIONS", "ANY"};

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

std::string method_problem(std::string_view method) {
  std::string problem = "'";
  problem += method;
  problem +=
      "' is not an HTTP method API Gateway knows (GET, POST, PUT, PATCH, DELETE, HEAD, "
      "OPTIONS or ANY)";
  problem += did_you_mean(method, methods);
  return problem;
}

}  // namespace

std::span<const std::string_view> http_methods() noexcept {
  return methods;
}

bool is_http_method(std::string_view name) noexcept {
  return std::find(std::begin(methods), std::end(methods), name) != std::end(methods);
}

std::string resource_path_problem(std::string_view path) {
  if (path.empty() || path.front() != '/')
    return "a resource path must start with '/'";
  if (path == "/")
    return {};
  if (path.back() == '/')
    return "a resource path must not end with '/'";
  std::string_view rest = path.substr(1);
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    const bool last = slash == std::string_view::npos;
    rest = last ? std::string_view() : rest.substr(slash + 1);
    if (segment.empty())
      return "a resource path must not contain an empty segment ('//')";
    if (segment == "." || segment == "..")
      return "a path segment may not be '.' or '..' (requests are matched after dot segments "
             "are removed, so no request could reach it)";
    if (segment.front() == '{' || segment.back() == '}') {
      if (segment.size() < 3 || segment.front() != '{' || segment.back() != '}')
        return "a path parameter must be written {name} (or {name+} as the last segment)";
      std::string_view name = segment.substr(1, segment.size() - 2);
      if (name.back() == '+') {
        if (!last)
          return "a greedy path parameter such as {proxy+} must be the last segment";
        name.remove_suffix(1);
      }
      if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char))
        return "a path parameter name may contain only letters, digits, '.', '_' and '-'";
      continue;
    }
    if (!std::all_of(segment.begin(), segment.end(), is_name_char))
      return "a path segment may contain only letters, digits, '.', '_' and '-' (or be a "
             "{parameter})";
  }
  return {};
}

std::string stage_name_problem(std::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
      });
  if (ok)
    return {};
  return "a stage name must be 1-128 letters, digits, '-' or '_'";
}

std::optional<method_key> parse_plan_method_key(std::string_view key, std::string& problem) {
  const std::size_t slash = key.rfind('/');
  if (key.empty() || key.front() != '/' || slash == 0 || slash == std::string_view::npos) {
    problem =
        "a method throttle key must look like \"/path/METHOD\" (for example \"/pets/GET\"; "
        "the root resource is \"//GET\")";
    return std::nullopt;
  }
  method_key parsed;
  parsed.http_method = std::string(key.substr(slash + 1));
  const std::string_view path = key.substr(0, slash);
  parsed.resource_path = path == "/" ? std::string("/") : std::string(path);
  if (!is_http_method(parsed.http_method)) {
    problem = method_problem(parsed.http_method);
    return std::nullopt;
  }
  if (std::string why = resource_path_problem(parsed.resource_path); !why.empty()) {
    problem = "in a method throttle key \"/path/METHOD\", " + why;
    return std::nullopt;
  }
  return parsed;
}

std::optional<method_key> parse_method_setting_key(std::string_view key, std::string& problem) {
  if (key == "*/*")
    return method_key{"*", "*"};
  const std::size_t slash = key.rfind('/');
  if (slash == std::string_view::npos || slash == 0 || key.front() == '/') {
    problem =
        "a method setting key must be \"*/*\" or \"<resource path>/<METHOD>\" with '/' in "
        "the path written as ~1 and no leading slash (for example \"~1pets/GET\")";
    return std::nullopt;
  }
  method_key parsed;
  parsed.http_method = std::string(key.substr(slash + 1));
  if (!is_http_method(parsed.http_method)) {
    problem = method_problem(parsed.http_method);
    return std::nullopt;
  }
  // JSON-pointer unescaping (RFC 6901): ~1 is '/', ~0 is '~'.
  std::string& path = parsed.resource_path;
  const std::string_view escaped = key.substr(0, slash);
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '~') {
      path += escaped[i];
      continue;
    }
    const char next = i + 1 < escaped.size() ? escaped[i + 1] : '\0';
    if (next != '0' && next != '1') {
      problem = "'~' in a method setting key must be followed by 1 (for '/') or 0 (for '~')";
      return std::nullopt;
    }
    path += next == '1' ? '/' : '~';
    ++i;
  }
  if (path.front() != '/')
    path.insert(path.begin(), '/');
  if (std::string why = resource_path_problem(path); !why.empty()) {
    problem = "in a method setting key, " + why;
    return std::nullopt;
  }
  return parsed;
}

std::optional<std::string> normalize_method_setting_key(std::string_view key,
                                                        std::string& problem) {
  const std::optional<method_key> parsed = parse_method_setting_key(key, problem);
  if (!parsed)
    return std::nullopt;
  if (parsed->resource_path == "*")
    return std::string(key);
  std::string normalized;
  for (const char c : parsed->resource_path) {
    if (c == '/')
      normalized += "~1";
    else
      normalized += c;
  }
  normalized += '/';
  normalized += parsed->http_method;
  return normalized;
}

}  // namespace ug::config::detail
