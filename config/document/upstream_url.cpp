#include "config/document/upstream_url.hpp"

#include <algorithm>

namespace ug::config::detail {
namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i])
      return false;
  }
  return true;
}

bool is_host_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

bool is_path_char(char c) noexcept {
  // RFC 3986 pchar plus '/', without '?' and '#' (a base path has neither).
  return is_host_char(c) || c == '/' || c == '~' || c == '%' || c == '!' || c == '$' || c == '&' ||
         c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == ';' ||
         c == '=' || c == ':' || c == '@';
}

}  // namespace

std::optional<upstream_address> parse_upstream_url(std::string_view url, std::string& problem) {
  if (starts_with_ci(url, "https://")) {
    problem =
        "HTTPS upstreams are not supported yet; use an http:// URL (for example a TLS "
        "sidecar on localhost)";
    return std::nullopt;
  }
  if (!starts_with_ci(url, "http://")) {
    problem = "an upstream url must look like http://host:port[/base path]";
    return std::nullopt;
  }
  std::string_view rest = url.substr(7);
  const std::size_t authority_end = rest.find('/');
  const std::string_view authority = rest.substr(0, authority_end);
  const std::string_view path =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);

  upstream_address address;
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      problem = "an IPv6 upstream host must be written in brackets, e.g. http://[::1]:8000";
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      problem = "unexpected text after the IPv6 host of the upstream url";
      return std::nullopt;
    }
    if (!after.empty()) {
      has_port = true;
      port = after.substr(1);
    }
    const bool ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
             c == ':' || c == '.';
    });
    if (!ok) {
      problem = "the IPv6 host of the upstream url is not valid";
      return std::nullopt;
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      has_port = true;
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (host.empty()) {
      problem = "the upstream url has no host";
      return std::nullopt;
    }
    if (!std::all_of(host.begin(), host.end(), is_host_char)) {
      problem =
          "the upstream host may contain only letters, digits, '.', '-' and '_' (no user "
          "info, query or fragment)";
      return std::nullopt;
    }
  }
  address.host = std::string(host);
  if (has_port) {
    unsigned value = 0;
    const bool digits =
        !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits)
      for (const char c : port)
        value = value * 10 + static_cast<unsigned>(c - '0');
    if (!digits || value == 0 || value > 65535) {
      problem = "the upstream port must be a number from 1 to 65535";
      return std::nullopt;
    }
    address.port = static_cast<std::uint16_t>(value);
  }
  if (!std::all_of(path.begin(), path.end(), is_path_char)) {
    problem = "the upstream base path may not contain a query ('?'), a fragment ('#') or spaces";
    return std::nullopt;
  }
  std::string_view base = path;
  while (!base.empty() && base.back() == '/')
    base.remove_suffix(1);
  address.base_path = std::string(base);
  return address;
}

}  // namespace ug::config::detail

namespace ug::config::detail {
namespace {

/// The "{name}" and "{name+}" parameters of a path, without braces or '+'.
std::vector<std::string_view> path_parameters(std::string_view path) {
  std::vector<std::string_view> names;
  for (std::size_t open = path.find('{'); open != std::string_view::npos;
       open = path.find('{', open + 1)) {
    const std::size_t close = path.find('}', open);
    if (close == std::string_view::npos)
      break;
    std::string_view name = path.substr(open + 1, close - open - 1);
    if (name.ends_with('+'))
      name.remove_suffix(1);
    names.push_back(name);
  }
  return names;
}

bool is_parameter_char(char c) noexcept {
  return is_host_char(c) || c == '+';
}

}  // namespace

std::optional<integration_address> parse_integration_uri(std::string_view uri,
                                                         std::string& problem) {
  if (uri.empty()) {
    problem = "an integration needs a uri, http://host:port/path";
    return std::nullopt;
  }
  const std::size_t scheme = uri.find("://");
  const std::size_t path_start =
      scheme == std::string_view::npos ? std::string_view::npos : uri.find('/', scheme + 3);
  const std::string_view origin = uri.substr(0, path_start);
  std::string_view path =
      path_start == std::string_view::npos ? std::string_view() : uri.substr(path_start);
  std::optional<upstream_address> address = parse_upstream_url(origin, problem);
  if (!address) {
    if (problem.starts_with("an upstream url"))
      problem = "an integration uri must look like http://host:port/path";
    return std::nullopt;
  }
  integration_address out;
  out.origin = std::move(*address);
  out.path_template = path.empty() ? std::string("/") : std::string(path);
  // Braces hold parameter names; everything else is a path character.
  bool in_braces = false;
  for (const char c : path) {
    const bool fine =
        in_braces ? (c == '}' || is_parameter_char(c)) : (c == '{' || is_path_char(c));
    if (!fine || (c == '{' && in_braces)) {
      problem =
          "an integration uri's path may hold path characters and {name} parameters, "
          "and no query ('?'), fragment ('#') or spaces";
      return std::nullopt;
    }
    if (c == '{')
      in_braces = true;
    else if (c == '}')
      in_braces = false;
  }
  if (in_braces) {
    problem = "an integration uri has a '{' without its '}'";
    return std::nullopt;
  }
  return out;
}

std::string integration_path_problem(std::string_view path_template,
                                     std::string_view resource_path) {
  const std::vector<std::string_view> have = path_parameters(resource_path);
  for (std::string_view name : path_parameters(path_template)) {
    if (std::find(have.begin(), have.end(), name) == have.end())
      return "the integration uri names {" + std::string(name) + "}, which resource " +
             std::string(resource_path) + " has no path parameter for";
  }
  return {};
}

}  // namespace ug::config::detail
