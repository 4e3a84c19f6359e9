#pragma once
// A URL path as its '/'-separated segments, the one splitter the admin routes
// and the control-plane router match on.
#include <string_view>
#include <vector>

namespace ug::common {

/// Pure, thread-safe. "/a/b" -> {"a","b"}; "/" -> {""}; a trailing '/' yields
/// an empty last segment, so "/metrics/" does not silently alias "/metrics".
/// The views point into `path`.
inline std::vector<std::string_view> split_path_segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  for (;;) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace ug::common
