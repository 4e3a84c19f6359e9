#include "gateway/control/write/json_body.hpp"

#include <cmath>

namespace ug::gateway::control {

namespace dom = simdjson::dom;

bool json_body::parse(std::string_view text) {
  const std::string_view trimmed =
      text.find_first_not_of(" \t\r\n") == std::string_view::npos ? std::string_view("{}") : text;
  dom::element root;
  if (parser_.parse(trimmed.data(), trimmed.size()).get(root) != simdjson::SUCCESS) {
    error_ = "The request body is not valid JSON";
    return false;
  }
  if (root.get_object().get(root_) != simdjson::SUCCESS) {
    error_ = "The request body must be a JSON object";
    return false;
  }
  return true;
}

void json_body::fail(std::string_view what, std::string_view expected) {
  if (!error_.empty())
    return;
  error_.append("Invalid value for '").append(what).append("': expected ").append(expected);
}

std::optional<dom::element> json_body::member(std::string_view name) {
  dom::element e;
  if (root_.at_key(name).get(e) != simdjson::SUCCESS || e.is_null())
    return std::nullopt;
  return e;
}

std::optional<std::string_view> json_body::string_of(dom::element e, std::string_view what) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    fail(what, "a string");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> json_body::integer_of(dom::element e, std::string_view what) {
  std::int64_t n = 0;
  if (e.get_int64().get(n) == simdjson::SUCCESS)
    return n;
  // botocore writes an Integer member from a Python int, but a hand-written
  // body may say 5.0: accept a double that is a whole number.
  double d = 0;
  if (e.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && d == std::floor(d) &&
      std::fabs(d) < 9.0e15)
    return static_cast<std::int64_t>(d);
  fail(what, "an integer");
  return std::nullopt;
}

std::optional<double> json_body::number_of(dom::element e, std::string_view what) {
  double d = 0;
  if (e.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d))
    return d;
  fail(what, "a number");
  return std::nullopt;
}

std::optional<std::string_view> json_body::string(std::string_view name) {
  const auto e = member(name);
  return e ? string_of(*e, name) : std::nullopt;
}

std::optional<bool> json_body::boolean(std::string_view name) {
  const auto e = member(name);
  if (!e)
    return std::nullopt;
  bool b = false;
  if (e->get_bool().get(b) != simdjson::SUCCESS) {
    fail(name, "true or false");
    return std::nullopt;
  }
  return b;
}

std::optional<std::int64_t> json_body::integer(std::string_view name) {
  const auto e = member(name);
  return e ? integer_of(*e, name) : std::nullopt;
}

std::optional<double> json_body::number(std::string_view name) {
  const auto e = member(name);
  return e ? number_of(*e, name) : std::nullopt;
}

std::optional<dom::object> json_body::object(std::string_view name) {
  const auto e = member(name);
  if (!e)
    return std::nullopt;
  dom::object o;
  if (e->get_object().get(o) != simdjson::SUCCESS) {
    fail(name, "an object");
    return std::nullopt;
  }
  return o;
}

std::map<std::string, std::string> json_body::tags(std::string_view name) {
  std::map<std::string, std::string> out;
  const auto o = object(name);
  if (!o)
    return out;
  for (const auto [k, v] : *o) {
    std::string what(name);
    what.append(".").append(k);
    if (const auto text = string_of(v, what))
      out.emplace(std::string(k), std::string(*text));
  }
  return out;
}

std::optional<dom::array> json_body::array(std::string_view name) {
  const auto e = member(name);
  if (!e)
    return std::nullopt;
  dom::array a;
  if (e->get_array().get(a) != simdjson::SUCCESS) {
    fail(name, "a list");
    return std::nullopt;
  }
  return a;
}

}  // namespace ug::gateway::control
