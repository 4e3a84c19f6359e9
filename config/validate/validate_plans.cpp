#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/sha256.hpp"
#include "config/document/key_reference.hpp"
#include "config/json/json_path.hpp"
#include "config/json/suggest.hpp"
#include "config/validate/validator.hpp"

namespace ug::config::detail {
namespace {

using std::string_view;

// Ids are suggested only from short lists: comparing a typo against 100,000
// key ids would cost more than the whole load.
constexpr std::size_t max_suggestion_candidates = 1000;

std::string in_quotes(string_view s) {
  return "'" + std::string(s) + "'";
}

location at_member(const location& base, string_view member) {
  return location{base.file, with_member(base.path, member)};
}

struct digest_hash {
  std::size_t operator()(const common::sha256_digest& d) const noexcept {
    std::size_t h = 0;
    std::memcpy(&h, d.data(), sizeof h);  // a digest is already uniformly spread
    return h;
  }
};

std::string suggestion(string_view wrong, const std::vector<string_view>& known) {
  if (known.size() > max_suggestion_candidates)
    return {};
  return did_you_mean(wrong, known);
}

std::string offset_hint() {
  return "; if offset is a number of requests to subtract from the limit in the first period, "
         "set gateway.quotaOffsetMeaning to \"initialRequests\"";
}

void check_quota_offset(const quota_settings& q, limiter::offset_meaning meaning,
                        const location& plan_at, diagnostics& diag) {
  const location at = at_member(at_member(plan_at, "quota"), "offset");
  const std::string offset = std::to_string(q.offset);
  if (meaning == limiter::offset_meaning::initial_requests) {
    if (q.offset != 0 && q.offset >= q.limit)
      diag.error(at, "offset " + offset + " must be less than the quota limit " +
                         std::to_string(q.limit) +
                         " under gateway.quotaOffsetMeaning \"initialRequests\", where it is the "
                         "number of requests subtracted from the limit in the first period");
    return;
  }
  switch (q.period) {
    case limiter::quota_period::day:
      if (q.offset != 0)
        diag.error(at,
                   "offset " + offset +
                       " is not allowed for a DAY quota under gateway.quotaOffsetMeaning "
                       "\"startDay\" (the default). AWS documents the quota offset in two ways: "
                       "as the day a period starts (\"startDay\": WEEK 0-6 with 0 = Sunday, MONTH "
                       "0-27, and DAY only 0, because a day always starts at 00:00 UTC), and as a "
                       "number of requests subtracted from the limit in the first period "
                       "(\"initialRequests\"). If you mean the second, set "
                       "gateway.quotaOffsetMeaning to \"initialRequests\"; otherwise set offset "
                       "to 0");
      break;
    case limiter::quota_period::week:
      if (q.offset > 6)
        diag.error(at, offset + " is out of range for WEEK (0-6, 0 = Sunday)" + offset_hint());
      break;
    case limiter::quota_period::month:
      if (q.offset > 27)
        diag.error(at, offset +
                           " is out of range for MONTH (0-27; the period starts on day offset+1 "
                           "of the month)" +
                           offset_hint());
      break;
  }
}

void check_keys(const document& doc, const source_map& where, diagnostics& diag,
                std::unordered_map<string_view, std::size_t>& key_ids) {
  std::unordered_map<string_view, std::size_t> values;
  std::unordered_map<common::sha256_digest, std::size_t, digest_hash> digests;
  key_ids.reserve(doc.api_keys.size());
  values.reserve(doc.api_keys.size());
  for (std::size_t i = 0; i < doc.api_keys.size(); ++i) {
    const api_key& key = doc.api_keys[i];
    if (!key.id.empty()) {
      const auto [it, fresh] = key_ids.emplace(key.id, i);
      if (!fresh)
        diag.error(at_member(where.api_keys[i], "id"),
                   "API key id " + in_quotes(key.id) + " is used twice (first at " +
                       diag.describe(where.api_keys[it->second]) + ")");
    }
    // Messages name key ids, never values.
    if (key.value) {
      const auto [it, fresh] = values.emplace(*key.value, i);
      if (!fresh)
        diag.error(at_member(where.api_keys[i], "value"),
                   "API key " + in_quotes(key.id) + " has the same value as API key " +
                       in_quotes(doc.api_keys[it->second].id) +
                       "; key values must be unique (AWS answers 409 API Key already exists)");
    }
    if (key.value_sha256) {
      const auto [it, fresh] = digests.emplace(*key.value_sha256, i);
      if (!fresh)
        diag.error(at_member(where.api_keys[i], "valueSha256"),
                   "API key " + in_quotes(key.id) + " has the same valueSha256 as API key " +
                       in_quotes(doc.api_keys[it->second].id) + "; key values must be unique");
    }
  }
  if (digests.empty())
    return;
  for (std::size_t i = 0; i < doc.api_keys.size(); ++i) {
    const api_key& key = doc.api_keys[i];
    if (!key.value)
      continue;
    const auto it = digests.find(common::sha256(*key.value));
    if (it != digests.end())
      diag.error(at_member(where.api_keys[i], "value"),
                 "API key " + in_quotes(key.id) + " has the same value as API key " +
                     in_quotes(doc.api_keys[it->second].id) +
                     " (given as valueSha256); key values must be unique");
  }
}

}  // namespace

void validate_plans(const parsed_document& parsed, diagnostics& diag, const stage_index& stages) {
  const document& doc = parsed.doc;
  const source_map& where = parsed.where;

  std::vector<string_view> api_ids;
  for (const rest_api& api : doc.rest_apis)
    api_ids.push_back(api.id);

  std::unordered_map<string_view, std::size_t> plan_ids;
  std::vector<string_view> plan_id_list;
  // Per plan, the document::stages indices of its API stages.
  std::vector<std::vector<std::size_t>> plan_stages(doc.usage_plans.size());
  for (std::size_t p = 0; p < doc.usage_plans.size(); ++p) {
    const usage_plan& plan = doc.usage_plans[p];
    const location& plan_at = where.usage_plans[p];
    if (!plan.id.empty()) {
      plan_id_list.push_back(plan.id);
      const auto [it, fresh] = plan_ids.emplace(plan.id, p);
      if (!fresh)
        diag.error(at_member(plan_at, "id"),
                   "usage plan id " + in_quotes(plan.id) + " is used twice (first at " +
                       diag.describe(where.usage_plans[it->second]) + ")");
    }
    for (std::size_t s = 0; s < plan.api_stages.size(); ++s) {
      const api_stage& ref = plan.api_stages[s];
      const location stage_at{plan_at.file, with_index(with_member(plan_at.path, "apiStages"), s)};
      if (!ref.throttle.empty() && !plan.throttle)
        diag.error(at_member(stage_at, "throttle"),
                   "Can not define fine grain throttling if usage plan throttle is not defined. "
                   "(add a \"throttle\" with burstLimit and rateLimit to the usage plan)");
      if (ref.api_id.empty() || ref.stage.empty())
        continue;
      const auto it = stages.find(ref.api_id + "/" + ref.stage);
      if (it == stages.end()) {
        std::string message = "Invalid API Stage {api: " + ref.api_id + ", stage: " + ref.stage +
                              "} specified for usage plan " + in_quotes(plan.id) + ": ";
        if (std::find(api_ids.begin(), api_ids.end(), ref.api_id) == api_ids.end()) {
          message += "there is no REST API " + in_quotes(ref.api_id) + " in restApis" +
                     suggestion(ref.api_id, api_ids);
        } else {
          message += "REST API " + in_quotes(ref.api_id) + " has no stage " + in_quotes(ref.stage);
        }
        diag.error(stage_at, std::move(message));
        continue;
      }
      const auto& mine = plan_stages[p];
      if (std::find(mine.begin(), mine.end(), it->second) != mine.end()) {
        diag.error(stage_at, "API stage \"" + ref.api_id + "/" + ref.stage +
                                 "\" is listed twice in this usage plan");
        continue;
      }
      plan_stages[p].push_back(it->second);
    }
    if (plan.quota)
      check_quota_offset(*plan.quota, doc.gateway.quota_offset_meaning, plan_at, diag);
  }

  std::unordered_map<string_view, std::size_t> key_ids;
  check_keys(doc, where, diag, key_ids);
  std::vector<string_view> key_id_list;
  if (key_ids.size() <= max_suggestion_candidates)
    for (const api_key& key : doc.api_keys)
      key_id_list.push_back(key.id);

  key_value_owners value_owners(doc.api_keys);
  std::unordered_set<std::uint64_t> memberships;             // plan << 32 | key
  std::unordered_map<std::uint64_t, std::size_t> key_stage;  // key << 32 | stage -> plan
  memberships.reserve(doc.usage_plan_keys.size());
  key_stage.reserve(doc.usage_plan_keys.size());
  for (const plan_key_group& group : where.plan_key_groups) {
    const auto plan_it = plan_ids.find(group.plan_id);
    if (plan_it == plan_ids.end())
      diag.error(group.where, "usage plan " + in_quotes(group.plan_id) + " is not in usagePlans" +
                                  suggestion(group.plan_id, plan_id_list));
    for (std::size_t i = group.first; i < group.first + group.count; ++i) {
      const usage_plan_key& entry = doc.usage_plan_keys[i];
      if (entry.key_id.empty())
        continue;
      const auto key_it = key_ids.find(entry.key_id);
      if (key_it == key_ids.end()) {
        diag.error(
            at_member(where.usage_plan_keys[i], "id"),
            unknown_key_message(entry.key_id, value_owners, suggestion(entry.key_id, key_id_list)));
        continue;
      }
      const api_key& key = doc.api_keys[key_it->second];
      if (const auto& listed = where.usage_plan_key_values[i]) {
        const bool same = key.value
                              ? *listed == *key.value
                              : (key.value_sha256 && common::sha256(*listed) == *key.value_sha256);
        if (!same)
          diag.error(at_member(where.usage_plan_keys[i], "value"),
                     "does not match the value of API key " + in_quotes(key.id) + " in apiKeys");
      }
      if (plan_it == plan_ids.end())
        continue;
      const std::size_t plan_index = plan_it->second;
      const std::uint64_t key_index = key_it->second;
      if (!memberships.insert(std::uint64_t{plan_index} << 32 | key_index).second) {
        diag.error(at_member(where.usage_plan_keys[i], "id"),
                   "API key " + in_quotes(key.id) + " is listed twice for usage plan " +
                       in_quotes(group.plan_id));
        continue;
      }
      for (const std::size_t shared_stage : plan_stages[plan_index]) {
        const auto [it, fresh] = key_stage.emplace(key_index << 32 | shared_stage, plan_index);
        if (fresh || it->second == plan_index)
          continue;
        const stage& shared = doc.stages[shared_stage];
        diag.error(at_member(where.usage_plan_keys[i], "id"),
                   "API key " + in_quotes(key.id) + " is in usage plans " +
                       in_quotes(doc.usage_plans[it->second].id) + " and " +
                       in_quotes(group.plan_id) + ", which both include API stage \"" +
                       shared.api_id + "/" + shared.stage_name +
                       "\"; AWS allows a key in only one usage plan per API stage");
        break;
      }
    }
  }
}

}  // namespace ug::config::detail
