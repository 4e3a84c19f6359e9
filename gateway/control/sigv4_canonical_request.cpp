#include "gateway/control/sigv4_canonical_request.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "common/hex_digit.hpp"

namespace ug::gateway::control {
namespace {

constexpr bool is_unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void append_encoded(std::string& out, std::string_view bytes, bool keep_slash) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (const char c : bytes) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0x0f];
    }
  }
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = common::hex_digit_value(text[i + 1]);
      const int low = common::hex_digit_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string encoded_component(std::string_view raw) {
  std::string out;
  append_encoded(out, percent_decoded(raw), false);
  return out;
}

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

}  // namespace

std::string sigv4_canonical_uri(std::string_view raw_path) {
  if (raw_path.empty()) {
    return "/";
  }
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= raw_path.size()) {
    const std::size_t slash = std::min(raw_path.find('/', start), raw_path.size());
    const std::string_view segment = raw_path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string normalized;
  normalized.reserve(raw_path.size());
  if (raw_path.front() == '/') {
    normalized += '/';
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) {
      normalized += '/';
    }
    normalized.append(segments[i]);
  }
  if (raw_path.back() == '/' && !segments.empty()) {
    normalized += '/';
  }
  std::string out;
  out.reserve(normalized.size() + normalized.size() / 2);
  append_encoded(out, normalized, true);
  return out;
}

std::string sigv4_canonical_query(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start <= raw_query.size()) {
    const std::size_t amp = std::min(raw_query.find('&', start), raw_query.size());
    const std::string_view pair = raw_query.substr(start, amp - start);
    if (!pair.empty()) {
      const std::size_t equals = pair.find('=');
      const std::string_view key = pair.substr(0, equals);
      const std::string_view value =
          equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
      pairs.emplace_back(encoded_component(key), encoded_component(value));
    }
    start = amp + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) {
      out += '&';
    }
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

std::string sigv4_trimmed_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (const char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    out += c;
  }
  return out;
}

std::string sigv4_canonical_request(const sigv4_request& request, std::string_view signed_headers,
                                    std::string_view payload_hash) {
  const std::size_t question = request.target.find('?');
  const std::string_view path = request.target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : request.target.substr(question + 1);

  std::string out;
  out.append(request.method);
  out += '\n';
  out += sigv4_canonical_uri(path);
  out += '\n';
  out += sigv4_canonical_query(query);
  out += '\n';

  std::string signed_line;
  std::size_t start = 0;
  while (start <= signed_headers.size()) {
    const std::size_t semicolon = std::min(signed_headers.find(';', start), signed_headers.size());
    const std::string_view name = signed_headers.substr(start, semicolon - start);
    if (start > 0) {
      signed_line += ';';
    }
    const std::size_t name_at = out.size();
    for (const char c : name) {
      out += lower(c);
    }
    signed_line.append(out, name_at, name.size());
    out += ':';
    bool first = true;
    for (const sigv4_header& header : request.headers) {
      if (equals_ignoring_case(header.name, name)) {
        if (!first) {
          out += ',';
        }
        out += sigv4_trimmed_header_value(header.value);
        first = false;
      }
    }
    out += '\n';
    start = semicolon + 1;
  }
  out += '\n';
  out += signed_line;
  out += '\n';
  out.append(payload_hash);
  return out;
}

}  // namespace ug::gateway::control
