#include "gateway/http/request_head_checks.hpp"

#include <algorithm>

#include "common/ascii.hpp"
#include "gateway/http/header_arena.hpp"

namespace ug::gateway {
namespace {

using common::trim_ows;

std::string_view view(beast::string_view s) noexcept {
  return {s.data(), s.size()};
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A field whose name, with '_' read as '-' (as WSGI and CGI servers map both
/// to one variable), is one the gateway decides on: the upstream could act on
/// a key, a host or a framing the gateway never checked.
bool underscore_alias(std::string_view name) noexcept {
  if (name.find('_') == std::string_view::npos) {
    return false;
  }
  const auto folded = [](char c) {
    c = c == '_' ? '-' : c;
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  };
  for (const std::string_view guarded :
       {"x-api-key", "host", "content-length", "transfer-encoding"}) {
    if (std::equal(name.begin(), name.end(), guarded.begin(), guarded.end(),
                   [&](char a, char b) { return folded(a) == b; })) {
      return true;
    }
  }
  return false;
}

/// The first problem found wins; later fields cannot clear it.
void note(head_facts& facts, head_problem p) noexcept {
  if (facts.problem == head_problem::none) {
    facts.problem = p;
  }
}

}  // namespace

std::string_view describe(head_problem p) noexcept {
  switch (p) {
    case head_problem::none:
      return "ok";
    case head_problem::missing_host:
      return "missing Host";
    case head_problem::duplicate_host:
      return "duplicate Host";
    case head_problem::duplicate_content_length:
      return "duplicate Content-Length";
    case head_problem::bad_content_length:
      return "malformed Content-Length";
    case head_problem::transfer_encoding_http10:
      return "Transfer-Encoding in an HTTP/1.0 request";
    case head_problem::transfer_encoding_with_length:
      return "Transfer-Encoding with Content-Length";
    case head_problem::duplicate_transfer_encoding:
      return "duplicate Transfer-Encoding";
    case head_problem::unsupported_transfer_coding:
      return "unsupported transfer coding";
    case head_problem::duplicate_api_key:
      return "duplicate x-api-key";
    case head_problem::underscore_alias:
      return "underscore alias of a checked field";
    case head_problem::connect_method:
      return "CONNECT";
  }
  return "unknown";
}

template <class Fields>
head_facts check_request_head(const http::header<true, Fields>& req) noexcept {
  head_facts facts;
  int hosts = 0;
  int lengths = 0;
  int encodings = 0;
  int api_keys = 0;
  bool close_token = false;
  bool expect_continue = false;
  bool keep_alive_token = false;
  std::string_view encoding;
  for (const auto& field : req) {
    const std::string_view value = view(field.value());
    switch (field.name()) {
      case http::field::host:
        ++hosts;
        break;
      case http::field::content_length:
        ++lengths;
        if (!all_digits(trim_ows(value))) {
          // Beast accepts a list of equal values ("5, 5"); a next hop may not.
          note(facts, value.find(',') != std::string_view::npos
                          ? head_problem::duplicate_content_length
                          : head_problem::bad_content_length);
        }
        break;
      case http::field::transfer_encoding:
        ++encodings;
        encoding = trim_ows(value);
        break;
      case http::field::connection:
        for (const auto token : http::token_list{field.value()}) {
          close_token = close_token || beast::iequals(token, "close");
          keep_alive_token = keep_alive_token || beast::iequals(token, "keep-alive");
        }
        break;
      case http::field::expect:
        expect_continue = expect_continue || beast::iequals(value, "100-continue");
        break;
      case http::field::unknown: {
        const std::string_view name = view(field.name_string());
        if (beast::iequals(name, "x-api-key")) {
          ++api_keys;
          facts.api_key = value;
          facts.has_api_key = true;
        } else if (beast::iequals(name, "x-amzn-RequestId")) {
          facts.request_id = value;
        } else if (beast::iequals(name, "X-Amzn-Trace-Id")) {
          facts.trace_id = value;
        } else if (underscore_alias(name)) {
          note(facts, head_problem::underscore_alias);
        }
        break;
      }
      default:
        break;
    }
  }
  const bool http11 = req.version() >= 11;
  facts.keep_alive = !close_token && (http11 || keep_alive_token);
  // An HTTP/1.0 client cannot read an interim response (RFC 9110 §10.1.1).
  facts.expect_continue = expect_continue && http11;
  if (req.method() == http::verb::connect) {
    note(facts, head_problem::connect_method);
  }

  if (hosts > 1) {
    note(facts, head_problem::duplicate_host);
  } else if (hosts == 0 && http11) {
    note(facts, head_problem::missing_host);
  }
  if (lengths > 1) {
    note(facts, head_problem::duplicate_content_length);
  }
  if (encodings > 0) {
    if (!http11) {
      note(facts, head_problem::transfer_encoding_http10);
    } else if (lengths > 0) {
      note(facts, head_problem::transfer_encoding_with_length);
    } else if (encodings > 1) {
      note(facts, head_problem::duplicate_transfer_encoding);
    } else if (!beast::iequals(encoding, "chunked")) {
      // The relay removes and re-applies "chunked" only; any other coding it
      // would have to forward unapplied, and then its framing and the
      // upstream's differ.
      note(facts, head_problem::unsupported_transfer_coding);
    }
  }
  if (api_keys > 1) {
    note(facts, head_problem::duplicate_api_key);
  }
  return facts;
}

template head_facts check_request_head(const http::header<true, http::fields>&) noexcept;
template head_facts check_request_head(const http::header<true, arena_fields>&) noexcept;

}  // namespace ug::gateway
