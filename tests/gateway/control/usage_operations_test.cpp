// GetUsage and UpdateUsage over a fake usage_access: what each request is
// parsed into (the days, the keys of a page, the remaining quota set), the
// Usage shape with its wire names, and every refusal's status and text.
#include "gateway/control/usage_operations.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "config/loader.hpp"

namespace ug::gateway::control {
namespace {

// 2024-02-27 .. 2024-03-01 are days 19'780 .. 19'783 (a leap February).
constexpr std::int64_t feb27 = 19'780;

constexpr std::string_view config_json = R"({
  "gateway": {"stages": {"api0000001/v1": {"upstream": {"url": "http://127.0.0.1:1"}}}},
  "restApis": [{
    "id": "api0000001", "name": "ai_api",
    "resources": [{"id": "root01", "path": "/"}],
    "stages": [{"stageName": "v1"}]
  }],
  "usagePlans": [
    {"id": "gold01", "name": "gold", "apiStages": [{"apiId": "api0000001", "stage": "v1"}],
     "quota": {"limit": 1000, "period": "MONTH"}},
    {"id": "free01", "name": "free", "apiStages": [{"apiId": "api0000001", "stage": "v1"}]}
  ],
  "apiKeys": [
    {"id": "key0000001", "name": "alice", "enabled": true, "value": "alice-value-00000000000001"},
    {"id": "key0000002", "name": "bob", "enabled": true, "value": "bob-value-0000000000000002"},
    {"id": "key0000003", "name": "carol", "enabled": true, "value": "carol-value-00000000000003"}
  ],
  "usagePlanKeys": {"gold01": [{"id": "key0000002"}, {"id": "key0000001"}],
                    "free01": [{"id": "key0000003"}]}
})";

/// Answers from canned series and records what it was asked.
struct fake_usage final : usage_access {
  std::map<std::string, daily_pairs> series;
  usage_status status = usage_status::ok;
  std::vector<std::vector<std::string>> asked_keys;
  std::vector<std::pair<std::int64_t, std::int64_t>> asked_days;
  std::optional<std::int64_t> set_to;
  std::string set_key;

  usage_read daily_usage(std::string_view plan_id, const std::vector<std::string_view>& key_ids,
                         std::int64_t from_day, std::int64_t to_day) override {
    EXPECT_EQ(plan_id, "gold01");
    asked_keys.emplace_back(key_ids.begin(), key_ids.end());
    asked_days.emplace_back(from_day, to_day);
    usage_read r;
    r.status = status;
    r.message = "usage.db is unreadable";
    for (const std::string_view k : key_ids) {
      if (const auto it = series.find(std::string(k)); it != series.end())
        r.keys[it->first] = it->second;
    }
    return r;
  }
  remaining_update set_remaining(std::string_view, std::string_view key_id,
                                 std::int64_t remaining) override {
    set_key = std::string(key_id);
    set_to = remaining;
    remaining_update r;
    r.status = status;
    r.message = "usage.db cannot be written";
    r.period_first_day = feb27 - 26;
    r.today = feb27;
    return r;
  }
};

class UsageOperations : public ::testing::Test {
 protected:
  void SetUp() override {
    config::load_result loaded = config::load_string(config_json);
    ASSERT_TRUE(loaded.doc) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    doc_ = std::move(*loaded.doc);
  }

  control_response get(std::string_view query, std::string_view plan = "gold01") {
    const std::string path = "/usageplans/" + std::string(plan) + "/usage";
    return run("GET", path, query,
               [&](const operation_context& c) { return get_usage(c, usage_); });
  }

  control_response patch(std::string_view body, std::string_view key = "key0000001",
                         std::string_view plan = "gold01") {
    const std::string path =
        "/usageplans/" + std::string(plan) + "/keys/" + std::string(key) + "/usage";
    return run("PATCH", path, "",
               [&](const operation_context& c) { return update_usage(c, usage_, body); });
  }

  template <class Op>
  control_response run(std::string_view method, std::string_view path, std::string_view query,
                       Op op) {
    const std::optional<query_params> q = query_params::parse(query);
    EXPECT_TRUE(q.has_value());
    const route_result routed = route(method, path, *q);
    EXPECT_TRUE(routed.match.has_value()) << path;
    const operation_context c{*routed.match, *q, doc_};
    return op(c);
  }

