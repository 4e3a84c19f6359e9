// GetUsage and UpdateUsage over a usage_access. The texts AWS is known to
// send are AWS's ("Invalid Usage Plan ID specified", the "Invalid patch path"
// pattern); the others are usagegate's and say what to send instead.
#include "gateway/control/usage_operations.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "common/utc_day.hpp"
#include "gateway/control/write/patch_operations.hpp"

namespace ug::gateway::control {
namespace {

/// A date member of GetUsage, checked: the day, or the 400 that refuses it.
struct date_param {
  std::optional<std::int64_t> day;
  std::optional<control_response> refusal;
};

date_param read_date(const operation_context& c, std::string_view name) {
  const std::optional<std::string_view> text = c.query.get(name);
  if (!text) {
    return {std::nullopt,
            error_response(error_code::bad_request,
                           std::string(name) + " is required: a UTC date as YYYY-MM-DD")};
  }
  const std::optional<std::int64_t> day = common::parse_utc_day(*text);
  if (!day) {
    return {std::nullopt,
            error_response(error_code::bad_request, "Invalid " + std::string(name) + " '" +
                                                        std::string(*text) +
                                                        "' specified: expected a UTC date as "
                                                        "YYYY-MM-DD")};
  }
  return {day, std::nullopt};
}

control_response no_quota(std::string_view plan_id, std::string_view what) {
  return error_response(error_code::bad_request,
                        "Usage plan '" + std::string(plan_id) +
                            "' has no quota: usagegate counts a key's requests against its "
                            "plan's quota only, so " +
                            std::string(what));
}

control_response unavailable(const std::string& message) {
  return error_response(error_code::service_unavailable, message);
}

/// The Usage shape. Keys `days` lacks (never counted) show every day at
/// [0, the plan's limit]: nothing used, all of the quota left.
std::string usage_json(std::string_view plan_id, std::int64_t from_day, std::int64_t to_day,
                       const std::vector<std::string_view>& keys,
                       const std::map<std::string, daily_pairs>& days, std::int64_t plan_limit,
                       std::string_view next_position) {
  json_writer w;
  w.begin_object();
  w.key("usagePlanId");
  w.string(plan_id);
  w.key("startDate");
  w.string(common::format_utc_day(from_day));
  w.key("endDate");
  w.string(common::format_utc_day(to_day));
  if (!next_position.empty()) {
    w.key("position");
    w.string(next_position);
  }
  w.key("values");
  w.begin_object();
  for (const std::string_view key : keys) {
    w.key(key);
    w.begin_array();
    const auto found = days.find(std::string(key));
    for (std::int64_t day = from_day; day <= to_day; ++day) {
      const std::size_t i = static_cast<std::size_t>(day - from_day);
      const bool known = found != days.end() && i < found->second.size();
      w.begin_array();
      w.integer(known ? found->second[i].first : 0);
      w.integer(known ? found->second[i].second : plan_limit);
      w.end_array();
    }
    w.end_array();
  }
  w.end_object();
  w.end_object();
  return w.take();
}

/// The remaining quota a patch sets, or the 400 that refuses the patch.
struct patch_result {
  std::optional<std::int64_t> remaining;
  std::optional<control_response> refusal;
};

patch_result bad_patch(std::string message) {
  return {std::nullopt, error_response(error_code::bad_request, message)};
}

constexpr std::array<std::string_view, 1> usage_patch_paths{"/remaining"};

/// {"patchOperations": [...]}: every operation must be replace /remaining
/// with a whole number; the last one wins, as operations apply in order.
patch_result read_patch(std::string_view body) {
  std::string error;
  const std::optional<std::vector<patch_operation>> ops = parse_patch_operations(body, error);
  if (!ops)
    return bad_patch(error);
  if (ops->empty()) {
    return bad_patch(
        "UpdateUsage needs patchOperations: [{\"op\": \"replace\", \"path\": \"/remaining\", "
        "\"value\": \"<requests>\"}]");
  }
  std::optional<std::int64_t> remaining;
  for (const patch_operation& p : *ops) {
    if (p.op != "replace" || p.path != usage_patch_paths[0])
      return bad_patch(invalid_patch_path(p, usage_patch_paths));
    if (!p.value)
      return bad_patch(
          "Invalid remaining quota: the value is missing; give the requests left as a string "
          "of digits, such as \"50\"");
    const std::string_view value = *p.value;
    if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos)
      return bad_patch("Invalid remaining quota '" + *p.value +
                       "' specified: must be a whole number of requests, 0 or more");
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || n > max_remaining)
      return bad_patch("Invalid remaining quota '" + *p.value + "' specified: at most " +
                       std::to_string(max_remaining));
    remaining = n;
  }
  return {remaining, std::nullopt};
}

}  // namespace

