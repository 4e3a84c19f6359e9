// CreateUsagePlan, UpdateUsagePlan, DeleteUsagePlan with AWS's patch paths
// and texts. Limits and offsets are checked again, with the config's own
// rules, when the caller compiles the result.
#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>

#include "gateway/control/json_shapes.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/operations.hpp"
#include "gateway/control/write/json_body.hpp"
#include "gateway/control/write/mutation.hpp"
#include "gateway/control/write/patch_operations.hpp"
#include "gateway/control/write/random_ids.hpp"

namespace ug::gateway::control {
namespace {

namespace dom = simdjson::dom;

config::usage_plan* find_plan(config::document& doc, std::string_view id) {
  for (config::usage_plan& p : doc.usage_plans) {
    if (p.id == id)
      return &p;
  }
  return nullptr;
}

bool stage_exists(const config::document& doc, std::string_view api, std::string_view stage) {
  return find_stage(doc, api, stage) != nullptr;
}

std::string invalid_stage_text(std::string_view api, std::string_view stage,
                               std::string_view plan_id) {
  return "Invalid API Stage {api: " + std::string(api) + ", stage: " + std::string(stage) +
         "} specified for usageplan " + std::string(plan_id);
}

std::optional<limiter::quota_period> period_of(std::string_view name) {
  if (name == "DAY")
    return limiter::quota_period::day;
  if (name == "WEEK")
    return limiter::quota_period::week;
  if (name == "MONTH")
    return limiter::quota_period::month;
  return std::nullopt;
}

config::throttle_settings read_throttle(json_body& body, dom::object o, const std::string& where) {
  config::throttle_settings t;
  for (const auto [name, value] : o) {
    if (name == "burstLimit") {
      if (const auto n = body.integer_of(value, where + ".burstLimit"))
        t.burst_limit = *n;
    } else if (name == "rateLimit") {
      if (const auto d = body.number_of(value, where + ".rateLimit"))
        t.rate_limit = *d;
    }
  }
  return t;
}

std::optional<std::int64_t> integer_value(const patch_operation& p) {
  if (!p.value)
    return std::nullopt;
  std::int64_t n = 0;
  const char* end = p.value->data() + p.value->size();
  const auto [ptr, ec] = std::from_chars(p.value->data(), end, n);
  if (ec != std::errc{} || ptr != end)
    return std::nullopt;
  return n;
}

std::optional<double> number_value(const patch_operation& p) {
  if (!p.value)
    return std::nullopt;
  double d = 0;
  const char* end = p.value->data() + p.value->size();
  const auto [ptr, ec] = std::from_chars(p.value->data(), end, d);
  if (ec != std::errc{} || ptr != end)
    return std::nullopt;
  return d;
}

constexpr std::array remove_paths{
    std::string_view("/apiStages"),
    std::string_view("/quota"),
    std::string_view("/throttle"),
    std::string_view("/productCode"),
    std::string_view("/apiStages/<apidId:stageName>/throttle/<resourcePath>/<httpMethod>"),
    std::string_view("/apiStages/<apidId:stageName>/throttle")};
constexpr std::array add_paths{
    std::string_view("/apiStages"),         std::string_view("/productCode"),
    std::string_view("/quota/limit"),       std::string_view("/quota/offset"),
    std::string_view("/quota/period"),      std::string_view("/throttle/burstLimit"),
    std::string_view("/throttle/rateLimit")};
constexpr std::array replace_paths{
    std::string_view("/name"),
    std::string_view("/description"),
    std::string_view("/productCode"),
    std::string_view("/quota/limit"),
    std::string_view("/quota/offset"),
    std::string_view("/quota/period"),
    std::string_view("/throttle/burstLimit"),
    std::string_view("/throttle/rateLimit"),
    std::string_view("/apiStages/<apidId:stageName>/throttle/<resourcePath>/<httpMethod>/"
                     "rateLimit"),
    std::string_view("/apiStages/<apidId:stageName>/throttle/<resourcePath>/<httpMethod>/"
                     "burstLimit")};

std::span<const std::string_view> allowed_for(std::string_view op) {
  if (op == "remove")
    return remove_paths;
  if (op == "add")
    return add_paths;
  return replace_paths;
}

/// One patch applied to `plan`; an error answer, or nullopt when it applied.
class plan_patcher {
 public:
  plan_patcher(mutation_context& c, config::usage_plan& plan) : c_(c), plan_(plan) {}

