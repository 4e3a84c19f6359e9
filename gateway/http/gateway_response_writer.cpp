#include "gateway/http/gateway_response_writer.hpp"

#include "common/hex_digit.hpp"
#include "common/json_string.hpp"
#include "gateway/http/header_arena.hpp"

namespace ug::gateway {
namespace {

using config::response_part;
using config::response_value;

constexpr std::string_view default_content_type = "application/json";

bool is_header_value_byte(unsigned char c) noexcept {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/// A value as found in the request: `text` as is, or percent-decoded.
struct found_value {
  bool present = false;
  bool decode = false;
  std::string_view text;
};

/// True when `v` can be a header value (after decoding, if it is decoded).
bool header_safe(const found_value& v) noexcept {
  for (std::size_t i = 0; i < v.text.size(); ++i) {
    auto c = static_cast<unsigned char>(v.text[i]);
    if (v.decode && c == '%' && i + 2 < v.text.size() &&
        common::hex_digit_value(v.text[i + 1]) >= 0 &&
        common::hex_digit_value(v.text[i + 2]) >= 0) {
      c = static_cast<unsigned char>(common::hex_digit_value(v.text[i + 1]) * 16 +
                                     common::hex_digit_value(v.text[i + 2]));
      i += 2;
    }
    if (!is_header_value_byte(c)) {
      return false;
    }
  }
  return true;
}

template <class Sink>
void append_value(const found_value& v, Sink& w) noexcept {
  if (!v.decode) {
    w.str(v.text);
    return;
  }
  std::size_t run = 0;  // start of the bytes not yet written
  for (std::size_t i = 0; i < v.text.size(); ++i) {
    if (v.text[i] != '%' || i + 2 >= v.text.size() || common::hex_digit_value(v.text[i + 1]) < 0 ||
        common::hex_digit_value(v.text[i + 2]) < 0) {
      continue;
    }
    w.str(v.text.substr(run, i - run));
    const char decoded = static_cast<char>(common::hex_digit_value(v.text[i + 1]) * 16 +
                                           common::hex_digit_value(v.text[i + 2]));
    w.str(std::string_view(&decoded, 1));
    i += 2;
    run = i + 1;
  }
  w.str(v.text.substr(run));
}

template <class Fields>
found_value request_header(const http::header<true, Fields>* fields,
                           std::string_view name) noexcept {
  found_value v;
  if (fields == nullptr) {
    return v;
  }
  // AWS's single-value method.request.header.<name> is the last field of a
  // repeated header.
  const auto [first, last] = fields->equal_range(name);
  for (auto it = first; it != last; ++it) {
    v.present = true;
    v.text = std::string_view(it->value().data(), it->value().size());
  }
  return v;
}

found_value query_parameter(std::string_view query, std::string_view name) noexcept {
  found_value v;
  v.decode = true;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      v.present = true;  // the last one wins, as for headers
      v.text = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
  }
  return v;
}

/// The value of path parameter `name` in `path`, as matched by `resource`
/// ("/pets/{id}" against "/pets/7"; "{name+}" takes the rest of the path).
/// Both start with '/' (the route matched).
found_value path_parameter(std::string_view resource, std::string_view path,
                           std::string_view name) noexcept {
  found_value v;
  v.decode = true;
  while (!resource.empty()) {
    resource.remove_prefix(1);
    if (!path.empty()) {
      path.remove_prefix(1);
    }
    const std::size_t resource_slash = resource.find('/');
    const std::string_view pattern = resource.substr(0, resource_slash);
    resource = resource_slash == std::string_view::npos ? std::string_view()
                                                        : resource.substr(resource_slash);
    const bool variable = pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}';
    if (variable && pattern[pattern.size() - 2] == '+') {
      if (pattern.substr(1, pattern.size() - 3) == name) {
        v.present = true;
        v.text = path;
      }
      return v;
    }
    const std::size_t path_slash = path.find('/');
    const std::string_view segment = path.substr(0, path_slash);
    path = path_slash == std::string_view::npos ? std::string_view() : path.substr(path_slash);
    if (variable && pattern.substr(1, pattern.size() - 2) == name) {
      v.present = true;
      v.text = segment;
      return v;
    }
  }
  return v;
}

/// Where the bytes of `part` are, for this response and request.
template <class Fields>
found_value value_of(const response_part& part, gateway_response r,
                     const gateway_response_context& ctx, const gateway_response_request& req,
                     const http::header<true, Fields>* fields) noexcept {
  const auto plain = [](std::string_view text) { return found_value{true, false, text}; };
  switch (part.source) {
    case response_value::literal:
      return plain(part.text);
    case response_value::request_header:
      return request_header(fields, part.text);
    case response_value::query_parameter:
      return query_parameter(req.query, part.text);
    case response_value::path_parameter:
      return path_parameter(req.resource_path, req.path, part.text);
    case response_value::request_id:
      return plain(ctx.request_id);
    case response_value::extended_request_id:
      return plain(ctx.apigw_id);
    case response_value::stage:
      return plain(req.stage);
    case response_value::resource_path:
      return plain(req.resource_path);
    case response_value::http_method:
      return plain(req.http_method);
    case response_value::source_ip:
      return plain(req.source_ip);
    case response_value::error_message:
      return plain(spec_of(r).message);
    case response_value::error_response_type:
      return plain(config::aws_name(aws_type_of(r)));
    case response_value::error_message_string:
      break;  // the message, which append_part quotes
  }
  return plain(spec_of(r).message);
}

template <class Sink>
void append_json(std::string_view text, Sink& w) noexcept {
  w.str("\"");
  common::escape_json(text, [&w](std::string_view piece) { w.str(piece); });
  w.str("\"");
}

template <class Sink, class Fields>
void append_part(const response_part& part, gateway_response r, const gateway_response_context& ctx,
                 const gateway_response_request& req, const http::header<true, Fields>* fields,
                 Sink& w) noexcept {
  if (part.source == response_value::error_message_string) {
    append_json(spec_of(r).message, w);
    return;
  }
  const found_value v = value_of(part, r, ctx, req, fields);
  if (v.present) {
    append_value(v, w);
  }
}

template <class Sink, class Fields>
void render(gateway_response r, const config::custom_gateway_response& custom,
            const gateway_response_context& ctx, const gateway_response_request& req,
            const http::header<true, Fields>* fields, Sink& w) noexcept {
  const gateway_response_spec& spec = spec_of(r);
  gateway_response_head head;
  head.status = custom.status != 0 ? custom.status : spec.status;
  head.reason = head.status == spec.status ? spec.reason : reason_phrase(head.status);
  head.content_type = custom.replaces_content_type ? std::string_view() : default_content_type;
  if (custom.has_body) {
    byte_counter body;
    for (const response_part& part : custom.body) {
      append_part(part, r, ctx, req, fields, body);
    }
    head.content_length = body.size();
  } else {
    head.content_length = spec.body.size();
  }
  write_gateway_response_head(r, head, ctx, w);
  for (const config::response_header& h : custom.headers) {
    const found_value v = value_of(h.value, r, ctx, req, fields);
    if (!v.present || !header_safe(v)) {
      if (h.is_content_type) {
        w.str("Content-Type: ").str(default_content_type).str("\r\n");
      }
      continue;
    }
    w.str(h.name).str(": ");
    append_part(h.value, r, ctx, req, fields, w);
    w.str("\r\n");
  }
  w.str("\r\n");
  if (!custom.has_body) {
    w.str(spec.body);
    return;
  }
  for (const response_part& part : custom.body) {
    append_part(part, r, ctx, req, fields, w);
  }
}

}  // namespace

