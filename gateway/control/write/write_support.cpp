// What every write operation shares: the store's kind names, the refusal of
// file objects, and the body errors.
#include <string>

#include "gateway/control/write/mutation.hpp"

namespace ug::gateway::control {

std::string_view kind_name(object_kind kind) noexcept {
  switch (kind) {
    case object_kind::api_key:
      return "apiKey";
    case object_kind::usage_plan:
      return "usagePlan";
    case object_kind::usage_plan_key:
      return "usagePlanKey";
    case object_kind::rest_api:
      return "restApi";
    case object_kind::account:
      return "account";
  }
  return "apiKey";
}

std::string plan_key_ref_id(std::string_view plan_id, std::string_view key_id) {
  std::string id(plan_id);
  id.push_back('/');
  id.append(key_id);
  return id;
}

control_response file_object_refused(const config::document& doc, std::string_view what) {
  std::string message(what);
  message.append(" is defined in ");
  message.append(doc.source_files.empty() ? std::string("the config file")
                                          : "the config file " + doc.source_files.front());
  message.append(
      " and is read-only through the API (the file is the source of truth); change the file "
      "and reload it (POST /reload on the admin listener, or SIGHUP)");
  return error_response(error_code::bad_request, message);
}

control_response malformed_body(std::string_view message) {
  return error_response(error_code::serialization, message);
}

}  // namespace ug::gateway::control