  static std::string header(const control_response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name)
        return v;
    }
    return "<absent>";
  }

  static std::string replace_remaining(std::string_view value) {
    return R"({"patchOperations":[{"op":"replace","path":"/remaining","value":")" +
           std::string(value) + "\"}]}";
  }

  config::document doc_;
  fake_usage usage_;
};

TEST_F(UsageOperations, GetUsageAnswersEveryKeyOfThePlanOverTheDays) {
  usage_.series["key0000001"] = {{3, 997}, {0, 997}, {5, 992}};
  const control_response r = get("startDate=2024-02-27&endDate=2024-02-29");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"usagePlanId":"gold01","startDate":"2024-02-27","endDate":"2024-02-29",)"
                    R"("values":{"key0000002":[[0,1000],[0,1000],[0,1000]],)"
                    R"("key0000001":[[3,997],[0,997],[5,992]]}})")
      << "file order; a key never counted has used nothing and all of the quota left";
  ASSERT_EQ(usage_.asked_days.size(), 1u);
  EXPECT_EQ(usage_.asked_days[0], std::make_pair(feb27, feb27 + 2));
  EXPECT_EQ(usage_.asked_keys[0], (std::vector<std::string>{"key0000002", "key0000001"}));
}

TEST_F(UsageOperations, GetUsagePagesOverKeys) {
  const control_response first = get("startDate=2024-02-29&endDate=2024-02-29&limit=1");
  EXPECT_EQ(first.status, 200u);
  EXPECT_EQ(first.body,
            R"({"usagePlanId":"gold01","startDate":"2024-02-29","endDate":"2024-02-29",)"
            R"("position":"p1","values":{"key0000002":[[0,1000]]}})");
  const control_response second =
      get("startDate=2024-02-29&endDate=2024-02-29&limit=1&position=p1");
  EXPECT_EQ(second.body,
            R"({"usagePlanId":"gold01","startDate":"2024-02-29","endDate":"2024-02-29",)"
            R"("values":{"key0000001":[[0,1000]]}})");
  EXPECT_EQ(get("startDate=2024-02-29&endDate=2024-02-29&position=zz").status, 400u);
}

TEST_F(UsageOperations, GetUsageKeyIdSelectsOneKeyOrNone) {
  const control_response one = get("startDate=2024-02-29&endDate=2024-02-29&keyId=key0000001");
  EXPECT_EQ(one.body, R"({"usagePlanId":"gold01","startDate":"2024-02-29","endDate":"2024-02-29",)"
                      R"("values":{"key0000001":[[0,1000]]}})");
  const control_response none = get("startDate=2024-02-29&endDate=2024-02-29&keyId=key0000003");
  EXPECT_EQ(none.status, 200u);
  EXPECT_EQ(none.body, R"({"usagePlanId":"gold01","startDate":"2024-02-29","endDate":"2024-02-29",)"
                       R"("values":{}})");
  EXPECT_EQ(usage_.asked_keys.size(), 1u) << "nothing to ask for an empty page";
}

TEST_F(UsageOperations, GetUsageRefusesBadDates) {
  struct bad {
    std::string_view query, message;
  };
  for (const bad& b : {
           bad{"endDate=2024-02-29", "startDate is required: a UTC date as YYYY-MM-DD"},
           bad{"startDate=2024-02-29", "endDate is required: a UTC date as YYYY-MM-DD"},
           bad{"startDate=2023-02-29&endDate=2023-03-01",
               "Invalid startDate '2023-02-29' specified: expected a UTC date as YYYY-MM-DD"},
           bad{"startDate=2024-02-29&endDate=2024/03/01",
               "Invalid endDate '2024/03/01' specified: expected a UTC date as YYYY-MM-DD"},
           bad{"startDate=2024-03-01&endDate=2024-02-29",
               "endDate 2024-02-29 is before startDate 2024-03-01"},
           bad{"startDate=2024-01-01&endDate=2024-03-31",
               "The date range 2024-01-01 to 2024-03-31 is 91 days; GetUsage reads at most 90"},
       }) {
    const control_response r = get(b.query);
    EXPECT_EQ(r.status, 400u) << b.query;
    EXPECT_EQ(header(r, "x-amzn-ErrorType"), "BadRequestException") << b.query;
    EXPECT_EQ(r.body, R"({"message":")" + std::string(b.message) + "\"}") << b.query;
  }
  EXPECT_EQ(get("startDate=2024-01-01&endDate=2024-03-30").status, 200u) << "90 days";
  EXPECT_TRUE(usage_.asked_keys.size() == 1u);
}