config::gateway_response_type aws_type_of(gateway_response r) noexcept {
  using t = config::gateway_response_type;
  switch (r) {
    case gateway_response::missing_authentication_token:
      return t::missing_authentication_token;
    case gateway_response::forbidden:
      return t::invalid_api_key;
    case gateway_response::throttled:
      return t::throttled;
    case gateway_response::quota_exceeded:
      return t::quota_exceeded;
    case gateway_response::request_too_large:
      return t::request_too_large;
    case gateway_response::integration_failure:
      return t::integration_failure;
    case gateway_response::integration_timeout:
      return t::integration_timeout;
    case gateway_response::not_implemented:
      return t::default_5xx;
    case gateway_response::header_too_large:
    case gateway_response::bad_request:
      break;
  }
  return t::default_4xx;
}

template <class Fields>
std::size_t write_custom_gateway_response(gateway_response r,
                                          const config::custom_gateway_response& custom,
                                          const gateway_response_context& ctx,
                                          const gateway_response_request& req,
                                          const http::header<true, Fields>* fields, char* out,
                                          std::size_t capacity_bytes) noexcept {
  byte_counter count;
  render(r, custom, ctx, req, fields, count);
  if (count.size() <= capacity_bytes) {
    byte_writer w(out, capacity_bytes);
    render(r, custom, ctx, req, fields, w);
  }
  return count.size();
}

template std::size_t write_custom_gateway_response(gateway_response,
                                                   const config::custom_gateway_response&,
                                                   const gateway_response_context&,
                                                   const gateway_response_request&,
                                                   const http::header<true, http::fields>*, char*,
                                                   std::size_t) noexcept;
template std::size_t write_custom_gateway_response(gateway_response,
                                                   const config::custom_gateway_response&,
                                                   const gateway_response_context&,
                                                   const gateway_response_request&,
                                                   const http::header<true, arena_fields>*, char*,
                                                   std::size_t) noexcept;

void append_json_string(std::string_view text, byte_writer& w) noexcept {
  append_json(text, w);
}
void append_json_string(std::string_view text, byte_counter& w) noexcept {
  append_json(text, w);
}

}  // namespace ug::gateway
