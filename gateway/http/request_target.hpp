#pragma once
// The canonical form of a request target, the one form used both to choose the
// route (and so whether a key is needed) and to build the path sent upstream.
// A gateway that matches one spelling and forwards another lets `/public/../secret`
// past its key check, because the upstream normalises what the gateway did not.
// Canonical means RFC 3986 §6.2.2: percent-encoding normalised (unreserved
// characters decoded, hex digits upper case, bytes outside the URI grammar
// encoded) and dot segments removed (§5.2.4). What cannot be made canonical
// safely is refused with 400 (docs/semantics.md, "Request targets").
#include <cstdint>
#include <string>
#include <string_view>

namespace ug::gateway {

/// Why a target was refused (none: it was made canonical).
enum class target_problem : std::uint8_t {
  none,
  not_origin_form,  ///< not "/path[?query]" (absolute-form, "*", empty) or has a '#'
  bad_escape,       ///< '%' not followed by two hex digits
  encoded_slash,    ///< %2F: upstreams disagree on whether it separates segments
  forbidden_byte,   ///< '\' or %5C, %00-%1F, %7F: upstreams read them as '/' or cut there
  above_root,       ///< ".." with no segment left to remove
  path_parameters,  ///< ';' or %3B: servlet containers and Spring cut ";x" from segments
};

/// Pure; a short text for logs and tests ("encoded slash").
[[nodiscard]] std::string_view describe(target_problem p) noexcept;

struct canonical_target {
  target_problem problem = target_problem::none;
  /// The fewest segments the path held right after a ".." removed one
  /// (UINT32_MAX when no ".." was seen): a request climbing out of its stage's
  /// base path ("/v1/../v2/x") is refused even though it lands elsewhere.
  std::uint32_t lowest_depth_segments = UINT32_MAX;
};

/// Pure. Writes the canonical form of `target` ("/path" + the query as sent,
/// which is not routed on) into `out`, cleared first; its capacity is reused,
/// so a warm session allocates nothing. On a problem `out` is unspecified.
canonical_target canonicalize_target(std::string_view target, std::string& out);

}  // namespace ug::gateway