  std::optional<control_response> apply(const patch_operation& p) {
    if (p.op != "add" && p.op != "remove" && p.op != "replace")
      return refuse(p);
    if (p.path == "/name" && p.op == "replace") {
      plan_.name = p.value.value_or("");
    } else if (p.path == "/description" && p.op == "replace") {
      plan_.description = p.value.value_or("");
    } else if (p.path == "/productCode") {
      plan_.product_code = p.op == "remove" ? std::string() : p.value.value_or("");
    } else if (p.path == "/quota" && p.op == "remove") {
      plan_.quota.reset();
    } else if (p.path == "/throttle" && p.op == "remove") {
      plan_.throttle.reset();
    } else if (p.path.starts_with("/quota/") && p.op != "remove") {
      return quota(p);
    } else if (p.path.starts_with("/throttle/") && p.op != "remove") {
      if (!plan_.throttle)
        plan_.throttle = config::throttle_settings{};
      return throttle_member(p, *plan_.throttle,
                             p.path.substr(std::string_view("/throttle/").size()));
    } else if (p.path == "/apiStages" && p.op != "replace") {
      return api_stages(p);
    } else if (p.path.starts_with("/apiStages/")) {
      return stage_throttle(p);
    } else {
      return refuse(p);
    }
    return std::nullopt;
  }

 private:
  control_response refuse(const patch_operation& p) const {
    return error_response(error_code::bad_request, invalid_patch_path(p, allowed_for(p.op)));
  }

  std::optional<control_response> quota(const patch_operation& p) {
    if (!plan_.quota)
      plan_.quota = config::quota_settings{};
    const std::string_view member = std::string_view(p.path).substr(7);
    if (member == "period") {
      const auto period = period_of(p.value.value_or(""));
      if (!period)
        return error_response(error_code::bad_request,
                              "Invalid quota period specified: must be one of DAY, WEEK, MONTH");
      plan_.quota->period = *period;
      return std::nullopt;
    }
    const auto n = integer_value(p);
    if (!n || (member != "limit" && member != "offset"))
      return n ? refuse(p)
               : error_response(error_code::bad_request,
                                "Invalid value for " + p.path + ": expected an integer");
    (member == "limit" ? plan_.quota->limit : plan_.quota->offset) = *n;
    return std::nullopt;
  }

  std::optional<control_response> throttle_member(const patch_operation& p,
                                                  config::throttle_settings& t,
                                                  std::string_view member) {
    if (member == "burstLimit") {
      const auto n = integer_value(p);
      if (!n)
        return error_response(error_code::bad_request,
                              "Invalid value for " + p.path + ": expected an integer");
      t.burst_limit = *n;
    } else if (member == "rateLimit") {
      const auto d = number_value(p);
      if (!d)
        return error_response(error_code::bad_request,
                              "Invalid value for " + p.path + ": expected a number");
      t.rate_limit = *d;
    } else {
      return refuse(p);
    }
    return std::nullopt;
  }

  /// add/remove /apiStages with value "<apiId>:<stage>".
  std::optional<control_response> api_stages(const patch_operation& p) {
    const std::string value = p.value.value_or("");
    const auto colon = value.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == value.size())
      return error_response(error_code::bad_request, "Invalid API Stage specified");
    const std::string api = value.substr(0, colon);
    const std::string stage = value.substr(colon + 1);
    auto& stages = plan_.api_stages;
    const auto at = std::find_if(stages.begin(), stages.end(), [&](const config::api_stage& s) {
      return s.api_id == api && s.stage == stage;
    });
    if (p.op == "remove") {
      if (at == stages.end())
        return error_response(error_code::not_found, invalid_stage_text(api, stage, plan_.id));
      stages.erase(at);
      return std::nullopt;
    }
    if (!stage_exists(c_.doc, api, stage))
      return error_response(error_code::bad_request, invalid_stage_text(api, stage, plan_.id));
    if (at == stages.end())
      stages.push_back(config::api_stage{api, stage, {}});
    return std::nullopt;
  }

