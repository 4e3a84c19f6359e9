// GetApiKeys, GetApiKey, GetUsagePlans, GetUsagePlan, GetUsagePlanKeys and
// GetUsagePlanKey over the config document. Lists are in file order; name
// filters are case-sensitive prefixes, as AWS matches them.
#include <string_view>
#include <vector>

#include "gateway/control/json_shapes.hpp"
#include "gateway/control/operations.hpp"

namespace ug::gateway::control {

const config::api_key* find_api_key(const config::document& doc, std::string_view id) {
  for (const config::api_key& k : doc.api_keys) {
    if (k.id == id)
      return &k;
  }
  return nullptr;
}

const config::usage_plan* find_usage_plan(const config::document& doc, std::string_view id) {
  for (const config::usage_plan& p : doc.usage_plans) {
    if (p.id == id)
      return &p;
  }
  return nullptr;
}

bool plan_has_key(const config::document& doc, std::string_view plan_id, std::string_view key_id) {
  for (const config::usage_plan_key& pk : doc.usage_plan_keys) {
    if (pk.usage_plan_id == plan_id && pk.key_id == key_id)
      return true;
  }
  return false;
}

control_response get_api_keys(const operation_context& c) {
  const std::string_view name_prefix = c.query.get("name").value_or("");
  const std::optional<std::string_view> customer_id = c.query.get("customerId");
  std::vector<const config::api_key*> items;
  for (const config::api_key& k : c.doc.api_keys) {
    if (!k.name.starts_with(name_prefix))
      continue;
    if (customer_id && k.customer_id != *customer_id)
      continue;
    items.push_back(&k);
  }
  const key_value value = c.query.flag("includeValues") ? key_value::include : key_value::omit;
  return list_answer(
      c, items, [value](json_writer& w, const config::api_key& k) { write_api_key(w, k, value); });
}

control_response get_api_key(const operation_context& c) {
  const config::api_key* key = find_api_key(c.doc, c.route.param("api_Key"));
  if (key == nullptr)
    return error_response(error_code::not_found, not_found_text::api_key);
  const key_value value = c.query.flag("includeValue") ? key_value::include : key_value::omit;
  return object_answer([&](json_writer& w) { write_api_key(w, *key, value); });
}

control_response get_usage_plans(const operation_context& c) {
  const std::optional<std::string_view> key_id = c.query.get("keyId");
  std::vector<const config::usage_plan*> items;
  for (const config::usage_plan& p : c.doc.usage_plans) {
    if (!key_id || plan_has_key(c.doc, p.id, *key_id))
      items.push_back(&p);
  }
  return list_answer(c, items, [](json_writer& w, const config::usage_plan& p) {
    write_usage_plan(w, p, empty_tags::omit);
  });
}

control_response get_usage_plan(const operation_context& c) {
  const config::usage_plan* plan = find_usage_plan(c.doc, c.route.param("usageplanId"));
  if (plan == nullptr)
    return error_response(error_code::not_found, not_found_text::usage_plan);
  return object_answer([&](json_writer& w) { write_usage_plan(w, *plan, empty_tags::write); });
}

control_response get_usage_plan_keys(const operation_context& c) {
  // An unknown plan id lists nothing (AWS answers 200 {"item": []}, not 404).
  const std::string_view plan_id = c.route.param("usageplanId");
  const std::string_view name_prefix = c.query.get("name").value_or("");
  std::vector<const config::api_key*> items;
  for (const config::usage_plan_key& pk : c.doc.usage_plan_keys) {
    if (pk.usage_plan_id != plan_id)
      continue;
    const config::api_key* key = find_api_key(c.doc, pk.key_id);
    if (key != nullptr && key->name.starts_with(name_prefix))
      items.push_back(key);
  }
  return list_answer(c, items,
                     [](json_writer& w, const config::api_key& k) { write_usage_plan_key(w, k); });
}

control_response get_usage_plan_key(const operation_context& c) {
  const std::string_view plan_id = c.route.param("usageplanId");
  if (find_usage_plan(c.doc, plan_id) == nullptr)
    return error_response(error_code::not_found, not_found_text::usage_plan);
  const std::string_view key_id = c.route.param("keyId");
  const config::api_key* key = find_api_key(c.doc, key_id);
  if (key == nullptr || !plan_has_key(c.doc, plan_id, key_id))
    return error_response(error_code::not_found, not_found_text::usage_plan_key);
  return object_answer([&](json_writer& w) { write_usage_plan_key(w, *key); });
}

}  // namespace ug::gateway::control
