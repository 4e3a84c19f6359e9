#include "gateway/http/request_target.hpp"

#include <algorithm>
#include <array>

#include "common/hex_digit.hpp"

namespace ug::gateway {
namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";

/// RFC 3986 §2.3: an escape of one of these means the character itself.
constexpr bool unreserved(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

/// Bytes a path segment may carry literally (RFC 3986 pchar minus '%', which
/// only starts an escape, and ';', which is refused): unreserved, sub-delims,
/// ':' and '@'. Anything else that the HTTP parser let through (non-ASCII,
/// '"', '<', '{', ...) is encoded.
constexpr bool literal_in_segment_rule(unsigned char c) noexcept {
  if (unreserved(c)) {
    return true;
  }
  switch (c) {
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case '=':
    case ':':
    case '@':
      return true;
    default:
      return false;
  }
}

/// The rule as a table: one load per byte on the common path.
constexpr std::array<bool, 256> literal_table = [] {
  std::array<bool, 256> t{};
  for (std::size_t c = 0; c < t.size(); ++c) {
    t[c] = literal_in_segment_rule(static_cast<unsigned char>(c));
  }
  return t;
}();

bool literal_in_segment(unsigned char c) noexcept {
  return literal_table[c];
}

bool forbidden(unsigned char c) noexcept {
  return c == '\\' || c < 0x20 || c == 0x7F;
}

void append_escaped(std::string& out, unsigned char c) {
  out.push_back('%');
  out.push_back(hex_digits[c >> 4]);
  out.push_back(hex_digits[c & 0xF]);
}

/// Appends "/" + the normalised form of one raw segment to `out`.
target_problem append_segment(std::string_view raw, std::string& out) {
  out.push_back('/');
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c != '%') {
      if (forbidden(c)) {
        return target_problem::forbidden_byte;
      }
      if (c == ';') {
        return target_problem::path_parameters;
      }
      if (literal_in_segment(c)) {
        out.push_back(static_cast<char>(c));
      } else {
        append_escaped(out, c);
      }
      continue;
    }
    if (i + 2 >= raw.size()) {
      return target_problem::bad_escape;
    }
    const int hi = common::hex_digit_value(raw[i + 1]);
    const int lo = common::hex_digit_value(raw[i + 2]);
    if (hi < 0 || lo < 0) {
      return target_problem::bad_escape;
    }
    i += 2;
    const auto decoded = static_cast<unsigned char>(hi * 16 + lo);
    if (decoded == '/') {
      return target_problem::encoded_slash;
    }
    if (forbidden(decoded)) {
      return target_problem::forbidden_byte;
    }
    if (decoded == ';') {
      return target_problem::path_parameters;
    }
    if (unreserved(decoded)) {
      out.push_back(static_cast<char>(decoded));
    } else {
      append_escaped(out, decoded);
    }
  }
  return target_problem::none;
}

/// True when `path` is already canonical: only bytes a segment carries
/// literally, no escape, no empty segment but a trailing one, no dot segment.
/// The common case ("/v1/chat/completions"), copied as it is.
bool already_canonical(std::string_view path) noexcept {
  std::size_t segment_start = 1;
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      const std::string_view segment = path.substr(segment_start, i - segment_start);
      if ((segment.empty() && i != path.size()) || segment == "." || segment == "..") {
        return false;
      }
      segment_start = i + 1;
      continue;
    }
    if (!literal_in_segment(static_cast<unsigned char>(path[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view describe(target_problem p) noexcept {
  switch (p) {
    case target_problem::none:
      return "canonical";
    case target_problem::not_origin_form:
      return "not an origin-form target";
    case target_problem::bad_escape:
      return "malformed percent-escape";
    case target_problem::encoded_slash:
      return "encoded slash";
    case target_problem::forbidden_byte:
      return "forbidden byte";
    case target_problem::above_root:
      return "dot segment above the root";
    case target_problem::path_parameters:
      return "path parameters";
  }
  return "unknown";
}

canonical_target canonicalize_target(std::string_view target, std::string& out) {
  canonical_target result;
  out.clear();
  if (target.empty() || target.front() != '/' || target.find('#') != std::string_view::npos) {
    result.problem = target_problem::not_origin_form;
    return result;
  }
  const std::size_t query_at = target.find('?');
  const std::string_view path = target.substr(0, query_at);
  const std::string_view query =
      query_at == std::string_view::npos ? std::string_view{} : target.substr(query_at);
  if (already_canonical(path)) {
    out.assign(target);
    return result;
  }

  std::uint32_t depth = 0;
  std::string_view rest = path.substr(1);
  bool ends_in_slash = false;  // a dot segment or an empty one came last
  for (;;) {
    const std::size_t slash = rest.find('/');
    const std::string_view raw = rest.substr(0, slash);
    const bool last = slash == std::string_view::npos;
    rest.remove_prefix(last ? rest.size() : slash + 1);
    if (raw.empty()) {
      // "//" is merged, as nginx (merge_slashes) and most servers do: kept,
      // the router would skip "/secret//x" past /secret/{p+} to a key-less
      // ancestor's {proxy+}, and the upstream would serve /secret/x.
      ends_in_slash = true;
      if (last) {
        break;
      }
      continue;
    }
    const std::size_t segment_start = out.size();
    if (const target_problem p = append_segment(raw, out); p != target_problem::none) {
      result.problem = p;
      return result;
    }
    // Dot segments are recognised after decoding: "%2e%2e" is "..".
    const std::string_view segment = std::string_view(out).substr(segment_start + 1);
    ends_in_slash = segment == "." || segment == "..";
    if (segment == ".") {
      out.resize(segment_start);
    } else if (segment == "..") {
      out.resize(segment_start);
      if (depth == 0) {
        result.problem = target_problem::above_root;
        return result;
      }
      out.resize(out.rfind('/'));
      --depth;
      result.lowest_depth_segments = std::min(result.lowest_depth_segments, depth);
    } else {
      ++depth;
    }
    if (last) {
      break;
    }
  }
  // "/a/b/.." is "/a/" (RFC 3986 §5.2.4): the dot segment leaves its slash;
  // "/a/" keeps its one trailing slash.
  if (out.empty() || ends_in_slash) {
    out.push_back('/');
  }
  out.append(query);
  return result;
}

}  // namespace ug::gateway
