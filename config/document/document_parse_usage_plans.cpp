// usagePlans[]: each UsagePlan with its API stages (and their per-method
// throttles), its throttle and its quota.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "config/document/aws_metadata.hpp"
#include "config/document/aws_names.hpp"
#include "config/document/document_parser_impl.hpp"
#include "limiter/quota_period.hpp"

namespace ug::config::detail {
namespace {

namespace dom = simdjson::dom;
using std::string_view;

// Member names per object.
constexpr string_view usage_plan_fields[] = {"id",       "name",  "description", "apiStages",
                                             "throttle", "quota", "productCode", "tags"};
constexpr string_view api_stage_fields[] = {"apiId", "stage", "throttle"};
constexpr string_view quota_fields[] = {"limit", "offset", "period"};

constexpr string_view period_names[] = {"DAY", "WEEK", "MONTH"};

}  // namespace

void document_parser::read_usage_plan(dom::element v) {
  out_.where.usage_plans.push_back(r_.here());
  usage_plan plan;
  bool has_id = false;
  r_.members(v, {usage_plan_fields, {}}, [&](string_view name, dom::element e) {
    if (name == "id") {
      has_id = true;
      read_string(e, plan.id);
    } else if (name == "name") {
      read_string(e, plan.name);
    } else if (name == "description") {
      read_string(e, plan.description);
    } else if (name == "apiStages") {
      if (e.type() != dom::element_type::ARRAY) {
        r_.error("must be an array of {\"apiId\", \"stage\"} objects");
        return;
      }
      std::size_t index = 0;
      const dom::array stages = e.get_array().value_unsafe();
      for (const dom::element s : stages) {
        json_reader::scope at(r_, index++);
        plan.api_stages.push_back(read_api_stage(s));
      }
    } else if (name == "throttle") {
      plan.throttle = read_throttle(e);
    } else if (name == "quota") {
      plan.quota = read_quota(e);
    } else if (name == "productCode") {
      read_string(e, plan.product_code);
    } else if (name == "tags") {
      plan.tags = read_aws_tags(r_, e);
    }
  });
  if (v.type() == dom::element_type::OBJECT && !has_id)
    missing("id");
  out_.doc.usage_plans.push_back(std::move(plan));
}

api_stage document_parser::read_api_stage(dom::element v) {
  api_stage s;
  bool has_api = false;
  bool has_stage = false;
  r_.members(v, {api_stage_fields, {}}, [&](string_view name, dom::element e) {
    if (name == "apiId") {
      has_api = true;
      read_string(e, s.api_id);
    } else if (name == "stage") {
      has_stage = true;
      read_string(e, s.stage);
    } else if (name == "throttle") {
      r_.entries(e, [&](string_view key, dom::element t) {
        std::string problem;
        if (!parse_plan_method_key(key, problem)) {
          r_.error(std::move(problem));
          return;
        }
        if (auto settings = read_throttle(t))
          s.throttle.emplace(std::string(key), *settings);
      });
    }
  });
  if (v.type() == dom::element_type::OBJECT) {
    if (!has_api)
      missing("apiId");
    if (!has_stage)
      missing("stage");
  }
  return s;
}

std::optional<quota_settings> document_parser::read_quota(dom::element v) {
  quota_settings q;
  bool has_limit = false;
  bool has_period = false;
  bool ok = true;
  r_.members(v, {quota_fields, {}}, [&](string_view name, dom::element e) {
    if (name == "limit") {
      has_limit = true;
      if (auto n = bounded(e, 0, no_max))
        q.limit = *n;
      else
        ok = false;
    } else if (name == "offset") {
      if (auto n = bounded(e, 0, no_max))
        q.offset = *n;
      else
        ok = false;
    } else if (name == "period") {
      has_period = true;
      const auto p = one_of(e, period_names);
      if (!p) {
        ok = false;
        return;
      }
      const auto period = limiter::parse_quota_period(*p);
      if (!period) {
        r_.error("is not a quota period the limiter knows");
        ok = false;
        return;
      }
      q.period = *period;
    }
  });
  if (v.type() != dom::element_type::OBJECT)
    return std::nullopt;
  if (!has_limit)
    missing("limit");
  if (!has_period)
    missing("period");
  if (!ok || !has_limit || !has_period)
    return std::nullopt;
  return q;
}

}  // namespace ug::config::detail
