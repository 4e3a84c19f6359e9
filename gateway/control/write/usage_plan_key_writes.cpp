// CreateUsagePlanKey and DeleteUsagePlanKey. A key's membership in a plan is
// an object of its own, so an API-created key can join a plan of the config
// file (and a file key an API-created plan); memberships the file lists stay
// the file's.
#include <algorithm>
#include <string>

#include "gateway/control/json_shapes.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/operations.hpp"
#include "gateway/control/write/json_body.hpp"
#include "gateway/control/write/mutation.hpp"

namespace ug::gateway::control {
namespace {

/// The first API stage `plan` shares with another plan that already holds
/// `key_id` (AWS allows a key in one plan per API stage); nullptr if none.
const config::api_stage* shared_stage(const config::document& doc, const config::usage_plan& plan,
                                      std::string_view key_id) {
  for (const config::usage_plan_key& pk : doc.usage_plan_keys) {
    if (pk.key_id != key_id || pk.usage_plan_id == plan.id)
      continue;
    const config::usage_plan* other = find_usage_plan(doc, pk.usage_plan_id);
    if (other == nullptr)
      continue;
    for (const config::api_stage& s : plan.api_stages) {
      for (const config::api_stage& o : other->api_stages) {
        if (s.api_id == o.api_id && s.stage == o.stage)
          return &s;
      }
    }
  }
  return nullptr;
}

}  // namespace

std::optional<plan_join_refusal> join_plan(mutation_context& c, const config::usage_plan& plan,
                                           std::string_view key_id) {
  if (plan_has_key(c.doc, plan.id, key_id))
    return plan_join_refusal{
        error_code::conflict,
        "Usage Plan " + plan.id + " already contains API Key " + std::string(key_id)};
  if (const config::api_stage* s = shared_stage(c.doc, plan, key_id)) {
    return plan_join_refusal{
        error_code::bad_request,
        "API Key " + std::string(key_id) +
            " cannot reference multiple Usage Plans with the same API Stage: " + s->api_id + ":" +
            s->stage};
  }
  c.doc.usage_plan_keys.push_back(config::usage_plan_key{plan.id, std::string(key_id)});
  c.touch(object_kind::usage_plan_key, plan_key_ref_id(plan.id, key_id));
  return std::nullopt;
}

control_response create_usage_plan_key(mutation_context& c) {
  const std::string plan_id(c.route.param("usageplanId"));
  const config::usage_plan* plan = find_usage_plan(c.doc, plan_id);
  if (plan == nullptr)
    return error_response(error_code::not_found, not_found_text::usage_plan);
  json_body body;
  if (!body.parse(c.body))
    return malformed_body(body.error());
  const auto key_id = body.string("keyId");
  const auto key_type = body.string("keyType");
  if (!body.ok())
    return malformed_body(body.error());
  if (!key_id || key_id->empty())
    return error_response(error_code::bad_request, "API Key id must be specified");
  if (key_type.value_or("") != "API_KEY")
    return error_response(error_code::bad_request,
                          "Invalid key type specified: the only usage plan key type is API_KEY");
  const config::api_key* key = find_api_key(c.doc, *key_id);
  if (key == nullptr)
    return error_response(error_code::not_found, not_found_text::api_key);
  if (std::optional<plan_join_refusal> refused = join_plan(c, *plan, *key_id))
    return error_response(refused->code, refused->message);
  json_writer w;
  write_usage_plan_key(w, *key);
  return json_response(201, w.take());
}

control_response delete_usage_plan_key(mutation_context& c) {
  const std::string plan_id(c.route.param("usageplanId"));
  const std::string key_id(c.route.param("keyId"));
  if (find_usage_plan(c.doc, plan_id) == nullptr)
    return error_response(error_code::not_found, not_found_text::usage_plan);
  if (!plan_has_key(c.doc, plan_id, key_id))
    return error_response(error_code::not_found, not_found_text::usage_plan_key);
  if (!c.owns(object_kind::usage_plan_key, plan_key_ref_id(plan_id, key_id)))
    return file_object_refused(c.doc, "API key '" + key_id + "' in usage plan '" + plan_id + "'");
  std::erase_if(c.doc.usage_plan_keys, [&](const config::usage_plan_key& pk) {
    return pk.usage_plan_id == plan_id && pk.key_id == key_id;
  });
  c.touch(object_kind::usage_plan_key, plan_key_ref_id(plan_id, key_id));
  return json_response(202, "");
}

}  // namespace ug::gateway::control
