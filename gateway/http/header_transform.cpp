#include "gateway/http/header_transform.hpp"

#include <array>

namespace ug::gateway {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return beast::iequals(a, b);
}

std::string_view view(beast::string_view s) noexcept {
  return {s.data(), s.size()};
}

/// Fields a Connection header may not make hop-by-hop: the body framing
/// (the relay forwards the body in the framing the parser saw; dropping its
/// field would let the next hop read the body as another message: request
/// smuggling) and Host.
bool end_to_end(std::string_view name) noexcept {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "host");
}

/// The field names a message's Connection fields declare hop-by-hop. Views
/// into the message, which is not modified while they are used.
class connection_named_fields {
 public:
  template <bool IsRequest, class Fields>
  explicit connection_named_fields(const http::header<IsRequest, Fields>& h) {
    for (const auto& field : h) {
      if (field.name() != http::field::connection) {
        continue;
      }
      for (const auto token : http::token_list{field.value()}) {
        const std::string_view name = view(token);
        if (count_ < names_.size() && !iequals(name, "close") && !iequals(name, "keep-alive") &&
            !iequals(name, "connection") && !end_to_end(name)) {
          names_[count_++] = name;
        }
      }
    }
  }

  [[nodiscard]] bool contains(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < count_; ++i) {
      if (iequals(names_[i], name)) {
        return true;
      }
    }
    return false;
  }

 private:
  // More than eight named fields is not something real clients send; the
  // rest are forwarded rather than costing an allocation.
  std::array<std::string_view, 8> names_{};
  std::size_t count_ = 0;
};

bool is_hop_by_hop(http::field f) noexcept {
  switch (f) {
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_connection:
    case http::field::te:
    case http::field::trailer:
    case http::field::upgrade:
      return true;
    default:
      return false;
  }
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

/// One "name: v1, v2, ..., ours" line for a list-valued field whose
/// occurrences were skipped while copying.
template <bool IsRequest, class Fields>
void append_list_field(std::string& out, const http::header<IsRequest, Fields>& h,
                       http::field known, std::string_view name, std::string_view ours) {
  out.append(name);
  out.append(": ");
  for (const auto& field : h) {
    const bool match = known != http::field::unknown ? field.name() == known
                                                     : iequals(view(field.name_string()), name);
    if (match && !field.value().empty()) {
      out.append(view(field.value()));
      out.append(", ");
    }
  }
  out.append(ours);
  out.append("\r\n");
}

bool has_body(unsigned status, bool head_request) noexcept {
  return !head_request && status / 100 != 1 && status != 204 && status != 304;
}

}  // namespace

void build_upstream_target(std::string_view upstream_base_path, std::string_view target,
                           std::size_t forward_path_offset, std::string& out) {
  std::string_view rest = forward_path_offset <= target.size() ? target.substr(forward_path_offset)
                                                               : std::string_view{};
  out.clear();
  if (!upstream_base_path.empty() && upstream_base_path.back() == '/' && !rest.empty() &&
      rest.front() == '/') {
    upstream_base_path.remove_suffix(1);
  }
  out.append(upstream_base_path);
  if (out.empty() || out.front() != '/') {
    out.insert(out.begin(), '/');
    if (!rest.empty() && rest.front() == '/') {
      rest.remove_prefix(1);
    }
  }
  out.append(rest);
}

std::string upstream_host_value(const config::upstream_settings& u) {
  if (u.host_header) {
    return *u.host_header;
  }
  std::string host = u.host;
  if (host.find(':') != std::string::npos && (host.empty() || host.front() != '[')) {
    host = "[" + host + "]";  // IPv6 literal
  }
  if (u.port != 80) {
    host += ':';
    host += std::to_string(u.port);
  }
  return host;
}

