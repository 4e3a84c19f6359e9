#include "gateway/http/integration_target.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include "gateway/http/header_transform.hpp"

namespace ug::gateway {
namespace {

/// The path parameters one request has; a resource path has a handful.
constexpr std::size_t max_parameters = 16;

struct captures {
  std::array<std::pair<std::string_view, std::string_view>, max_parameters> items;
  std::size_t size = 0;

  [[nodiscard]] std::string_view find(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < size; ++i) {
      if (items[i].first == name)
        return items[i].second;
    }
    return {};
  }
};

/// The next segment of `path` (which starts after a '/'), and what follows it.
std::pair<std::string_view, std::string_view> next_segment(std::string_view path) noexcept {
  const std::size_t slash = path.find('/');
  if (slash == std::string_view::npos)
    return {path, {}};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

captures capture(std::string_view resource_path, std::string_view request_path) noexcept {
  captures out;
  if (resource_path.starts_with('/'))
    resource_path.remove_prefix(1);
  if (request_path.starts_with('/'))
    request_path.remove_prefix(1);
  while (!resource_path.empty() && out.size < max_parameters) {
    const auto [pattern, pattern_rest] = next_segment(resource_path);
    resource_path = pattern_rest;
    if (pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}') {
      std::string_view name = pattern.substr(1, pattern.size() - 2);
      if (name.back() == '+') {
        name.remove_suffix(1);
        out.items[out.size++] = {name, request_path};
        return out;
      }
      const auto [value, value_rest] = next_segment(request_path);
      out.items[out.size++] = {name, value};
      request_path = value_rest;
      continue;
    }
    request_path = next_segment(request_path).second;
  }
  return out;
}

}  // namespace

void build_integration_target(std::string_view path_template, std::string_view resource_path,
                              std::string_view request_path, std::string_view query,
                              std::string& out) {
  const captures values = capture(resource_path, request_path);
  out.clear();
  if (!path_template.starts_with('/'))
    out.push_back('/');
  while (!path_template.empty()) {
    const std::size_t open = path_template.find('{');
    const std::size_t close = open == std::string_view::npos ? open : path_template.find('}', open);
    if (close == std::string_view::npos) {
      out.append(path_template);
      break;
    }
    out.append(path_template.substr(0, open));
    std::string_view name = path_template.substr(open + 1, close - open - 1);
    if (name.ends_with('+'))
      name.remove_suffix(1);
    out.append(values.find(name));
    path_template.remove_prefix(close + 1);
  }
  out.append(query);
}

void build_forward_target(const config::verdict& v, std::string_view upstream_base_path,
                          std::string_view canonical_target, std::string& out) {
  if (v.integration_path.empty()) {
    build_upstream_target(upstream_base_path, canonical_target, v.forward_path_offset, out);
    return;
  }
  const std::string_view below =
      canonical_target.substr(std::min(v.forward_path_offset, canonical_target.size()));
  const std::size_t query = below.find('?');
  const std::string_view path = below.substr(0, query);
  build_integration_target(v.integration_path, v.resource_path, path.empty() ? "/" : path,
                           query == std::string_view::npos ? "" : below.substr(query), out);
}

}  // namespace ug::gateway
