#pragma once
// The objects the control plane owns (created through the API and kept in
// the state store), as opposed to the config file's: what a write may
// change, and what the caller persists after it.
#include <compare>
#include <set>
#include <string>
#include <string_view>

namespace ug::gateway::control {

enum class object_kind { api_key, usage_plan, usage_plan_key, rest_api, account };

/// Pure. The store's name of the kind ("apiKey", "usagePlan", "usagePlanKey",
/// "restApi", "account").
[[nodiscard]] std::string_view kind_name(object_kind kind) noexcept;

/// One object the control plane owns. A usage plan key's id is
/// "<planId>/<keyId>" (neither id may contain '/'). A REST API is one object
/// with its resources and methods (one row: a change to any of them
/// rewrites it).
struct object_ref {
  object_kind kind = object_kind::api_key;
  std::string id;
  auto operator<=>(const object_ref&) const = default;
};
using object_set = std::set<object_ref>;

[[nodiscard]] std::string plan_key_ref_id(std::string_view plan_id, std::string_view key_id);

}  // namespace ug::gateway::control
