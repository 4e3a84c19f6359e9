#include "gateway/app/control_writer.hpp"

#include <exception>
#include <vector>

#include "common/json_string.hpp"
#include "config/document/document_writer.hpp"
#include "gateway/control/aws_error.hpp"
#include "store/sqlite.hpp"
#include "store/usage_store.hpp"

namespace ug::gateway {
namespace {

using control::object_kind;
using control::object_ref;

std::optional<object_kind> kind_of(std::string_view name) {
  for (object_kind k : {object_kind::api_key, object_kind::usage_plan, object_kind::usage_plan_key,
                        object_kind::rest_api, object_kind::account}) {
    if (control::kind_name(k) == name)
      return k;
  }
  return std::nullopt;
}

/// The JSON the store keeps for `ref` in `doc`; nullopt when `doc` no longer has it.
std::optional<std::string> object_json(const config::document& doc, const object_ref& ref) {
  switch (ref.kind) {
    case object_kind::api_key:
      for (const config::api_key& k : doc.api_keys) {
        if (k.id == ref.id)
          return config::api_key_json(k);
      }
      return std::nullopt;
    case object_kind::usage_plan:
      for (const config::usage_plan& p : doc.usage_plans) {
        if (p.id == ref.id)
          return config::usage_plan_json(p);
      }
      return std::nullopt;
    case object_kind::usage_plan_key:
      for (const config::usage_plan_key& pk : doc.usage_plan_keys) {
        if (control::plan_key_ref_id(pk.usage_plan_id, pk.key_id) == ref.id) {
          std::string json = "{\"usagePlanId\":";
          common::append_json_string(json, pk.usage_plan_id);
          json.append(",\"keyId\":");
          common::append_json_string(json, pk.key_id);
          json.push_back('}');
          return json;
        }
      }
      return std::nullopt;
    case object_kind::rest_api:
      for (const config::rest_api& api : doc.rest_apis) {
        if (api.id != ref.id)
          continue;
        std::vector<config::stage> stages;
        for (const config::stage& s : doc.stages) {
          if (s.api_id == api.id)
            stages.push_back(s);
        }
        return config::rest_api_json(api, stages);
      }
      return std::nullopt;
    case object_kind::account:
      if (!doc.account)
        return std::nullopt;
      return config::account_json(*doc.account);
  }
  return std::nullopt;
}

/// "<planId>/<keyId>" -> (planId, keyId).
std::pair<std::string_view, std::string_view> split_plan_key(std::string_view id) {
  const auto slash = id.find('/');
  return {id.substr(0, slash), slash == std::string_view::npos ? "" : id.substr(slash + 1)};
}

}  // namespace

control_writer::control_writer(store::control_store& store, config_source& source,
                               control::usage_access* usage)
    : store_(store), source_(source), usage_(usage), rows_(load_rows(store)) {
  for (const auto& [ref, json] : rows_)
    owned_.insert(ref);
}

control_writer::rows control_writer::load_rows(store::control_store& store) {
  std::vector<store::control_row> all;
  try {
    all = store.load_all();
  } catch (const store::sqlite_error& e) {
    throw store::store_error(store.file().string() + " cannot be read (" + e.what() +
                             "). Fix: restore it from a backup, or move it aside to start "
                             "without the objects created through the control plane.");
  }
  rows out;
  for (store::control_row& row : all) {
    const std::optional<object_kind> kind = kind_of(row.kind);
    // A kind from a newer usagegate: kept in the file, never rewritten.
    if (!kind)
      continue;
    out.emplace(object_ref{*kind, row.id}, std::move(row.json));
  }
  return out;
}

config::overlay control_writer::overlay() const {
  return overlay_of(rows_, store_);
}

config::overlay control_writer::overlay_of_store(store::control_store& store) {
  return overlay_of(load_rows(store), store);
}

config::overlay control_writer::overlay_of(const rows& r, const store::control_store& store) {
  std::string api_keys;
  std::string plans;
  std::string rest_apis;
  std::string account;
  // Plan id -> its keys, as config files write usagePlanKeys.
  std::map<std::string, std::string> plan_keys;
  for (const auto& [ref, json] : r) {
    switch (ref.kind) {
      case object_kind::api_key:
        api_keys.append(api_keys.empty() ? "" : ",").append(json);
        break;
      case object_kind::usage_plan:
        plans.append(plans.empty() ? "" : ",").append(json);
        break;
      case object_kind::rest_api:
        rest_apis.append(rest_apis.empty() ? "" : ",").append(json);
        break;
      case object_kind::account:
        account = json;
        break;
      case object_kind::usage_plan_key: {
        const auto [plan_id, key_id] = split_plan_key(ref.id);
        std::string& list = plan_keys[std::string(plan_id)];
        list.append(list.empty() ? "{\"id\":" : ",{\"id\":");
        common::append_json_string(list, key_id);
        list.append(",\"type\":\"API_KEY\"}");
        break;
      }
    }
  }
  std::string json = "{" + (account.empty() ? std::string() : "\"account\":" + account + ",") +
                     "\"restApis\":[" + rest_apis + "],\"apiKeys\":[" + api_keys +
                     "],\"usagePlans\":[" + plans + "],\"usagePlanKeys\":{";
  bool first = true;
  for (const auto& [plan_id, list] : plan_keys) {
    if (!first)
      json.push_back(',');
    first = false;
    common::append_json_string(json, plan_id);
    json.append(":[").append(list).append("]");
  }
  json.append("}}");
  return config::overlay{"control-plane state (" + store.file().string() + ")", std::move(json)};
}

control_write_result control_writer::write(const control::control_request& request,
                                           const config::compiled_config& running,
                                           std::int64_t now_s) {
  control_write_result out;
  try {
    config::document doc = running.source_document();
    control::object_set touched;
    control::write_state state{doc, owned_, touched, now_s, usage_};
    out.answer = control::handle_write(request, state);
    if (out.answer.status >= 300 || touched.empty())
      return out;

    std::vector<store::control_change> changes;
    rows next_rows = rows_;
    for (const object_ref& ref : touched) {
      std::optional<std::string> json = object_json(doc, ref);
      if (json)
        next_rows[ref] = *json;
      else
        next_rows.erase(ref);
      changes.push_back({std::string(control::kind_name(ref.kind)), ref.id, std::move(json)});
    }
    const config::overlay candidate = overlay_of(next_rows, store_);
    config_load loaded = source_.load(&running, &candidate);
    if (!loaded.snapshot) {
      std::string message = "The change was not made: the resulting configuration is invalid: ";
      for (std::size_t i = 0; i < loaded.errors.size() && i < 3; ++i)
        message.append(i == 0 ? "" : "; ").append(loaded.errors[i]);
      out.answer = control::error_response(control::error_code::bad_request, message);
      return out;
    }
    store_.apply(changes);
    rows_ = std::move(next_rows);
    for (const object_ref& ref : touched) {
      if (rows_.contains(ref))
        owned_.insert(ref);
      else
        owned_.erase(ref);
    }
    source_.set_overlay(candidate);
    out.next = std::move(loaded.snapshot);
  } catch (const std::exception& e) {
    out.next.reset();
    out.answer =
        control::error_response(control::error_code::internal_failure,
                                std::string("usagegate could not store the change: ") + e.what());
  }
  return out;
}

}  // namespace ug::gateway
