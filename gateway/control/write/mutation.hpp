#pragma once
// Internal to gateway/control/: the write operations. Each changes the merged
// document (the config file's objects and the control plane's own) in place
// and records which of the control plane's objects it created, changed or
// deleted; the caller (gateway/app/control_writer) checks the result as a
// whole config, persists those objects and publishes, or throws it away.
// Objects that came from the config file are refused with a 400 naming it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/document/document.hpp"
#include "gateway/control/aws_error.hpp"
#include "gateway/control/owned_objects.hpp"
#include "gateway/control/query_string.hpp"
#include "gateway/control/rest_json_router.hpp"

namespace ug::gateway::control {

struct mutation_context {
  const route_match& route;
  const query_params& query;
  std::string_view body;
  config::document& doc;    ///< file and store objects; changed in place
  const object_set& owned;  ///< the store's objects before this request
  object_set& touched;      ///< out: store objects created, changed or deleted
  std::int64_t now_s = 0;   ///< epoch seconds (createdDate, lastUpdatedDate)

  [[nodiscard]] bool owns(object_kind kind, std::string_view id) const {
    return owned.contains(object_ref{kind, std::string(id)}) ||
           touched.contains(object_ref{kind, std::string(id)});
  }
  void touch(object_kind kind, std::string id) { touched.insert({kind, std::move(id)}); }
};

using mutation = control_response (*)(mutation_context&);

control_response create_api_key(mutation_context& c);
control_response update_api_key(mutation_context& c);
control_response delete_api_key(mutation_context& c);
control_response create_usage_plan(mutation_context& c);
control_response update_usage_plan(mutation_context& c);
control_response delete_usage_plan(mutation_context& c);
control_response create_usage_plan_key(mutation_context& c);
control_response delete_usage_plan_key(mutation_context& c);
control_response import_api_keys(mutation_context& c);
control_response create_rest_api(mutation_context& c);
control_response update_rest_api(mutation_context& c);
control_response delete_rest_api(mutation_context& c);
control_response create_resource(mutation_context& c);
control_response delete_resource(mutation_context& c);
control_response put_method(mutation_context& c);
control_response update_method(mutation_context& c);
control_response delete_method(mutation_context& c);
control_response put_integration(mutation_context& c);
control_response delete_integration(mutation_context& c);
control_response create_deployment(mutation_context& c);
control_response delete_deployment(mutation_context& c);
control_response create_stage(mutation_context& c);
control_response update_stage(mutation_context& c);
control_response delete_stage(mutation_context& c);
control_response update_account(mutation_context& c);

/// Why a key cannot join a plan, as AWS answers CreateUsagePlanKey.
struct plan_join_refusal {
  error_code code;
  std::string message;
};
/// Adds key `key_id` (which exists) to `plan`, recorded as touched; the
/// refusal instead when the plan holds it already or it is in another plan of
/// one of `plan`'s API stages.
[[nodiscard]] std::optional<plan_join_refusal> join_plan(mutation_context& c,
                                                         const config::usage_plan& plan,
                                                         std::string_view key_id);
/// A fresh 10-character id no key of `doc` has.
[[nodiscard]] std::string fresh_api_key_id(const config::document& doc);

/// True when some key of `doc` already has `value` (by value or by its digest).
[[nodiscard]] bool value_taken(const config::document& doc, std::string_view value);
/// AWS's objection to a key value (length, then usagegate's printable-ASCII
/// rule); "" when it is fine.
[[nodiscard]] std::string api_key_value_problem(std::string_view value);

/// The 400 for a write to an object the config file defines.
[[nodiscard]] control_response file_object_refused(const config::document& doc,
                                                   std::string_view what);
/// A 400 SerializationException (a body that is not what the operation reads).
[[nodiscard]] control_response malformed_body(std::string_view message);

}  // namespace ug::gateway::control
