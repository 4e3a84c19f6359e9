// The loader rules for the gateway section: settings, the data and admin
// listeners, the admin token, and gateway.stages with their upstreams and base
// paths (config/document/document_parse_gateway*, config/validate/validate_apis).
#include "config/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/config/loader_error_cases.hpp"

namespace ug::config {
namespace {

using loader_fixture::error_case;
using loader_fixture::gateway_with;
using loader_fixture::sections;
using ::testing::HasSubstr;

std::string upstream_with(const std::string& members) {
  return R"({"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000", )" + members +
         "}}}}";
}

}  // namespace

std::vector<error_case> loader_fixture::gateway_error_cases() {
  return {
      // references
      {"GatewayStageNamesUnknownStage",
       [](sections& s) {
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}},
                                    "api1/v9": {"upstream": {"url": "http://127.0.0.1:9000"}}}})";
       },
       "gateway.stages[\"api1/v9\"]", "has no stage 'v9'"},
      {"GatewayStageNamesUnknownApi",
       [](sections& s) {
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}},
                                    "apiX/v1": {"upstream": {"url": "http://127.0.0.1:9000"}}}})";
       },
       "gateway.stages[\"apiX/v1\"]", "not in restApis"},
      {"StageWithoutUpstream", [](sections& s) { s.gateway = "{}"; }, "restApis[0].stages[0]",
       "has no upstream"},
      {"GatewayStageWithoutUpstream",
       [](sections& s) { s.gateway = R"({"stages": {"api1/v1": {"basePath": "/x"}}})"; },
       "gateway.stages[\"api1/v1\"]", "missing required field 'upstream'"},
      // limits
      {"NegativeAccountRate",
       [](sections& s) {
         s.gateway = gateway_with(R"("accountThrottle": {"burstLimit": 5000, "rateLimit": -1})");
       },
       "gateway.accountThrottle.rateLimit", "must not be negative"},
      // quotas
      {"OffsetMeaningUnknown",
       [](sections& s) { s.gateway = gateway_with(R"("quotaOffsetMeaning": "startday")"); },
       "gateway.quotaOffsetMeaning", "did you mean 'startDay'?"},
      // durable state
      {"OnStateFailureUnknown",
       [](sections& s) { s.gateway = gateway_with(R"("onStateFailure": "fail-open")"); },
       "gateway.onStateFailure", "'fail-open' is not one of \"closed\" or \"open\""},
      {"OnStateFailureCase",
       [](sections& s) { s.gateway = gateway_with(R"("onStateFailure": "Open")"); },
       "gateway.onStateFailure", "did you mean 'open'?"},
      {"OnStateFailureNotAString",
       [](sections& s) { s.gateway = gateway_with(R"("onStateFailure": true)"); },
       "gateway.onStateFailure", "must be a string, not"},
      // gateway settings
      {"PortTooLarge",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"port": 70000})"); },
       "gateway.listener.port", "from 0 to 65535"},
      {"AdminPortNegative",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"port": -1})"); },
       "gateway.admin.port", "from 0 to 65535"},
      {"HeaderTimeoutZero",
       [](sections& s) { s.gateway = gateway_with(R"("headerTimeoutMs": 0)"); },
       "gateway.headerTimeoutMs", "at least 1"},
      {"KeepAliveTimeoutZero",
       [](sections& s) { s.gateway = gateway_with(R"("keepAliveTimeoutMs": 0)"); },
       "gateway.keepAliveTimeoutMs", "at least 1"},
      {"DrainTimeoutNegative",
       [](sections& s) { s.gateway = gateway_with(R"("drainTimeoutMs": -5)"); },
       "gateway.drainTimeoutMs", "at least 1"},
      {"ConnectTimeoutZero",
       [](sections& s) { s.gateway = upstream_with(R"("connectTimeoutMs": 0)"); },
       "gateway.stages[\"api1/v1\"].upstream.connectTimeoutMs", "at least 1"},
      {"ResponseTimeoutZero",
       [](sections& s) { s.gateway = upstream_with(R"("responseTimeoutMs": 0)"); },
       "gateway.stages[\"api1/v1\"].upstream.responseTimeoutMs", "at least 1"},
      {"IdleTimeoutZero", [](sections& s) { s.gateway = upstream_with(R"("idleTimeoutMs": 0)"); },
       "gateway.stages[\"api1/v1\"].upstream.idleTimeoutMs", "at least 1"},
      {"MaxHeaderBytesTooSmall",
       [](sections& s) { s.gateway = gateway_with(R"("maxHeaderBytes": 1023)"); },
       "gateway.maxHeaderBytes", "from 1024"},
      {"MaxConnectionsZero",
       [](sections& s) { s.gateway = gateway_with(R"("maxConnections": 0)"); },
       "gateway.maxConnections", "at least 1"},
      {"AccessLogEmpty", [](sections& s) { s.gateway = gateway_with(R"("accessLog": "")"); },
       "gateway.accessLog", R"(must be "off", "stdout" or a file path)"},
      {"AccessLogNotAString",
       [](sections& s) { s.gateway = gateway_with(R"("accessLog": false)"); }, "gateway.accessLog",
       "must be a string"},
      {"MetricsKeySeriesNegative",
       [](sections& s) { s.gateway = gateway_with(R"("metricsKeySeries": -1)"); },
       "gateway.metricsKeySeries", "from 0 to 100000"},
      {"MetricsKeySeriesTooLarge",
       [](sections& s) { s.gateway = gateway_with(R"("metricsKeySeries": 100001)"); },
       "gateway.metricsKeySeries", "from 0 to 100000"},
      {"ReloadOnFileChangeNotBoolean",
       [](sections& s) { s.gateway = gateway_with(R"("reloadOnFileChange": "yes")"); },
       "gateway.reloadOnFileChange", "must be true or false"},
      {"AdminSameAsListener",
       [](sections& s) {
         s.gateway = gateway_with(R"("listener": {"port": 8081}, "admin": {"port": 8081})");
       },
       "gateway.admin", "must differ from the data listener (127.0.0.1:8081)"},
      {"AdminWildcardOverlapsListener",
       [](sections& s) {
         s.gateway = gateway_with(
             R"("listener": {"address": "127.0.0.1", "port": 8081},
                "admin": {"address": "0.0.0.0", "port": 8081})");
       },
       "gateway.admin", "must differ from the data listener"},
      {"ListenerOnTheDefaultAdminPort",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"port": 9080})"); },
       "gateway.listener", "the admin listener (127.0.0.1:9080) must differ"},
      // listener addresses: start-up binds numeric addresses and resolves no names
      {"ListenerAddressIsAHostName",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"address": "localhost"})"); },
       "gateway.listener.address", R"("localhost" is a host name)"},
      {"AdminAddressIsAHostName",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"address": "localhost"})"); },
       "gateway.admin.address", R"(use "127.0.0.1")"},
      {"ListenerAddressIsADnsName",
       [](sections& s) {
         s.gateway = gateway_with(R"("listener": {"address": "gateway.example.com"})");
       },
       "gateway.listener.address", "is not a numeric IP address"},
      {"ListenerAddressWithBrackets",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"address": "[::1]"})"); },
       "gateway.listener.address", R"(without them ("::1"))"},
      {"ListenerAddressWithPort",
       [](sections& s) {
         s.gateway = gateway_with(R"("listener": {"address": "127.0.0.1:8080"})");
       },
       "gateway.listener.address", "is not a numeric IP address"},
      {"ListenerAddressWithZone",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"address": "fe80::1%eth0"})"); },
       "gateway.listener.address", "zone"},
      {"ListenerAddressEmpty",
       [](sections& s) { s.gateway = gateway_with(R"("listener": {"address": ""})"); },
       "gateway.listener.address", "must be a numeric IP address"},
      // the admin listener beyond loopback needs a bearer token
      {"AdminOnEveryInterfaceWithoutAToken",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"address": "0.0.0.0"})"); },
       "gateway.admin.address", R"("0.0.0.0" is not a loopback address)"},
      {"AdminOnAnInterfaceAddressWithoutAToken",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"address": "10.1.2.3"})"); },
       "gateway.admin.address", "set gateway.admin.authToken or gateway.admin.authTokenFile"},
      {"AdminOnIpv6EveryInterfaceWithoutAToken",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"address": "::"})"); },
       "gateway.admin.address", "is not a loopback address"},
      {"AdminTokenTooShort",
       [](sections& s) {
         s.gateway = gateway_with(R"("admin": {"address": "0.0.0.0", "authToken": "short"})");
       },
       "gateway.admin.authToken", "at least 32 characters (it has 5)"},
      {"AdminTokenWithASpace",
       [](sections& s) {
         s.gateway = gateway_with(R"("admin": {"authToken": "0123456789abcdef 0123456789abcdef"})");
       },
       "gateway.admin.authToken", "character 17 is not one of them"},
      {"AdminTokenNotAString",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"authToken": 12345})"); },
       "gateway.admin.authToken", "must be a string"},
      {"AdminTokenAndTokenFile",
       [](sections& s) {
         s.gateway = gateway_with(R"("admin": {"authToken": ")" + std::string(40, 'a') +
                                  R"(", "authTokenFile": "token.txt"})");
       },
       "gateway.admin", "either 'authToken' or 'authTokenFile', not both"},
      {"AdminTokenFileMissing",
       [](sections& s) {
         s.gateway = gateway_with(R"("admin": {"authTokenFile": "no-such-token-file"})");
       },
       "gateway.admin.authTokenFile", "cannot read file 'no-such-token-file'"},
      {"AdminTokenFileEmptyName",
       [](sections& s) { s.gateway = gateway_with(R"("admin": {"authTokenFile": ""})"); },
       "gateway.admin.authTokenFile", "must not be empty"},
      // upstreams and base paths
      {"HttpsUpstream",
       [](sections& s) {
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "https://llm:443"}}}})";
       },
       "gateway.stages[\"api1/v1\"].upstream.url", "HTTPS upstreams are not supported yet"},
      {"UpstreamNotHttp",
       [](sections& s) {
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "ftp://llm"}}}})";
       },
       "gateway.stages[\"api1/v1\"].upstream.url", "http://host:port"},
      {"UpstreamPortZero",
       [](sections& s) {
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://llm:0"}}}})";
       },
       "gateway.stages[\"api1/v1\"].upstream.url", "from 1 to 65535"},
      {"UpstreamWithoutUrl",
       [](sections& s) { s.gateway = R"({"stages": {"api1/v1": {"upstream": {"poolSize": 4}}}})"; },
       "gateway.stages[\"api1/v1\"].upstream", "missing required field 'url'"},
      {"BasePathConflictExplicit",
       [](sections& s) {
         s.rest_apis = R"([{"id": "api1", "stages": [{"stageName": "v1"}, {"stageName": "v2"}]}])";
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://a:1"}},
             "api1/v2": {"basePath": "/v1", "upstream": {"url": "http://a:1"}}}})";
       },
       "gateway.stages[\"api1/v2\"].basePath", "already used by stage \"api1/v1\""},
      {"BasePathConflictDefault",
       [](sections& s) {
         s.rest_apis = R"([{"id": "api1", "stages": [{"stageName": "v1"}]},
                           {"id": "api2", "stages": [{"stageName": "v1"}]}])";
         s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://a:1"}},
             "api2/v1": {"upstream": {"url": "http://a:1"}}}})";
       },
       "gateway.stages[\"api2/v1\"]", "the default"},
      {"BasePathMalformed",
       [](sections& s) {
         s.gateway =
             R"({"stages": {"api1/v1": {"basePath": "v1/", "upstream": {"url": "http://a:1"}}}})";
       },
       "gateway.stages[\"api1/v1\"].basePath", "basePath must be"},
  };
}

namespace {

TEST(LoaderValidation, MalformedGatewayStageName) {
  sections s;
  s.gateway = R"({"stages": {"api1/v1": {"upstream": {"url": "http://a:1"}},
                             "v1": {"upstream": {"url": "http://a:1"}}}})";
  const load_result r = load_string(s.json());
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].json_path, "gateway.stages.v1");
  EXPECT_THAT(r.errors[0].message, HasSubstr("<restApiId>/<stageName>"));
}

}  // namespace
}  // namespace ug::config
