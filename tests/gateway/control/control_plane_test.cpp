// The control plane over a compiled config: each read's shape with its wire
// names, filters, paging, the 404 texts, and the refusal of every write.
#include "gateway/control/control_plane.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "config/loader.hpp"
#include "limiter/state_registry.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::string_view config_json = R"({
  "gateway": {
    "accountThrottle": {"burstLimit": 50, "rateLimit": 100},
    "stages": {"api0000001/v1": {"upstream": {"url": "http://127.0.0.1:1"}}}
  },
  "restApis": [{
    "id": "api0000001", "name": "ai_api",
    "resources": [
      {"id": "root01", "path": "/"},
      {"id": "endp01", "path": "/endpoint", "resourceMethods": {
        "GET": {"httpMethod": "GET", "authorizationType": "NONE", "apiKeyRequired": true}}}
    ],
    "stages": [{"stageName": "v1", "methodSettings": {
      "*/*": {"throttlingBurstLimit": 5, "throttlingRateLimit": 10}}}]
  }],
  "usagePlans": [
    {"id": "gold01", "name": "gold", "description": "the gold plan",
     "apiStages": [{"apiId": "api0000001", "stage": "v1",
                    "throttle": {"/endpoint/GET": {"burstLimit": 2, "rateLimit": 1.5}}}],
     "throttle": {"burstLimit": 5, "rateLimit": 10},
     "quota": {"limit": 1000, "period": "WEEK"}},
    {"id": "free01", "name": "free"}
  ],
  "apiKeys": [
    {"id": "key0000001", "name": "alice", "customerId": "c1", "description": "first",
     "enabled": true, "value": "alice-value-00000000000001"},
    {"id": "key0000002", "name": "bob", "enabled": false,
     "valueSha256": "0000000000000000000000000000000000000000000000000000000000000000"},
    {"id": "key0000003", "name": "alina", "enabled": true, "value": "alina-value-00000000000003"}
  ],
  "usagePlanKeys": {"gold01": [{"id": "key0000001"}, {"id": "key0000002"}],
                    "free01": [{"id": "key0000003"}]}
})";

class ControlPlane : public ::testing::Test {
 protected:
  void SetUp() override {
    config::load_result loaded = config::load_string(config_json);
    ASSERT_TRUE(loaded.doc) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    loaded.doc->source_files = {"/etc/usagegate/gw.json"};
    snapshot_ = config::compiled_config::compile(*loaded.doc, registry_, limiter::instant{1, 1});
  }

  control_response call(std::string_view method, std::string_view path, std::string_view query = "",
                        std::string_view body = "") const {
    control_request r;
    r.method = method;
    r.path = path;
    r.query = query;
    r.body = body;
    return handle(r, *snapshot_);
  }

  static std::string header(const control_response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name)
        return v;
    }
    return "<absent>";
  }

  limiter::state_registry registry_;
  std::shared_ptr<const config::compiled_config> snapshot_;
};

TEST_F(ControlPlane, GetApiKeysOmitsValuesUnlessAsked) {
  const control_response r = call("GET", "/apikeys");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"item":[)"
                    R"({"id":"key0000001","name":"alice","customerId":"c1","description":"first",)"
                    R"("enabled":true,"stageKeys":[]},)"
                    R"({"id":"key0000002","name":"bob","enabled":false,"stageKeys":[]},)"
                    R"({"id":"key0000003","name":"alina","enabled":true,"stageKeys":[]}]})");
  const control_response with = call("GET", "/apikeys", "includeValues=true");
  EXPECT_NE(with.body.find(R"("value":"alice-value-00000000000001")"), std::string::npos);
  // A valueSha256 key has no value to return.
  EXPECT_NE(with.body.find(R"({"id":"key0000002","name":"bob")"), std::string::npos);
  EXPECT_EQ(with.body.find("0000000000000000000000000000000000000000"), std::string::npos);
}

TEST_F(ControlPlane, GetApiKeysFiltersByNamePrefixAndCustomer) {
  const control_response al = call("GET", "/apikeys", "name=al");
  EXPECT_NE(al.body.find("key0000001"), std::string::npos);
  EXPECT_NE(al.body.find("key0000003"), std::string::npos);
  EXPECT_EQ(al.body.find("key0000002"), std::string::npos);
  EXPECT_EQ(call("GET", "/apikeys", "name=AL").body, R"({"item":[]})");   // case-sensitive
  EXPECT_EQ(call("GET", "/apikeys", "name=ice").body, R"({"item":[]})");  // prefix only
  const control_response c1 = call("GET", "/apikeys", "customerId=c1");
  EXPECT_NE(c1.body.find("key0000001"), std::string::npos);
  EXPECT_EQ(c1.body.find("key0000003"), std::string::npos);
}

