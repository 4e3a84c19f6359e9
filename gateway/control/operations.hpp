#pragma once
// Internal to gateway/control/: the operations control_plane.cpp dispatches
// to, one function each, all with one signature. Reads answer from the
// snapshot's document; refuse_mutation answers every write.
#include <optional>
#include <string_view>
#include <vector>

#include "config/document/document.hpp"
#include "config/document/document_lookup.hpp"
#include "gateway/control/aws_error.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/pagination.hpp"
#include "gateway/control/query_string.hpp"
#include "gateway/control/rest_json_router.hpp"

namespace ug::gateway::control {

struct operation_context {
  const route_match& route;
  const query_params& query;
  const config::document& doc;
};

using operation = control_response (*)(const operation_context&);

control_response get_api_keys(const operation_context& c);
control_response get_api_key(const operation_context& c);
control_response get_usage_plans(const operation_context& c);
control_response get_usage_plan(const operation_context& c);
control_response get_usage_plan_keys(const operation_context& c);
control_response get_usage_plan_key(const operation_context& c);
control_response get_rest_apis(const operation_context& c);
control_response get_rest_api(const operation_context& c);
control_response get_resources(const operation_context& c);
control_response get_resource(const operation_context& c);
control_response get_method(const operation_context& c);
control_response get_stages(const operation_context& c);
control_response get_stage(const operation_context& c);
control_response get_account(const operation_context& c);
control_response get_integration(const operation_context& c);
control_response get_deployments(const operation_context& c);
control_response get_deployment(const operation_context& c);

/// Any Create/Update/Delete/Put/Import/... operation: 404 when it names an
/// object the file does not have (as AWS answers), else 400 naming the file.
control_response refuse_mutation(const operation_context& c);

/// The page of `items` the query asks for, as {"item": [...], "position"}:
/// `write` writes one item. A bad limit or position is a 400.
template <class T, class Write>
control_response list_answer(const operation_context& c, const std::vector<const T*>& items,
                             Write write) {
  page_error error;
  const std::optional<page> p =
      select_page(items.size(), c.query.get("limit"), c.query.get("position"), error);
  if (!p)
    return error_response(error_code::bad_request, error.message);
  json_writer w;
  w.begin_object();
  if (!p->next_position.empty()) {
    w.key("position");
    w.string(p->next_position);
  }
  w.key("item");
  w.begin_array();
  for (std::size_t i = p->begin; i < p->end; ++i)
    write(w, *items[i]);
  w.end_array();
  w.end_object();
  return json_response(200, w.take());
}

/// One object as the answer: `write(json_writer&)` writes it.
template <class Write>
control_response object_answer(Write write) {
  json_writer w;
  write(w);
  return json_response(200, w.take());
}

/// Lookups by id in the document; nullptr when absent (REST APIs and
/// deployments: config/document/document_lookup.hpp, shared with validation).
using config::find_deployment;
using config::find_rest_api;
const config::api_key* find_api_key(const config::document& doc, std::string_view id);
const config::usage_plan* find_usage_plan(const config::document& doc, std::string_view id);
const config::resource* find_resource(const config::rest_api& api, std::string_view id);
const config::stage* find_stage(const config::document& doc, std::string_view api_id,
                                std::string_view stage_name);
/// True when `key_id` is in plan `plan_id` (usagePlanKeys).
bool plan_has_key(const config::document& doc, std::string_view plan_id, std::string_view key_id);
/// The 404 of an unknown REST API id: "Invalid API identifier specified <account>:<id>".
control_response rest_api_not_found(std::string_view id);

}  // namespace ug::gateway::control