TEST_F(UsageOperations, GetUsageOfAnUnknownPlanOrOneWithoutQuota) {
  const control_response unknown = get("startDate=2024-02-29&endDate=2024-02-29", "nope01");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(header(unknown, "x-amzn-ErrorType"), "NotFoundException");
  EXPECT_EQ(unknown.body, R"({"message":"Invalid Usage Plan ID specified"})");
  const control_response free = get("startDate=2024-02-29&endDate=2024-02-29", "free01");
  EXPECT_EQ(free.status, 400u);
  EXPECT_EQ(free.body,
            R"({"message":"Usage plan 'free01' has no quota: usagegate counts a key's requests )"
            R"(against its plan's quota only, so it has no usage to report for this plan"})");
}

TEST_F(UsageOperations, GetUsageWhenTheStoreCannotBeRead) {
  usage_.status = usage_status::store_unavailable;
  const control_response r = get("startDate=2024-02-29&endDate=2024-02-29");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(header(r, "x-amzn-ErrorType"), "ServiceUnavailableException");
  EXPECT_EQ(r.body, R"({"message":"usage.db is unreadable"})");
}

TEST_F(UsageOperations, UpdateUsageSetsTheRemainingAndAnswersThePeriodSoFar) {
  usage_.series["key0000001"] = {{7, 993}, {0, 50}};
  usage_.series["key0000001"].resize(27, {0, 50});
  const control_response r = patch(replace_remaining("50"));
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(usage_.set_to, 50);
  EXPECT_EQ(usage_.set_key, "key0000001");
  ASSERT_EQ(usage_.asked_days.size(), 1u);
  EXPECT_EQ(usage_.asked_days[0], std::make_pair(feb27 - 26, feb27));
  const std::string_view start =
      R"({"usagePlanId":"gold01","startDate":"2024-02-01","endDate":"2024-02-27","values":)";
  EXPECT_EQ(r.body.rfind(start, 0), 0u) << r.body;
  EXPECT_NE(r.body.find(R"("key0000001":[[7,993],[0,50],)"), std::string::npos) << r.body;
}

TEST_F(UsageOperations, UpdateUsageAppliesTheLastOperation) {
  const control_response r =
      patch(R"({"patchOperations":[{"op":"replace","path":"/remaining","value":"5"},)"
            R"({"op":"replace","path":"/remaining","value":"0"}]})");
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(usage_.set_to, 0);
}