  /// /apiStages/<api>:<stage>/throttle[/<resourcePath>/<METHOD>[/rateLimit|burstLimit]]
  std::optional<control_response> stage_throttle(const patch_operation& p) {
    std::string_view rest = std::string_view(p.path).substr(std::string_view("/apiStages/").size());
    const auto slash = rest.find('/');
    const std::string stage_ref = unescape_pointer_segment(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    const auto colon = stage_ref.find(':');
    if (colon == std::string::npos || !rest.starts_with("/throttle") ||
        (rest.size() > 9 && rest[9] != '/'))
      return refuse(p);
    const std::string api = stage_ref.substr(0, colon);
    const std::string stage = stage_ref.substr(colon + 1);
    auto at = std::find_if(
        plan_.api_stages.begin(), plan_.api_stages.end(),
        [&](const config::api_stage& s) { return s.api_id == api && s.stage == stage; });
    if (at == plan_.api_stages.end())
      return error_response(error_code::not_found, invalid_stage_text(api, stage, plan_.id));
    std::string_view method_path = rest.substr(9);  // "" or "/<resourcePath>/<METHOD>[/member]"
    if (method_path.empty()) {
      if (p.op == "remove") {
        at->throttle.clear();
        return std::nullopt;
      }
      return refuse(p);
    }
    // The resource path keeps its own leading slash: "//endpoint/GET/rateLimit".
    std::string_view member;
    if (p.op == "replace" || p.op == "add") {
      const auto last = method_path.rfind('/');
      member = method_path.substr(last + 1);
      method_path = method_path.substr(0, last);
      if (member != "rateLimit" && member != "burstLimit")
        return refuse(p);
    } else if (p.op != "remove") {
      return refuse(p);
    }
    const auto method_slash = method_path.rfind('/');
    if (method_slash == std::string_view::npos || method_slash == 0)
      return refuse(p);
    const std::string key = unescape_pointer_segment(method_path.substr(1));
    if (p.op == "remove") {
      if (at->throttle.erase(key) == 0)
        return error_response(error_code::not_found,
                              "No throttle is set for " + key + " in API Stage " + stage_ref);
      return std::nullopt;
    }
    if (!plan_.throttle)
      return error_response(
          error_code::bad_request,
          "Can not define fine grain throttling if usage plan throttle is not defined.");
    return throttle_member(p, at->throttle[key], member);
  }

  mutation_context& c_;
  config::usage_plan& plan_;
};

}  // namespace

control_response create_usage_plan(mutation_context& c) {
  json_body body;
  if (!body.parse(c.body))
    return malformed_body(body.error());
  const auto name = body.string("name");
  const auto description = body.string("description");
  const auto stages = body.array("apiStages");
  const auto throttle = body.object("throttle");
  const auto quota = body.object("quota");
  auto tags = body.tags("tags");
  if (!body.ok())
    return malformed_body(body.error());
  if (!name || name->empty())
    return error_response(error_code::bad_request, "Usage Plan name must be specified");
  config::usage_plan plan;
  for (;;) {
    plan.id = random_id(6);
    if (find_usage_plan(c.doc, plan.id) == nullptr)
      break;
  }
  plan.name = std::string(*name);
  plan.description = std::string(description.value_or(""));
  if (throttle)
    plan.throttle = read_throttle(body, *throttle, "throttle");
  if (quota) {
    config::quota_settings q;
    for (const auto [member, value] : *quota) {
      if (member == "limit") {
        if (const auto n = body.integer_of(value, "quota.limit"))
          q.limit = *n;
      } else if (member == "offset") {
        if (const auto n = body.integer_of(value, "quota.offset"))
          q.offset = *n;
      } else if (member == "period") {
        const auto text = body.string_of(value, "quota.period");
        const auto period = text ? period_of(*text) : std::nullopt;
        if (text && !period)
          return error_response(error_code::bad_request,
                                "Invalid quota period specified: must be one of DAY, WEEK, MONTH");
        if (period)
          q.period = *period;
      }
    }
    plan.quota = q;
  }
  if (stages) {
    std::size_t index = 0;
    for (dom::element e : *stages) {
      const std::string where = "apiStages[" + std::to_string(index++) + "]";
      dom::object o;
      if (e.get_object().get(o) != simdjson::SUCCESS)
        return malformed_body("Invalid value for '" + where + "': expected an object");
      config::api_stage s;
      for (const auto [member, value] : o) {
        if (member == "apiId") {
          if (const auto t = body.string_of(value, where + ".apiId"))
            s.api_id = std::string(*t);
        } else if (member == "stage") {
          if (const auto t = body.string_of(value, where + ".stage"))
            s.stage = std::string(*t);
        } else if (member == "throttle") {
          dom::object map;
          if (value.get_object().get(map) != simdjson::SUCCESS)
            return malformed_body("Invalid value for '" + where + ".throttle': expected an object");
          for (const auto [path, t] : map) {
            const std::string at = where + ".throttle[\"" + std::string(path) + "\"]";
            dom::object settings;
            if (t.get_object().get(settings) != simdjson::SUCCESS)
              return malformed_body("Invalid value for '" + at + "': expected an object");
            s.throttle.emplace(std::string(path), read_throttle(body, settings, at));
          }
        }
      }
      if (!body.ok())
        return malformed_body(body.error());
      if (!stage_exists(c.doc, s.api_id, s.stage))
        return error_response(error_code::bad_request,
                              invalid_stage_text(s.api_id, s.stage, plan.id));
      if (!s.throttle.empty() && !plan.throttle)
        return error_response(
            error_code::bad_request,
            "Can not define fine grain throttling if usage plan throttle is not defined.");
      plan.api_stages.push_back(std::move(s));
    }
  }
  plan.tags = std::move(tags);
  c.touch(object_kind::usage_plan, plan.id);
  c.doc.usage_plans.push_back(std::move(plan));
  json_writer w;
  write_usage_plan(w, c.doc.usage_plans.back(), empty_tags::omit);
  return json_response(201, w.take());
}

control_response update_usage_plan(mutation_context& c) {
  const std::string id(c.route.param("usageplanId"));
  config::usage_plan* plan = find_plan(c.doc, id);
  if (plan == nullptr)
    return error_response(error_code::not_found, not_found_text::usage_plan);
  std::string error;
  const auto ops = parse_patch_operations(c.body, error);
  if (!ops)
    return malformed_body(error);
  if (!c.owns(object_kind::usage_plan, id))
    return file_object_refused(c.doc, "Usage plan '" + id + "'");
  config::usage_plan next = *plan;
  plan_patcher patcher(c, next);
  for (const patch_operation& p : *ops) {
    if (auto refused = patcher.apply(p))
      return std::move(*refused);
  }
  *plan = std::move(next);
  c.touch(object_kind::usage_plan, id);
  json_writer w;
  write_usage_plan(w, *plan, empty_tags::write);
  return json_response(200, w.take());
}

control_response delete_usage_plan(mutation_context& c) {
  const std::string id(c.route.param("usageplanId"));
  config::usage_plan* plan = find_plan(c.doc, id);
  if (plan == nullptr)
    return error_response(error_code::not_found, not_found_text::usage_plan);
  if (!c.owns(object_kind::usage_plan, id))
    return file_object_refused(c.doc, "Usage plan '" + id + "'");
  if (!plan->api_stages.empty()) {
    const config::api_stage& s = plan->api_stages.front();
    return error_response(error_code::bad_request,
                          "Cannot delete Usage Plan " + id +
                              " because there are API Stages associated with it, including " +
                              s.api_id + ":" + s.stage);
  }
  std::erase_if(c.doc.usage_plan_keys, [&](const config::usage_plan_key& pk) {
    if (pk.usage_plan_id != id)
      return false;
    c.touch(object_kind::usage_plan_key, plan_key_ref_id(pk.usage_plan_id, pk.key_id));
    return true;
  });
  std::erase_if(c.doc.usage_plans, [&](const config::usage_plan& p) { return p.id == id; });
  c.touch(object_kind::usage_plan, id);
  return json_response(202, "");
}

}  // namespace ug::gateway::control