template <class Fields>
void write_upstream_request_head(const http::header<true, Fields>& req,
                                 const upstream_request_context& ctx, std::string& out) {
  out.clear();
  // A HEAD keeps its method: the response is read as having no body.
  out.append(ctx.method.empty() || req.method() == http::verb::head ? view(req.method_string())
                                                                    : ctx.method);
  out.push_back(' ');
  out.append(ctx.target);
  out.append(" HTTP/1.1\r\n");
  append_field(out, "Host", ctx.host);
  const connection_named_fields named(req);
  for (const auto& field : req) {
    const http::field f = field.name();
    if (is_hop_by_hop(f) || f == http::field::host || f == http::field::expect ||
        f == http::field::via) {
      continue;
    }
    const std::string_view name = view(field.name_string());
    if (f == http::field::unknown &&
        (iequals(name, "X-Forwarded-For") || iequals(name, "X-Forwarded-Proto") ||
         iequals(name, "X-Amzn-Trace-Id") ||
         (!ctx.forward_api_key && iequals(name, "x-api-key")))) {
      continue;
    }
    if (named.contains(name)) {
      continue;
    }
    append_field(out, name, view(field.value()));
  }
  append_list_field(out, req, http::field::unknown, "X-Forwarded-For", ctx.client_ip);
  append_field(out, "X-Forwarded-Proto", "http");
  append_list_field(out, req, http::field::via, "Via", "1.1 usagegate");
  append_field(out, "X-Amzn-Trace-Id", ctx.trace_id);
  out.append("\r\n");
}

template <class Fields>
client_response_plan write_client_response_head(const http::header<false, Fields>& res,
                                                body_framing upstream,
                                                const client_response_context& ctx,
                                                std::string& out) {
  const unsigned status = res.result_int();
  client_response_plan plan;
  plan.framing = has_body(status, ctx.head_request) ? upstream : body_framing::none;
  const bool unchunk = plan.framing == body_framing::chunked && ctx.client_version < 11;
  if (unchunk) {
    // An HTTP/1.0 client cannot read chunked framing: the body goes raw and
    // its end is marked by closing.
    plan.framing = body_framing::until_close;
  }
  plan.keep_alive = ctx.keep_alive && plan.framing != body_framing::until_close;

  out.clear();
  out.append("HTTP/1.1 ");
  out.push_back(static_cast<char>('0' + status / 100 % 10));
  out.push_back(static_cast<char>('0' + status / 10 % 10));
  out.push_back(static_cast<char>('0' + status % 10));
  out.push_back(' ');
  const std::string_view reason = view(res.reason());
  out.append(reason.empty() ? view(http::obsolete_reason(res.result())) : reason);
  out.append("\r\n");

  const connection_named_fields named(res);
  bool has_date = false;
  for (const auto& field : res) {
    const http::field f = field.name();
    if (is_hop_by_hop(f) || (unchunk && f == http::field::transfer_encoding)) {
      continue;
    }
    const std::string_view name = view(field.name_string());
    if (f == http::field::unknown &&
        (iequals(name, "x-amzn-RequestId") || iequals(name, "x-amz-apigw-id") ||
         iequals(name, "X-Amzn-Trace-Id") || iequals(name, "RateLimit-Policy") ||
         iequals(name, "RateLimit"))) {
      continue;
    }
    if (named.contains(name)) {
      continue;
    }
    has_date = has_date || f == http::field::date;
    append_field(out, name, view(field.value()));
  }
  append_field(out, "x-amzn-RequestId", ctx.request_id);
  append_field(out, "x-amz-apigw-id", ctx.apigw_id);
  append_field(out, "X-Amzn-Trace-Id", ctx.trace_id);
  if (ctx.rate_limit != nullptr) {
    append_field(out, "RateLimit-Policy", ctx.rate_limit->policy_value());
    append_field(out, "RateLimit", ctx.rate_limit->limit_value());
  }
  if (!has_date) {
    append_field(out, "Date", ctx.date);
  }
  if (!plan.keep_alive) {
    append_field(out, "Connection", "close");
  } else if (ctx.client_version < 11) {
    append_field(out, "Connection", "keep-alive");
  }
  out.append("\r\n");
  return plan;
}

template void write_upstream_request_head(const http::header<true, http::fields>&,
                                          const upstream_request_context&, std::string&);
template void write_upstream_request_head(const http::header<true, arena_fields>&,
                                          const upstream_request_context&, std::string&);
template client_response_plan write_client_response_head(const http::header<false, http::fields>&,
                                                         body_framing,
                                                         const client_response_context&,
                                                         std::string&);
template client_response_plan write_client_response_head(const http::header<false, arena_fields>&,
                                                         body_framing,
                                                         const client_response_context&,
                                                         std::string&);

}  // namespace ug::gateway
