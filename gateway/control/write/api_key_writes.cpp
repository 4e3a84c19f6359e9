// CreateApiKey, UpdateApiKey, DeleteApiKey with AWS's validation texts.
#include <algorithm>
#include <array>
#include <string>

#include "common/sha256.hpp"
#include "gateway/control/json_shapes.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/operations.hpp"
#include "gateway/control/write/json_body.hpp"
#include "gateway/control/write/mutation.hpp"
#include "gateway/control/write/patch_operations.hpp"
#include "gateway/control/write/random_ids.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::size_t max_name_chars = 1024;
constexpr std::size_t max_description_chars = 125'000;
constexpr std::array updatable_key_paths{std::string_view("/description"),
                                         std::string_view("/enabled"), std::string_view("/name"),
                                         std::string_view("/customerId")};

config::api_key* find_key(config::document& doc, std::string_view id) {
  for (config::api_key& k : doc.api_keys) {
    if (k.id == id)
      return &k;
  }
  return nullptr;
}

}  // namespace

bool value_taken(const config::document& doc, std::string_view value) {
  const common::sha256_digest digest = common::sha256(value);
  return std::any_of(doc.api_keys.begin(), doc.api_keys.end(), [&](const config::api_key& k) {
    return (k.value && *k.value == value) || (k.value_sha256 && *k.value_sha256 == digest);
  });
}

std::string fresh_api_key_id(const config::document& doc) {
  for (;;) {
    std::string id = random_id(10);
    if (find_api_key(doc, id) == nullptr)
      return id;
  }
}

std::string api_key_value_problem(std::string_view value) {
  if (value.size() < 20)
    return "API Key value should be at least 20 characters";
  if (value.size() > 128)
    return "API Key value exceeds maximum size of 128 characters";
  if (value.front() == ' ' || value.back() == ' ' ||
      std::any_of(value.begin(), value.end(), [](char ch) { return ch < 0x20 || ch > 0x7e; }))
    return "API Key value may contain only printable ASCII characters and may not start or end "
           "with a space (clients send it in the x-api-key header)";
  return {};
}

control_response create_api_key(mutation_context& c) {
  json_body body;
  if (!body.parse(c.body))
    return malformed_body(body.error());
  const auto name = body.string("name");
  const auto description = body.string("description");
  const auto value = body.string("value");
  const auto customer_id = body.string("customerId");
  const auto enabled = body.boolean("enabled");
  auto tags = body.tags("tags");
  const auto stage_keys = body.array("stageKeys");
  (void)body.boolean("generateDistinctId");
  if (!body.ok())
    return malformed_body(body.error());
  if (name && name->size() > max_name_chars)
    return error_response(error_code::bad_request,
                          "Invalid API Key name, can be at most 1024 characters.");
  if (description && description->size() > max_description_chars)
    return error_response(error_code::bad_request, "Invalid API Key description specified.");
  if (stage_keys && stage_keys->size() > 0)
    return error_response(error_code::bad_request,
                          "stageKeys (deprecated by AWS) is not supported by usagegate: add the "
                          "key to a usage plan instead (create-usage-plan-key)");
  config::api_key key;
  if (value && !value->empty()) {
    if (std::string problem = api_key_value_problem(*value); !problem.empty())
      return error_response(error_code::bad_request, problem);
    if (value_taken(c.doc, *value))
      return error_response(error_code::conflict, "API Key already exists");
    key.value = std::string(*value);
  } else {
    key.value = random_key_value();
  }
  key.id = fresh_api_key_id(c.doc);
  key.name = std::string(name.value_or(""));
  key.description = std::string(description.value_or(""));
  key.customer_id = std::string(customer_id.value_or(""));
  key.enabled = enabled.value_or(false);
  key.created_date_s = c.now_s;
  key.last_updated_date_s = c.now_s;
  key.tags = std::move(tags);
  c.touch(object_kind::api_key, key.id);
  c.doc.api_keys.push_back(std::move(key));
  json_writer w;
  write_api_key(w, c.doc.api_keys.back(), key_value::include);
  return json_response(201, w.take());
}

control_response update_api_key(mutation_context& c) {
  const std::string_view id = c.route.param("api_Key");
  config::api_key* key = find_key(c.doc, id);
  if (key == nullptr)
    return error_response(error_code::not_found, not_found_text::api_key);
  std::string error;
  const auto ops = parse_patch_operations(c.body, error);
  if (!ops)
    return malformed_body(error);
  if (!c.owns(object_kind::api_key, id))
    return file_object_refused(c.doc, "API key '" + std::string(id) + "'");
  config::api_key next = *key;
  for (const patch_operation& p : *ops) {
    const bool allowed =
        p.op == "replace" && std::find(updatable_key_paths.begin(), updatable_key_paths.end(),
                                       p.path) != updatable_key_paths.end();
    if (!allowed)
      return error_response(error_code::bad_request, invalid_patch_path(p, updatable_key_paths));
    const std::string v = p.value.value_or("");
    if (p.path == "/name") {
      if (v.size() > max_name_chars)
        return error_response(error_code::bad_request,
                              "Invalid API Key name, can be at most 1024 characters.");
      next.name = v;
    } else if (p.path == "/description") {
      if (v.size() > max_description_chars)
        return error_response(error_code::bad_request, "Invalid API Key description specified.");
      next.description = v;
    } else if (p.path == "/customerId") {
      next.customer_id = v;
    } else {
      next.enabled = patch_boolean(p);
    }
  }
  next.last_updated_date_s = c.now_s;
  *key = std::move(next);
  c.touch(object_kind::api_key, std::string(id));
  json_writer w;
  write_api_key(w, *key, key_value::omit);
  return json_response(200, w.take());
}

control_response delete_api_key(mutation_context& c) {
  const std::string id(c.route.param("api_Key"));
  if (find_key(c.doc, id) == nullptr)
    return error_response(error_code::not_found, not_found_text::api_key);
  if (!c.owns(object_kind::api_key, id))
    return file_object_refused(c.doc, "API key '" + id + "'");
  std::erase_if(c.doc.api_keys, [&](const config::api_key& k) { return k.id == id; });
  // AWS takes a deleted key out of every plan.
  std::erase_if(c.doc.usage_plan_keys, [&](const config::usage_plan_key& pk) {
    if (pk.key_id != id)
      return false;
    c.touch(object_kind::usage_plan_key, plan_key_ref_id(pk.usage_plan_id, pk.key_id));
    return true;
  });
  c.touch(object_kind::api_key, id);
  return json_response(202, "");
}

}  // namespace ug::gateway::control
