#include "gateway/header_transform.hpp"

#include <array>

namespace ug::gateway {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return beast::iequals(a, b);
}

void append_list_value(http::fields& f, std::string_view name, std::string_view value,
                       std::string& scratch) {
  const auto it = f.find(name);
  if (it == f.end() || it->value().empty()) {
    f.set(name, value);
    return;
  }
  scratch.assign(it->value().data(), it->value().size());
  scratch.append(", ");
  scratch.append(value);
  f.set(name, scratch);
}

}  // namespace

void remove_hop_by_hop(http::fields& f) {
  // Fields named by Connection first: they are hop-by-hop by declaration.
  // Names are copied out because erasing may free the storage a view points at.
  std::array<std::string, 8> named;
  std::size_t count = 0;
  for (const auto& field : f) {
    if (field.name() != http::field::connection) {
      continue;
    }
    for (const auto token : http::token_list{field.value()}) {
      if (count == named.size()) {
        break;
      }
      const std::string_view name(token.data(), token.size());
      if (!iequals(name, "close") && !iequals(name, "keep-alive") && !iequals(name, "connection")) {
        named[count++].assign(name.data(), name.size());
      }
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    f.erase(named[i]);
  }
  f.erase(http::field::connection);
  f.erase(http::field::keep_alive);
  f.erase(http::field::proxy_connection);
  f.erase(http::field::te);
  f.erase(http::field::trailer);
  f.erase(http::field::upgrade);
}

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

void prepare_upstream_request(http::request_header<>& req, const upstream_request_context& ctx,
                              std::string& scratch) {
  remove_hop_by_hop(req);
  req.erase(http::field::expect);
  req.target(ctx.target);
  req.version(11);
  req.set(http::field::host, ctx.host);
  append_list_value(req, "X-Forwarded-For", ctx.client_ip, scratch);
  req.set("X-Forwarded-Proto", "http");
  append_list_value(req, "Via", "1.1 usagegate", scratch);
  req.set("X-Amzn-Trace-Id", ctx.trace_id);
  if (!ctx.forward_api_key) {
    req.erase("x-api-key");
  }
}

void prepare_client_response(http::response<http::buffer_body>& res,
                             const client_response_context& ctx) {
  remove_hop_by_hop(res);
  res.set("x-amzn-RequestId", ctx.request_id);
  res.set("x-amz-apigw-id", ctx.apigw_id);
  res.set("X-Amzn-Trace-Id", ctx.trace_id);
  if (ctx.rate_limit != nullptr) {
    res.set("RateLimit-Policy", ctx.rate_limit->policy_value());
    res.set("RateLimit", ctx.rate_limit->limit_value());
  }
  if (res.find(http::field::date) == res.end()) {
    res.set(http::field::date, ctx.date);
  }
  bool keep_alive = ctx.keep_alive;
  if (ctx.client_version < 11 && res.chunked()) {
    // An HTTP/1.0 client cannot read chunked framing: send the body raw and
    // mark its end by closing.
    res.chunked(false);
    keep_alive = false;
  }
  res.keep_alive(keep_alive);
}

}  // namespace ug::gateway