control_response get_usage(const operation_context& c, usage_access& usage) {
  const date_param start = read_date(c, "startDate");
  if (start.refusal)
    return *start.refusal;
  const date_param end = read_date(c, "endDate");
  if (end.refusal)
    return *end.refusal;
  const std::int64_t from_day = *start.day;
  const std::int64_t to_day = *end.day;
  if (to_day < from_day) {
    return error_response(error_code::bad_request, "endDate " + common::format_utc_day(to_day) +
                                                       " is before startDate " +
                                                       common::format_utc_day(from_day));
  }
  const std::int64_t days = to_day - from_day + 1;
  if (days > max_usage_days) {
    return error_response(error_code::bad_request,
                          "The date range " + common::format_utc_day(from_day) + " to " +
                              common::format_utc_day(to_day) + " is " + std::to_string(days) +
                              " days; GetUsage reads at most " + std::to_string(max_usage_days));
  }
  const std::string_view plan_id = c.route.param("usageplanId");
  const config::usage_plan* plan = find_usage_plan(c.doc, plan_id);
  if (plan == nullptr)
    return error_response(error_code::not_found, not_found_text::usage_plan);
  if (!plan->quota)
    return no_quota(plan_id, "it has no usage to report for this plan");

  // keyId filters, as GetUsagePlans' does: a key not in the plan selects nothing.
  const std::optional<std::string_view> key_filter = c.query.get("keyId");
  std::vector<std::string_view> keys;
  for (const config::usage_plan_key& pk : c.doc.usage_plan_keys) {
    if (pk.usage_plan_id == plan_id && (!key_filter || pk.key_id == *key_filter))
      keys.push_back(pk.key_id);
  }
  page_error error;
  const std::optional<page> p =
      select_page(keys.size(), c.query.get("limit"), c.query.get("position"), error);
  if (!p)
    return error_response(error_code::bad_request, error.message);
  const std::vector<std::string_view> page_keys(
      keys.begin() + static_cast<std::ptrdiff_t>(p->begin),
      keys.begin() + static_cast<std::ptrdiff_t>(p->end));
  usage_read read;
  if (!page_keys.empty()) {
    read = usage.daily_usage(plan_id, page_keys, from_day, to_day);
    if (read.status == usage_status::store_unavailable)
      return unavailable(read.message);
  }
  return json_response(200, usage_json(plan_id, from_day, to_day, page_keys, read.keys,
                                       plan->quota->limit, p->next_position));
}

control_response update_usage(const operation_context& c, usage_access& usage,
                              std::string_view body) {
  const std::string_view plan_id = c.route.param("usageplanId");
  const config::usage_plan* plan = find_usage_plan(c.doc, plan_id);
  if (plan == nullptr)
    return error_response(error_code::not_found, not_found_text::usage_plan);
  const std::string_view key_id = c.route.param("keyId");
  if (find_api_key(c.doc, key_id) == nullptr)
    return error_response(error_code::not_found, not_found_text::api_key);
  if (!plan_has_key(c.doc, plan_id, key_id))
    return error_response(error_code::not_found, not_found_text::usage_plan_key);
  if (!plan->quota)
    return no_quota(plan_id, "it has no remaining quota to update");
  const patch_result patch = read_patch(body);
  if (patch.refusal)
    return *patch.refusal;

  const remaining_update set = usage.set_remaining(plan_id, key_id, *patch.remaining);
  if (set.status == usage_status::not_found)
    return error_response(error_code::not_found, not_found_text::usage_plan_key);
  if (set.status == usage_status::store_unavailable)
    return unavailable(set.message);
  const std::vector<std::string_view> keys{key_id};
  const usage_read read = usage.daily_usage(plan_id, keys, set.period_first_day, set.today);
  if (read.status == usage_status::store_unavailable)
    return unavailable(read.message);
  return json_response(200, usage_json(plan_id, set.period_first_day, set.today, keys, read.keys,
                                       plan->quota->limit, {}));
}

control_response usage_without_state_directory(const operation_context& c) {
  if (find_usage_plan(c.doc, c.route.param("usageplanId")) == nullptr)
    return error_response(error_code::not_found, not_found_text::usage_plan);
  return error_response(error_code::bad_request,
                        std::string(c.route.operation) +
                            " needs gateway.stateDirectory: usagegate keeps the daily usage of "
                            "each key there, in usage.db (set it and restart usagegate)");
}

}  // namespace ug::gateway::control