TEST_F(ControlPlane, GetApiKeysPagesWithPosition) {
  const control_response first = call("GET", "/apikeys", "limit=2");
  EXPECT_EQ(first.body.rfind(R"({"position":"p2","item":[{"id":"key0000001")", 0), 0u)
      << first.body;
  const control_response last = call("GET", "/apikeys", "limit=2&position=p2");
  EXPECT_EQ(last.body,
            R"({"item":[{"id":"key0000003","name":"alina","enabled":true,"stageKeys":[]}]})");
  const control_response bad = call("GET", "/apikeys", "position=zz");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(header(bad, "x-amzn-ErrorType"), "BadRequestException");
}

TEST_F(ControlPlane, GetApiKey) {
  EXPECT_EQ(call("GET", "/apikeys/key0000003", "includeValue=true").body,
            R"({"id":"key0000003","value":"alina-value-00000000000003","name":"alina",)"
            R"("enabled":true,"stageKeys":[]})");
  EXPECT_EQ(call("GET", "/apikeys/key0000003").body.find("value"), std::string::npos);
  const control_response missing = call("GET", "/apikeys/nope");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(header(missing, "x-amzn-ErrorType"), "NotFoundException");
  EXPECT_EQ(missing.body, R"({"message":"Invalid API Key identifier specified"})");
}

TEST_F(ControlPlane, GetUsagePlanHasEveryMemberAndTags) {
  const control_response r = call("GET", "/usageplans/gold01");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"id":"gold01","name":"gold","description":"the gold plan","apiStages":[)"
                    R"({"apiId":"api0000001","stage":"v1","throttle":{"/endpoint/GET":)"
                    R"({"burstLimit":2,"rateLimit":1.5}}}],)"
                    R"("throttle":{"burstLimit":5,"rateLimit":10.0},)"
                    R"("quota":{"limit":1000,"offset":0,"period":"WEEK"},"tags":{}})");
  const control_response missing = call("GET", "/usageplans/nope");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body, R"({"message":"Invalid Usage Plan ID specified"})");
}

TEST_F(ControlPlane, GetUsagePlansListsWithoutTagsAndFiltersByKey) {
  const control_response all = call("GET", "/usageplans");
  EXPECT_NE(all.body.find(R"({"id":"free01","name":"free","apiStages":[]})"), std::string::npos)
      << all.body;
  EXPECT_EQ(all.body.find("tags"), std::string::npos);
  const control_response of3 = call("GET", "/usageplans", "keyId=key0000003");
  EXPECT_EQ(of3.body, R"({"item":[{"id":"free01","name":"free","apiStages":[]}]})");
  EXPECT_EQ(call("GET", "/usageplans", "keyId=nope").body, R"({"item":[]})");
}

TEST_F(ControlPlane, GetUsagePlanKeys) {
  EXPECT_EQ(call("GET", "/usageplans/gold01/keys").body,
            R"({"item":[{"id":"key0000001","type":"API_KEY",)"
            R"("value":"alice-value-00000000000001","name":"alice"},)"
            R"({"id":"key0000002","type":"API_KEY","name":"bob"}]})");
  EXPECT_EQ(call("GET", "/usageplans/gold01/keys", "name=b").body,
            R"({"item":[{"id":"key0000002","type":"API_KEY","name":"bob"}]})");
  // An unknown plan lists nothing, as AWS answers.
  const control_response unknown = call("GET", "/usageplans/nope/keys");
  EXPECT_EQ(unknown.status, 200u);
  EXPECT_EQ(unknown.body, R"({"item":[]})");
}

TEST_F(ControlPlane, GetUsagePlanKey) {
  EXPECT_EQ(call("GET", "/usageplans/free01/keys/key0000003").body,
            R"({"id":"key0000003","type":"API_KEY",)"
            R"("value":"alina-value-00000000000003","name":"alina"})");
  EXPECT_EQ(call("GET", "/usageplans/free01/keys/key0000001").body,
            R"({"message":"Invalid Usage Plan Key identifier specified"})");
  EXPECT_EQ(call("GET", "/usageplans/nope/keys/key0000001").body,
            R"({"message":"Invalid Usage Plan ID specified"})");
}

