#pragma once
// The admin listener's dispatcher: (method, path pattern) -> handler, with
// JSON 404 (no such path) and 405 (path known, method not; with Allow)
// answers. Patterns are literal segments or "{name}" captures, so the later
// AWS control-plane API ("/apikeys/{api_Key}") routes through the same table.
// Independent of Beast: admin_server adapts HTTP messages to these structs,
// and tests can dispatch without a socket.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ug::gateway {

struct admin_request {
  std::string_view method;  ///< "GET", "POST", ...
  std::string_view path;    ///< target up to '?'
  std::string_view query;   ///< after '?', "" if none
  std::string_view body;
  /// Header values admin_access judges ("" when absent).
  std::string_view host;
  std::string_view origin;
  std::string_view content_type;
  std::string_view authorization;
  bool has_origin = false;        ///< an Origin header was sent, even an empty one
  bool has_content_type = false;  ///< a Content-Type header was sent, even an empty one
  /// Every header field as sent (name, value), for handlers that read more
  /// than the fields above (the AWS control plane; its SigV4 check).
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  /// "{name}" captures of the matched pattern, in pattern order (set by dispatch()).
  std::vector<std::pair<std::string_view, std::string_view>> params;

  /// The capture `name`, "" if the pattern has none by that name.
  [[nodiscard]] std::string_view param(std::string_view name) const noexcept {
    for (const auto& [k, v] : params) {
      if (k == name)
        return v;
    }
    return {};
  }
};

struct admin_response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers (e.g. Allow)
};

/// A handler runs on the admin thread. It may throw: dispatch() turns an
/// exception into a 500 JSON answer.
using admin_handler = std::function<admin_response(const admin_request&)>;

/// Pure. {"<field>":"<escaped text>"} with `status` and application/json.
admin_response json_answer(unsigned status, std::string_view field, std::string_view text);

class admin_routes {
 public:
  /// Not thread-safe: build before the server starts. `path` starts with
  /// '/'; segments "{name}" capture one non-empty segment. Registering the
  /// same method and pattern twice replaces the handler.
  void add(std::string_view method, std::string_view path, admin_handler handler);

  /// Not thread-safe: build before the server starts. Hands every request
  /// whose path `owns` (any method) to `handler` when no pattern added with
  /// add() matches the path: how the AWS control plane takes /apikeys/...,
  /// /restapis/... and answers their 404s itself. `owns` must be pure. The
  /// first owner claiming a path wins.
  void add_path_owner(std::function<bool(std::string_view path)> owns, admin_handler handler);

  /// Thread-safe once built (const; handlers must be thread-safe if the
  /// routes are shared). The most literal pattern matching the path wins;
  /// no pattern matches -> 404, a pattern matches but not for this method ->
  /// 405 with Allow.
  [[nodiscard]] admin_response dispatch(admin_request& request) const;

 private:
  struct route {
    std::string method;
    std::vector<std::string> segments;  // "{x}" marks a capture
    std::size_t literal_count = 0;
    admin_handler handler;
  };

  static std::vector<std::string_view> split(std::string_view path);
  static bool matches(const route& r, const std::vector<std::string_view>& segments);

  struct path_owner {
    std::function<bool(std::string_view)> owns;
    admin_handler handler;
  };

  static admin_response run(const admin_handler& handler, const admin_request& request);

  std::vector<route> routes_;
  std::vector<path_owner> owners_;
};

}  // namespace ug::gateway
