#pragma once
// The closed label vocabularies of the gateway's metrics and access log:
// request outcomes, status classes, HTTP methods, throttle levels and state
// failure decisions. Every
// value a client could vary freely is folded into a fixed set here, so no
// request can mint a new time series (docs/operations.md, "Cardinality").
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/snapshot/outcome.hpp"
#include "limiter/admission.hpp"

namespace ug::gateway {

/// How a request ended is config::outcome, the decision compiled_config
/// returns plus the gateway's own upstream_error: one enum, so the proxy
/// records a decision as it is and no table maps it onto a second list.
using config::outcome;
using config::outcome_count;

/// Pure, thread-safe. The label value, named for the operator ("allowed",
/// "not_found", ...): the names are what dashboards and alerts match on
/// (docs/operations.md), so they stay fixed while the members are named for
/// the decision. A switch, so a new member cannot go without a name.
constexpr std::string_view outcome_name(outcome o) noexcept {
  switch (o) {
    case outcome::forward:
      return "allowed";  // forwarded upstream and answered (any upstream status)
    case outcome::throttled:
      return "throttled";
    case outcome::quota_exceeded:
      return "quota_exceeded";
    case outcome::forbidden:
      return "forbidden";
    case outcome::missing_auth_token:
      return "not_found";
    case outcome::upstream_error:
      return "upstream_error";
    case outcome::bad_request:
      return "bad_request";
  }
  return "bad_request";
}

/// "1xx".."5xx": index 0..4. Statuses outside 100..599 cannot come from Beast
/// or from us; they are folded into 5xx rather than trusted as an index.
inline constexpr std::size_t status_class_count = 5;
constexpr std::size_t status_class_index(int status) noexcept {
  if (status < 200)
    return 0;
  if (status >= 500)
    return 4;
  return static_cast<std::size_t>(status / 100 - 1);
}
constexpr std::string_view status_class_name(std::size_t index) noexcept {
  constexpr std::array<std::string_view, status_class_count> names{"1xx", "2xx", "3xx", "4xx",
                                                                   "5xx"};
  return index < status_class_count ? names[index] : std::string_view("5xx");
}

/// Pure, thread-safe. The method as a label value: the registered HTTP
/// methods as themselves, anything else (extension methods are arbitrary
/// client tokens) as "OTHER". The result never points into `method`.
constexpr std::string_view method_label(std::string_view method) noexcept {
  constexpr std::array<std::string_view, 9> known{"GET",  "POST",    "PUT",     "DELETE", "PATCH",
                                                  "HEAD", "OPTIONS", "CONNECT", "TRACE"};
  for (const auto k : known) {
    if (k == method)
      return k;
  }
  return "OTHER";
}

/// Pure, thread-safe. The throttle level as a label value.
constexpr std::string_view limit_level_name(limiter::limit_level level) noexcept {
  constexpr std::array<std::string_view, limiter::limit_level_count> names{
      "plan_method", "plan", "stage_method", "stage", "account"};
  const auto i = static_cast<std::size_t>(level);
  return i < limiter::limit_level_count ? names[i] : std::string_view("account");
}

/// What gateway.onStateFailure decided for a request the state store could
/// not cover: index 0 "refused", 1 "admitted" (state_failure_decision minus one).
inline constexpr std::size_t state_failure_decision_count = 2;
constexpr std::string_view state_failure_decision_name(std::size_t index) noexcept {
  return index == 1 ? std::string_view("admitted") : std::string_view("refused");
}

}  // namespace ug::gateway