TEST_F(ControlPlane, RestApisResourcesMethods) {
  const std::string api = R"({"id":"api0000001","name":"ai_api","apiKeySource":"HEADER",)"
                          R"("endpointConfiguration":{"types":["EDGE"],"ipAddressType":"ipv4"},)"
                          R"("disableExecuteApiEndpoint":false,"rootResourceId":"root01"})";
  EXPECT_EQ(call("GET", "/restapis").body, R"({"item":[)" + api + "]}");
  EXPECT_EQ(call("GET", "/restapis/api0000001").body, api);
  EXPECT_EQ(call("GET", "/restapis/nope").body,
            R"({"message":"Invalid API identifier specified 000000000000:nope"})");
  EXPECT_EQ(call("GET", "/restapis/api0000001/resources").body,
            R"({"item":[{"id":"root01","path":"/"},)"
            R"({"id":"endp01","parentId":"root01","pathPart":"endpoint","path":"/endpoint",)"
            R"("resourceMethods":{"GET":{"httpMethod":"GET","authorizationType":"NONE",)"
            R"("apiKeyRequired":true}}}]})");
  EXPECT_EQ(call("GET", "/restapis/api0000001/resources/root01").body,
            R"({"id":"root01","path":"/"})");
  EXPECT_EQ(call("GET", "/restapis/api0000001/resources/nope").body,
            R"({"message":"Invalid Resource identifier specified"})");
  EXPECT_EQ(call("GET", "/restapis/api0000001/resources/endp01/methods/GET").body,
            R"({"httpMethod":"GET","authorizationType":"NONE","apiKeyRequired":true})");
  EXPECT_EQ(call("GET", "/restapis/api0000001/resources/endp01/methods/POST").body,
            R"({"message":"Invalid Method identifier specified"})");
}

