#pragma once
// Resource tree of one API stage: matches a request path and method to the
// configured (resource, method) the way API Gateway does — literal segments
// before {param} before greedy {proxy+}, an exact method before ANY.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ug::config {

/// Pure. Equal when ASCII letters are compared without case.
[[nodiscard]] bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) noexcept;

class route_table {
 public:
  static constexpr std::uint32_t no_route = UINT32_MAX;
  /// A segment equals a literal resource name but for letter case, and a
  /// {param} or {proxy+} beside that literal would take it: upstreams that
  /// match paths case-insensitively (Express, ASP.NET) would serve the
  /// literal's resource while we would route elsewhere, so it is refused.
  static constexpr std::uint32_t case_conflict = UINT32_MAX - 1;

  /// Not thread-safe: build time only. Adds (resource path, HTTP method) and
  /// returns its route id (ids are 0, 1, 2, … in order of first addition; the
  /// same pair returns the same id). no_route for an unknown method name.
  std::uint32_t add(std::string_view resource_path, std::string_view http_method);

  /// Thread-safe (const), allocates nothing, never throws. `path` is the
  /// request path below the stage base path ("/endpoint"), without the query.
  /// Returns a route id, no_route or case_conflict.
  [[nodiscard]] std::uint32_t match(std::string_view path, std::string_view method) const noexcept;

  /// Number of routes added.
  [[nodiscard]] std::uint32_t size() const noexcept { return route_count_; }

 private:
  static constexpr std::size_t method_slots = 8;  // GET POST PUT PATCH DELETE HEAD OPTIONS ANY
  static constexpr std::size_t any_slot = 7;

  struct node {
    std::vector<std::pair<std::string, std::uint32_t>> literal_children;
    std::uint32_t param_child = no_route;
    std::uint32_t proxy_child = no_route;
    std::array<std::uint32_t, method_slots> routes;
    node() { routes.fill(no_route); }
  };

  static int method_slot(std::string_view method) noexcept;
  std::uint32_t route_at(const node& n, std::string_view method) const noexcept;
  std::uint32_t match_from(std::uint32_t node_index, std::string_view rest,
                           std::string_view method) const noexcept;

  std::vector<node> nodes_{1};  // nodes_[0] is the root resource "/"
  std::uint32_t route_count_ = 0;
};

}  // namespace ug::config
