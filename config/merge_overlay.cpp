#include "config/merge_overlay.hpp"

#include <simdjson.h>

#include <array>
#include <map>
#include <optional>
#include <vector>

#include "common/json_string.hpp"

namespace ug::config {
namespace {

namespace dom = simdjson::dom;

/// The members whose values are lists of objects, merged by appending.
constexpr std::array list_members{std::string_view("restApis"), std::string_view("usagePlans"),
                                  std::string_view("apiKeys")};

bool is_list_member(std::string_view name) {
  for (const std::string_view m : list_members) {
    if (m == name)
      return true;
  }
  return false;
}

/// `items` one per line, indented, as a JSON array.
void append_list(std::string& out, const std::vector<std::string>& items, std::string_view indent) {
  if (items.empty()) {
    out.append("[]");
    return;
  }
  out.append("[\n");
  for (std::size_t i = 0; i < items.size(); ++i)
    out.append(indent).append("  ").append(items[i]).append(i + 1 < items.size() ? ",\n" : "\n");
  out.append(indent).append("]");
}

struct parsed_input {
  dom::parser parser;
  dom::object root;
  std::string error;
};

bool parse_object(std::string_view text, std::string_view what, parsed_input& in) {
  const std::string_view json = text.empty() ? std::string_view("{}") : text;
  dom::element e;
  if (const auto err = in.parser.parse(json.data(), json.size()).get(e)) {
    in.error = std::string(what) + " is not valid JSON: " + simdjson::error_message(err);
    return false;
  }
  if (e.get_object().get(in.root) != simdjson::SUCCESS) {
    in.error = std::string(what) + " is not a JSON object";
    return false;
  }
  return true;
}

/// Appends `v`'s elements (an array) to `into`; false if `v` is no array.
bool collect(dom::element v, std::vector<std::string>& into) {
  dom::array a;
  if (v.get_array().get(a) != simdjson::SUCCESS)
    return false;
  for (dom::element item : a)
    into.push_back(simdjson::to_string(item));
  return true;
}

}  // namespace

merge_result merge_overlay(std::string_view file_json, const overlay& extra) {
  merge_result r;
  parsed_input file;
  parsed_input more;
  if (!parse_object(file_json, "the configuration file", file)) {
    r.error = file.error;
    return r;
  }
  const std::string overlay_name = extra.name.empty() ? "the overlay" : extra.name;
  if (!parse_object(extra.json, overlay_name, more)) {
    r.error = more.error;
    return r;
  }

  // What the overlay adds, by member.
  std::map<std::string, std::vector<std::string>, std::less<>> added_lists;
  std::map<std::string, std::vector<std::string>, std::less<>> added_plan_keys;
  std::optional<std::string> added_account;
  for (const auto field : more.root) {
    const std::string_view name = field.key;
    if (is_list_member(name)) {
      if (!collect(field.value, added_lists[std::string(name)])) {
        r.error = overlay_name + ": " + std::string(name) + " is not a list";
        return r;
      }
    } else if (name == "usagePlanKeys") {
      dom::object plans;
      if (field.value.get_object().get(plans) != simdjson::SUCCESS) {
        r.error = overlay_name + ": usagePlanKeys is not an object";
        return r;
      }
      for (const auto plan : plans) {
        if (!collect(plan.value, added_plan_keys[std::string(plan.key)])) {
          r.error = overlay_name + ": usagePlanKeys." + std::string(plan.key) + " is not a list";
          return r;
        }
      }
    } else if (name == "account") {
      added_account = simdjson::to_string(field.value);
    } else {
      r.error = overlay_name + ": unexpected member " + std::string(name);
      return r;
    }
  }

  std::string out = "{";
  bool first = true;
  auto member = [&](std::string_view name) -> std::string& {
    out.append(first ? "\n  " : ",\n  ");
    first = false;
    common::append_json_string(out, name);
    out.append(": ");
    return out;
  };
  auto plan_keys_json = [&](dom::object* file_plans) {
    // The file's plans in its order, then the overlay's other plans.
    std::vector<std::pair<std::string, std::vector<std::string>>> plans;
    if (file_plans != nullptr) {
      for (const auto plan : *file_plans) {
        std::vector<std::string> keys;
        if (!collect(plan.value, keys))
          return false;
        const auto added = added_plan_keys.find(plan.key);
        if (added != added_plan_keys.end()) {
          keys.insert(keys.end(), added->second.begin(), added->second.end());
          added_plan_keys.erase(added);
        }
        plans.emplace_back(std::string(plan.key), std::move(keys));
      }
    }
    for (auto& [plan_id, keys] : added_plan_keys)
      plans.emplace_back(plan_id, std::move(keys));
    out.append("{");
    for (std::size_t i = 0; i < plans.size(); ++i) {
      out.append(i == 0 ? "\n    " : ",\n    ");
      common::append_json_string(out, plans[i].first);
      out.append(": ");
      append_list(out, plans[i].second, "    ");
    }
    out.append(plans.empty() ? "}" : "\n  }");
    return true;
  };

  bool wrote_plan_keys = false;
  for (const auto field : file.root) {
    const std::string_view name = field.key;
    if (is_list_member(name)) {
      std::vector<std::string> items;
      if (!collect(field.value, items)) {
        r.error = "the configuration file: " + std::string(name) + " is not a list";
        return r;
      }
      const auto added = added_lists.find(name);
      if (added != added_lists.end()) {
        items.insert(items.end(), added->second.begin(), added->second.end());
        added_lists.erase(added);
      }
      append_list(member(name), items, "  ");
    } else if (name == "usagePlanKeys") {
      dom::object plans;
      const bool is_object = field.value.get_object().get(plans) == simdjson::SUCCESS;
      member(name);
      if (!is_object || !plan_keys_json(&plans)) {
        r.error = "the configuration file: usagePlanKeys is not an object of lists";
        return r;
      }
      wrote_plan_keys = true;
    } else if (name == "account" && added_account) {
      r.error = "the configuration file and " + overlay_name +
                " both set the account; keep it in one of them";
      return r;
    } else {
      member(name).append(simdjson::to_string(field.value));
    }
  }
  for (const std::string_view name : list_members) {
    const auto added = added_lists.find(name);
    if (added != added_lists.end() && !added->second.empty())
      append_list(member(name), added->second, "  ");
  }
  if (!wrote_plan_keys && !added_plan_keys.empty()) {
    member("usagePlanKeys");
    plan_keys_json(nullptr);
  }
  if (added_account)
    member("account").append(*added_account);
  out.append(first ? "}\n" : "\n}\n");
  r.json = std::move(out);
  return r;
}

}  // namespace ug::config