TEST_F(ControlPlane, StagesAndAccount) {
  const std::string stage =
      R"({"stageName":"v1","methodSettings":{"*/*":{"throttlingBurstLimit":5,)"
      R"("throttlingRateLimit":10.0}},"cacheClusterEnabled":false,)"
      R"("cacheClusterStatus":"NOT_AVAILABLE","tracingEnabled":false})";
  EXPECT_EQ(call("GET", "/restapis/api0000001/stages").body, R"({"item":[)" + stage + "]}");
  EXPECT_EQ(call("GET", "/restapis/api0000001/stages/v1").body, stage);
  EXPECT_EQ(call("GET", "/restapis/api0000001/stages/v2").body,
            R"({"message":"Invalid stage identifier specified"})");
  EXPECT_EQ(call("GET", "/account").body,
            R"({"throttleSettings":{"burstLimit":50,"rateLimit":100.0},)"
            R"("features":["UsagePlans"],"apiKeyVersion":"4"})");
}

TEST_F(ControlPlane, WritesToFileObjectsAreRefusedNamingTheFile) {
  for (const auto& [method, path] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"PATCH", "/usageplans/gold01"},
           {"DELETE", "/usageplans/gold01"},
           {"DELETE", "/usageplans/gold01/keys/key0000001"},
           {"PATCH", "/apikeys/key0000001"},
           {"DELETE", "/apikeys/key0000001"},
           {"PATCH", "/restapis/api0000001"},
           {"DELETE", "/restapis/api0000001/resources/endp01"},
           {"PUT", "/restapis/api0000001/resources/endp01/methods/GET"},
           {"POST", "/restapis/api0000001/resources/root01"},
           {"PUT", "/restapis/api0000001/resources/root01/methods/POST"},
           {"PUT", "/restapis/api0000001/resources/endp01/methods/GET/integration"},
           {"POST", "/restapis/api0000001/deployments"},
           {"POST", "/restapis/api0000001/stages"},
           {"PATCH", "/restapis/api0000001/stages/v1"}}) {
    const control_response r = call(method, path, "", R"({"patchOperations":[]})");
    EXPECT_EQ(r.status, 400u) << method << " " << path;
    EXPECT_EQ(header(r, "x-amzn-ErrorType"), "BadRequestException");
    EXPECT_NE(r.body.find("is defined in the config file /etc/usagegate/gw.json"),
              std::string::npos)
        << r.body;
  }
}

TEST_F(ControlPlane, WritesWithoutAStateDirectoryAskForOne) {
  for (const auto& [method, path] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"POST", "/apikeys"},
           {"POST", "/usageplans"},
           {"POST", "/usageplans/gold01/keys"},
           {"POST", "/restapis"},
           {"PATCH", "/account"}}) {
    const control_response r = call(method, path, "", "{}");
    EXPECT_EQ(r.status, 400u) << method << " " << path;
    EXPECT_NE(r.body.find("needs gateway.stateDirectory"), std::string::npos) << r.body;
  }
}

TEST_F(ControlPlane, WritesToUnknownObjectsAreTheirNotFound) {
  EXPECT_EQ(call("DELETE", "/usageplans/nope").body,
            R"({"message":"Invalid Usage Plan ID specified"})");
  EXPECT_EQ(call("DELETE", "/apikeys/nope").body,
            R"({"message":"Invalid API Key identifier specified"})");
  EXPECT_EQ(call("DELETE", "/usageplans/free01/keys/key0000001").status, 404u);
  EXPECT_EQ(call("PATCH", "/restapis/nope/stages/v1").body,
            R"({"message":"Invalid API identifier specified 000000000000:nope"})");
  EXPECT_EQ(call("DELETE", "/restapis/api0000001/resources/endp01/methods/POST").body,
            R"({"message":"Invalid Method identifier specified"})");
}

TEST_F(ControlPlane, UsageWithoutAStateDirectoryNamesTheSetting) {
  for (const auto& [method, path, operation] :
       std::vector<std::tuple<std::string_view, std::string_view, std::string_view>>{
           {"GET", "/usageplans/gold01/usage", "GetUsage"},
           {"PATCH", "/usageplans/gold01/keys/key0000001/usage", "UpdateUsage"}}) {
    const control_response r = call(method, path);
    EXPECT_EQ(r.status, 400u) << method << " " << path;
    EXPECT_EQ(r.body, R"({"message":")" + std::string(operation) +
                          " needs gateway.stateDirectory: usagegate keeps the daily usage of each "
                          "key there, in usage.db (set it and restart usagegate)\"}")
        << r.body;
  }
}

TEST_F(ControlPlane, OtherOperationsAreNotSupportedYet) {
  for (const auto& [method, path] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"GET", "/restapis/api0000001/authorizers"},
           {"POST", "/restapis/api0000001/models"},
           {"GET", "/domainnames"}}) {
    const control_response r = call(method, path);
    EXPECT_EQ(r.status, 400u) << method << " " << path;
    EXPECT_NE(r.body.find("not supported by usagegate"), std::string::npos) << r.body;
  }
}

TEST_F(ControlPlane, UnknownPathsAreNotFoundException) {
  const control_response r = call("GET", "/usageplans/gold01/nothing");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(header(r, "x-amzn-ErrorType"), "NotFoundException");
  EXPECT_EQ(r.body,
            R"({"message":"No API Gateway operation matches GET /usageplans/gold01/nothing"})");
  EXPECT_EQ(call("GET", "/apikeys/a%zz").status, 400u);
  EXPECT_EQ(call("GET", "/apikeys", "name=%").status, 400u);
  const std::string big(max_control_body_bytes + 1, 'x');
  EXPECT_EQ(call("POST", "/apikeys", "", big).status, 400u);
}

TEST(ControlPlaneOperationName, NamesTheModelsOperationOrNone) {
  const auto name = [](std::string_view method, std::string_view path, std::string_view query) {
    control_request r;
    r.method = method;
    r.path = path;
    r.query = query;
    return std::string(operation_name(r));
  };
  EXPECT_EQ(name("GET", "/usageplans/gold01", ""), "GetUsagePlan");
  EXPECT_EQ(name("POST", "/apikeys", "mode=import&format=csv"), "ImportApiKeys");
  EXPECT_EQ(name("POST", "/apikeys", ""), "CreateApiKey");
  EXPECT_EQ(name("GET", "/usageplans/gold01/nothing", ""), "");
  EXPECT_EQ(name("GET", "/apikeys/a%zz", ""), "");
}

TEST(ControlPlanePaths, OwnsTheManagementApiCollectionsOnly) {
  for (std::string_view p : {"/apikeys", "/apikeys/x", "/usageplans/a/keys", "/restapis",
                             "/account", "/domainnames/d", "/tags/arn"}) {
    EXPECT_TRUE(is_control_plane_path(p)) << p;
  }
  for (std::string_view p :
       {"/metrics", "/reload", "/healthz", "/readyz", "/", "", "/usage", "/apikeysx", "apikeys"}) {
    EXPECT_FALSE(is_control_plane_path(p)) << p;
  }
}

}  // namespace
}  // namespace ug::gateway::control
