// apiKeys[] and usagePlanKeys: each ApiKey (its value or the value's SHA-256),
// and the keys each usage plan lists.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/sha256.hpp"
#include "config/document/aws_metadata.hpp"
#include "config/document/document_parser_impl.hpp"

namespace ug::config::detail {
namespace {

namespace dom = simdjson::dom;
using std::string_view;

// Member names per object. `*_ignored` are members AWS prints (get-* output)
// that the gateway has no use for: accepted so that CLI output drops in as is.
constexpr string_view api_key_fields[] = {
    "id",         "name",        "value",       "valueSha256",     "enabled",
    "customerId", "description", "createdDate", "lastUpdatedDate", "tags"};
constexpr string_view api_key_ignored[] = {"stageKeys"};
constexpr string_view plan_key_fields[] = {"id", "type", "value", "name"};

bool printable_ascii(string_view s) noexcept {
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
      return false;
  return s.front() != ' ' && s.back() != ' ';
}

}  // namespace

void document_parser::read_api_key(dom::element v) {
  out_.where.api_keys.push_back(r_.here());
  api_key key;
  bool has_id = false;
  bool has_value = false;
  bool has_digest = false;
  r_.members(v, {api_key_fields, api_key_ignored}, [&](string_view name, dom::element e) {
    if (name == "id") {
      has_id = true;
      read_string(e, key.id);
    } else if (name == "name") {
      read_string(e, key.name);
    } else if (name == "description") {
      read_string(e, key.description);
    } else if (name == "customerId") {
      read_string(e, key.customer_id);
    } else if (name == "enabled") {
      if (auto b = r_.boolean(e))
        key.enabled = *b;
    } else if (name == "createdDate") {
      key.created_date_s = read_aws_timestamp(r_, e);
    } else if (name == "lastUpdatedDate") {
      key.last_updated_date_s = read_aws_timestamp(r_, e);
    } else if (name == "tags") {
      key.tags = read_aws_tags(r_, e);
    } else if (name == "value") {
      has_value = true;
      const auto s = r_.string(e);
      if (!s)
        return;
      // Never echo the value: these messages end up in logs and CI output.
      const std::size_t length = utf8_length(*s);
      if (length < 20) {
        r_.error("API Key value should be at least 20 characters");
      } else if (length > 128) {
        r_.error("API Key value exceeds maximum size of 128 characters");
      } else if (!printable_ascii(*s)) {
        r_.error(
            "an API key value may contain only printable ASCII characters and may not "
            "start or end with a space (clients send it in the x-api-key header)");
      }
      key.value = std::string(*s);
    } else if (name == "valueSha256") {
      has_digest = true;
      const auto s = r_.string(e);
      if (!s)
        return;
      key.value_sha256 = common::parse_sha256_hex(*s);
      if (!key.value_sha256)
        r_.error(
            "valueSha256 must be exactly 64 hexadecimal digits (the SHA-256 of the key "
            "value, e.g. from `printf %s \"$KEY\" | sha256sum`)");
    }
  });
  if (v.type() == dom::element_type::OBJECT) {
    if (!has_id)
      missing("id");
    if (has_value && has_digest)
      r_.error("give either 'value' or 'valueSha256', not both");
    else if (!has_value && !has_digest)
      r_.error(
          "missing the key: give 'value' (as printed by get-api-keys --include-values) or "
          "'valueSha256'");
  }
  out_.doc.api_keys.push_back(std::move(key));
}

void document_parser::read_plan_keys(string_view plan_id, dom::element v) {
  plan_key_group group;
  group.plan_id = std::string(plan_id);
  group.where = r_.here();
  group.first = out_.doc.usage_plan_keys.size();
  r_.list(v, [&](dom::element e) {
    out_.where.usage_plan_keys.push_back(r_.here());
    usage_plan_key entry;
    entry.usage_plan_id = group.plan_id;
    std::optional<std::string> value;
    bool has_id = false;
    r_.members(e, {plan_key_fields, {}}, [&](string_view name, dom::element f) {
      if (name == "id") {
        has_id = true;
        read_string(f, entry.key_id);
      } else if (name == "type") {
        const auto s = r_.string(f);
        if (s && *s != "API_KEY")
          r_.error("type must be \"API_KEY\" (the only usage plan key type)");
      } else if (name == "value") {
        if (const auto s = r_.string(f))
          value = std::string(*s);
      } else if (name == "name") {
        (void)r_.string(f);
      }
    });
    if (e.type() == dom::element_type::OBJECT && !has_id)
      missing("id");
    out_.doc.usage_plan_keys.push_back(std::move(entry));
    out_.where.usage_plan_key_values.push_back(std::move(value));
  });
  group.count = out_.doc.usage_plan_keys.size() - group.first;
  out_.where.plan_key_groups.push_back(std::move(group));
}

}  // namespace ug::config::detail
