// parse_document: the root object, and the helpers every part of the document
// uses (each part is read in its own document_parse_*.cpp).
#include "config/document/document_parser.hpp"

#include <string>
#include <string_view>
#include <utility>

#include "config/document/document_parser_impl.hpp"
#include "config/json/suggest.hpp"

namespace ug::config::detail {
namespace {

namespace dom = simdjson::dom;
using std::string_view;

constexpr string_view root_fields[] = {"$schema", "gateway",       "restApis", "usagePlans",
                                       "apiKeys", "usagePlanKeys", "account"};
// "gateway" is read only to refuse it with a reason; "$schema" is unknown.
constexpr string_view overlay_fields[] = {"gateway", "restApis",      "usagePlans",
                                          "apiKeys", "usagePlanKeys", "account"};
constexpr string_view account_fields[] = {"cloudwatchRoleArn"};
constexpr string_view account_ignored[] = {"throttleSettings", "features", "apiKeyVersion"};
constexpr string_view throttle_fields[] = {"burstLimit", "rateLimit"};

}  // namespace

parsed_document document_parser::run(dom::element root) {
  if (!r_.expect_object(root))
    return std::move(out_);
  r_.members(root, {root_fields, {}}, [&](string_view name, dom::element v) {
    if (name == "$schema") {
      (void)r_.string(v);
    } else if (name == "gateway") {
      out_.where.has_gateway = true;
      read_gateway(v);
    } else {
      read_objects(name, v);
    }
  });
  return std::move(out_);
}

parsed_document document_parser::run_overlay(dom::element root) {
  if (!r_.expect_object(root))
    return std::move(out_);
  r_.members(root, {overlay_fields, {}}, [&](string_view name, dom::element v) {
    if (name == "gateway") {
      r_.error(
          "gateway settings come only from the configuration file, never from the control "
          "plane's objects");
    } else {
      read_objects(name, v);
    }
  });
  return std::move(out_);
}

void document_parser::read_objects(string_view name, dom::element v) {
  if (name == "restApis") {
    r_.list(v, [&](dom::element e) { read_rest_api(e); });
  } else if (name == "usagePlans") {
    r_.list(v, [&](dom::element e) { read_usage_plan(e); });
  } else if (name == "apiKeys") {
    r_.list(v, [&](dom::element e) { read_api_key(e); });
  } else if (name == "usagePlanKeys") {
    r_.entries(v, [&](string_view plan_id, dom::element e) { read_plan_keys(plan_id, e); });
  } else if (name == "account") {
    read_account(v);
  }
}

void document_parser::read_account(dom::element v) {
  if (out_.doc.account) {
    r_.error(
        "the account is set by the configuration file already; UpdateAccount cannot change it "
        "(remove 'account' from the file to manage it through the control plane)");
    return;
  }
  account_settings a;
  r_.members(v, {account_fields, account_ignored}, [&](string_view name, dom::element e) {
    if (name == "cloudwatchRoleArn")
      read_string(e, a.cloudwatch_role_arn);
  });
  if (v.type() == dom::element_type::OBJECT)
    out_.doc.account = std::move(a);
}

std::optional<std::int64_t> document_parser::bounded(dom::element v, std::int64_t min,
                                                     std::int64_t max) {
  const auto value = r_.integer(v);
  if (!value)
    return std::nullopt;
  if (*value >= min && *value <= max)
    return value;
  if (min == 0 && max == no_max) {
    r_.error("must not be negative");
  } else if (max == no_max) {
    r_.error("must be at least " + std::to_string(min));
  } else {
    r_.error("must be from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return std::nullopt;
}

std::optional<double> document_parser::non_negative_number(dom::element v) {
  const auto value = r_.number(v);
  if (!value)
    return std::nullopt;
  if (*value < 0) {
    r_.error("must not be negative");
    return std::nullopt;
  }
  return value;
}

void document_parser::read_string(dom::element v, std::string& into) {
  if (const auto s = r_.string(v))
    into = std::string(*s);
}

void document_parser::missing(string_view field) {
  std::string message = "missing required field '";
  message += field;
  message += "'";
  r_.error(std::move(message));
}

std::optional<string_view> document_parser::one_of(dom::element v,
                                                   std::span<const string_view> names) {
  const auto s = r_.string(v);
  if (!s)
    return std::nullopt;
  for (const string_view name : names)
    if (*s == name)
      return name;
  std::string message = "'";
  message += *s;
  message += "' is not one of";
  for (std::size_t i = 0; i < names.size(); ++i) {
    message += i == 0 ? " \"" : (i + 1 == names.size() ? "\" or \"" : "\", \"");
    message += names[i];
  }
  message += "\"";
  message += did_you_mean(*s, names);
  r_.error(std::move(message));
  return std::nullopt;
}

std::optional<throttle_settings> document_parser::read_throttle(dom::element v) {
  throttle_settings t;
  bool has_burst = false;
  bool has_rate = false;
  bool ok = true;
  r_.members(v, {throttle_fields, {}}, [&](string_view name, dom::element e) {
    if (name == "burstLimit") {
      has_burst = true;
      if (auto n = bounded(e, 0, no_max))
        t.burst_limit = *n;
      else
        ok = false;
    } else if (name == "rateLimit") {
      has_rate = true;
      if (auto d = non_negative_number(e))
        t.rate_limit = *d;
      else
        ok = false;
    }
  });
  if (v.type() != dom::element_type::OBJECT)
    return std::nullopt;
  if (!has_burst)
    missing("burstLimit");
  if (!has_rate)
    missing("rateLimit");
  if (!ok || !has_burst || !has_rate)
    return std::nullopt;
  return t;
}

bool document_parser::has_control_char(string_view text) noexcept {
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return true;
  return false;
}

parsed_document parse_document(json_reader& reader, dom::element root) {
  return document_parser(reader).run(root);
}

void parse_overlay(json_reader& reader, dom::element root, parsed_document& parsed) {
  parsed = document_parser(reader, std::move(parsed)).run_overlay(root);
}

}  // namespace ug::config::detail
