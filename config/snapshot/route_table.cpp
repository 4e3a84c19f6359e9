#include "config/snapshot/route_table.hpp"

namespace ug::config {
namespace {

/// Splits "a/b/c" into "a" and "b/c" ("" when there is no '/').
std::pair<std::string_view, std::string_view> first_segment(std::string_view rest) noexcept {
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return {rest, std::string_view()};
  }
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

bool is_param(std::string_view segment) noexcept {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool is_proxy(std::string_view segment) noexcept {
  return segment.size() > 3 && segment.front() == '{' && segment.substr(segment.size() - 2) == "+}";
}

}  // namespace

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

int route_table::method_slot(std::string_view method) noexcept {
  static constexpr std::array<std::string_view, method_slots> names = {
      "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == method) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::uint32_t route_table::add(std::string_view resource_path, std::string_view http_method) {
  const int slot = method_slot(http_method);
  if (slot < 0) {
    return no_route;
  }
  std::uint32_t current = 0;
  std::string_view rest = resource_path;
  if (!rest.empty() && rest.front() == '/') {
    rest.remove_prefix(1);
  }
  while (!rest.empty()) {
    auto [segment, tail] = first_segment(rest);
    rest = tail;
    std::uint32_t next = no_route;
    if (is_proxy(segment)) {
      next = nodes_[current].proxy_child;
      if (next == no_route) {
        next = static_cast<std::uint32_t>(nodes_.size());
        nodes_[current].proxy_child = next;
        nodes_.emplace_back();
      }
      rest = {};  // {proxy+} is always the last segment (validated)
    } else if (is_param(segment)) {
      next = nodes_[current].param_child;
      if (next == no_route) {
        next = static_cast<std::uint32_t>(nodes_.size());
        nodes_[current].param_child = next;
        nodes_.emplace_back();
      }
    } else {
      for (const auto& [literal, child] : nodes_[current].literal_children) {
        if (literal == segment) {
          next = child;
        }
      }
      if (next == no_route) {
        next = static_cast<std::uint32_t>(nodes_.size());
        nodes_[current].literal_children.emplace_back(std::string(segment), next);
        nodes_.emplace_back();
      }
    }
    current = next;
  }
  std::uint32_t& route = nodes_[current].routes[static_cast<std::size_t>(slot)];
  if (route == no_route) {
    route = route_count_++;
  }
  return route;
}

std::uint32_t route_table::route_at(const node& n, std::string_view method) const noexcept {
  const int slot = method_slot(method);
  if (slot >= 0 && n.routes[static_cast<std::size_t>(slot)] != no_route) {
    return n.routes[static_cast<std::size_t>(slot)];
  }
  // ANY serves every method, including ones API Gateway has no slot for.
  return n.routes[any_slot];
}

std::uint32_t route_table::match_from(std::uint32_t node_index, std::string_view rest,
                                      std::string_view method) const noexcept {
  const node& n = nodes_[node_index];
  if (rest.empty()) {
    return route_at(n, method);
  }
  auto [segment, tail] = first_segment(rest);
  // An empty segment ("/a//b") matches no resource; a single trailing "/" never
  // gets here (first_segment drops it), so "/endpoint/" matches "/endpoint".
  if (segment.empty()) {
    return no_route;
  }
  bool case_variant = false;
  for (const auto& [literal, child] : n.literal_children) {
    if (literal == segment) {
      const std::uint32_t found = match_from(child, tail, method);
      if (found != no_route) {
        return found;
      }
    } else if (equals_ignoring_ascii_case(literal, segment)) {
      case_variant = true;
    }
  }
  std::uint32_t fallback = no_route;
  if (n.param_child != no_route) {
    fallback = match_from(n.param_child, tail, method);
  }
  if (fallback == no_route && n.proxy_child != no_route) {
    fallback = route_at(nodes_[n.proxy_child], method);
  }
  // Only a case variant that a {param} or {proxy+} would take is refused;
  // with nowhere to go it is no route, as in API Gateway.
  return case_variant && fallback != no_route ? case_conflict : fallback;
}

std::uint32_t route_table::match(std::string_view path, std::string_view method) const noexcept {
  if (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  return match_from(0, path, method);
}

}  // namespace ug::config