TEST_F(UsageOperations, UpdateUsageRefusesWhatItCannotSet) {
  struct bad {
    std::string_view body, message;
  };
  for (
      const bad& b : {
          bad{R"({"patchOperations":[{"op":"add","path":"/remaining","value":"5"}]})",
              "Invalid patch path  '/remaining' specified for op 'add'. Must be one of: "
              "[/remaining]"},
          bad{R"({"patchOperations":[{"op":"replace","path":"/used","value":"5"}]})",
              "Invalid patch path  '/used' specified for op 'replace'. Must be one of: "
              "[/remaining]"},
          bad{R"({"patchOperations":[{"op":"replace","path":"/remaining"}]})",
              "Invalid remaining quota: the value is missing; give the requests left as a "
              "string of digits, such as \\\"50\\\""},
          bad{R"({"patchOperations":[{"op":"replace","path":"/remaining","value":"-1"}]})",
              "Invalid remaining quota '-1' specified: must be a whole number of requests, 0 "
              "or more"},
          bad{R"({"patchOperations":[{"op":"replace","path":"/remaining","value":"1.5"}]})",
              "Invalid remaining quota '1.5' specified: must be a whole number of requests, 0 "
              "or more"},
          bad{R"({"patchOperations":[{"op":"replace","path":"/remaining","value":""}]})",
              "Invalid remaining quota '' specified: must be a whole number of requests, 0 "
              "or more"},
          bad{R"({"patchOperations":[{"op":"replace","path":"/remaining","value":"549755813888"}]})",
              "Invalid remaining quota '549755813888' specified: at most 549755813887"},
          bad{R"({"patchOperations":[{"op":"replace","path":"/remaining",)"
              R"("value":"99999999999999999999999"}]})",
              "Invalid remaining quota '99999999999999999999999' specified: at most "
              "549755813887"},
          bad{R"({"patchOperations":[]})",
              "UpdateUsage needs patchOperations: [{\\\"op\\\": \\\"replace\\\", \\\"path\\\": "
              "\\\"/remaining\\\", \\\"value\\\": \\\"<requests>\\\"}]"},
      }) {
    const control_response r = patch(b.body);
    EXPECT_EQ(r.status, 400u) << b.body;
    EXPECT_EQ(header(r, "x-amzn-ErrorType"), "BadRequestException") << b.body;
    EXPECT_EQ(r.body, R"({"message":")" + std::string(b.message) + "\"}") << b.body;
  }
  EXPECT_EQ(patch("not json").status, 400u);
  EXPECT_EQ(
      patch(R"({"patchOperations":[{"op":"replace","path":"/remaining","value":50}]})").status,
      400u)
      << "the value is a string on the wire";
  EXPECT_EQ(patch(replace_remaining("549755813887")).status, 200u) << "the largest";
  EXPECT_EQ(usage_.set_to, std::int64_t{549'755'813'887});
}

TEST_F(UsageOperations, UpdateUsageOfUnknownObjectsOrAPlanWithoutQuota) {
  const std::string body = replace_remaining("5");
  const control_response plan = patch(body, "key0000001", "nope01");
  EXPECT_EQ(plan.status, 404u);
  EXPECT_EQ(plan.body, R"({"message":"Invalid Usage Plan ID specified"})");
  const control_response key = patch(body, "nokey00001");
  EXPECT_EQ(key.status, 404u);
  EXPECT_EQ(key.body, R"({"message":"Invalid API Key identifier specified"})");
  const control_response other = patch(body, "key0000003");
  EXPECT_EQ(other.status, 404u);
  EXPECT_EQ(other.body, R"({"message":"Invalid Usage Plan Key identifier specified"})");
  const control_response free = patch(body, "key0000003", "free01");
  EXPECT_EQ(free.status, 400u);
  EXPECT_EQ(free.body,
            R"({"message":"Usage plan 'free01' has no quota: usagegate counts a key's requests )"
            R"(against its plan's quota only, so it has no remaining quota to update"})");
  EXPECT_FALSE(usage_.set_to.has_value()) << "nothing was set";
}

TEST_F(UsageOperations, UpdateUsageWhenTheStoreCannotBeWritten) {
  usage_.status = usage_status::store_unavailable;
  const control_response r = patch(replace_remaining("5"));
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.body, R"({"message":"usage.db cannot be written"})");
}

TEST_F(UsageOperations, WithoutAStateDirectory) {
  const auto refuse = [this](std::string_view method, std::string_view path) {
    return run(method, path, "",
               [](const operation_context& c) { return usage_without_state_directory(c); });
  };
  const control_response get = refuse("GET", "/usageplans/gold01/usage");
  EXPECT_EQ(get.status, 400u);
  EXPECT_EQ(get.body,
            R"x({"message":"GetUsage needs gateway.stateDirectory: usagegate keeps the daily )x"
            R"x(usage of each key there, in usage.db (set it and restart usagegate)"})x");
  const control_response update = refuse("PATCH", "/usageplans/gold01/keys/key0000001/usage");
  EXPECT_NE(update.body.find("UpdateUsage needs gateway.stateDirectory"), std::string::npos);
  EXPECT_EQ(refuse("GET", "/usageplans/nope01/usage").status, 404u);
}

}  // namespace
}  // namespace ug::gateway::control
