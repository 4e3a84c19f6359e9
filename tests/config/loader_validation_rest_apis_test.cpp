// The loader rules for restApis: ids, resource paths and methods, stages and
// their method settings (config/document/document_parse_rest_apis, config/validate/validate_apis).
#include <string>
#include <vector>

#include "tests/config/loader_error_cases.hpp"

namespace ug::config {
namespace {

using loader_fixture::error_case;
using loader_fixture::sections;

std::string api_with_resources(const std::string& resources) {
  return R"([{"id": "api1", "resources": )" + resources + R"(, "stages": [{"stageName": "v1"}]}])";
}

std::string api_with_method_settings(const std::string& settings) {
  return R"([{"id": "api1", "stages": [{"stageName": "v1", "methodSettings": )" + settings + "}]}]";
}

}  // namespace

std::vector<error_case> loader_fixture::rest_api_error_cases() {
  return {
      // duplicates
      {"DuplicateApiId",
       [](sections& s) {
         s.rest_apis = R"([{"id": "api1", "stages": [{"stageName": "v1"}]}, {"id": "api1"}])";
       },
       "restApis[1].id", "used twice"},
      {"DuplicateStage",
       [](sections& s) {
         s.rest_apis = R"([{"id": "api1", "stages": [{"stageName": "v1"}, {"stageName": "v1"}]}])";
       },
       "restApis[0].stages[1].stageName", "defined twice"},
      {"DuplicateResourceId",
       [](sections& s) {
         s.rest_apis =
             api_with_resources(R"([{"id": "r1", "path": "/a"}, {"id": "r1", "path": "/b"}])");
       },
       "restApis[0].resources[1].id", "used twice"},
      {"DuplicateResourcePath",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a"}, {"path": "/a"}])"); },
       "restApis[0].resources[1].path", "defined twice"},
      {"DuplicateMethodSettingAfterNormalising",
       [](sections& s) {
         s.rest_apis = api_with_method_settings(R"({"test/GET": {}, "~1test/GET": {}})");
       },
       "restApis[0].stages[0].methodSettings[\"~1test/GET\"]", "same method"},
      // limits
      {"NegativeStageThrottle",
       [](sections& s) {
         s.rest_apis = api_with_method_settings(R"({"*/*": {"throttlingRateLimit": -1}})");
       },
       "restApis[0].stages[0].methodSettings[\"*/*\"].throttlingRateLimit", "must not be negative"},
      // throttle keys and names
      {"MethodSettingKeyWithLeadingSlash",
       [](sections& s) { s.rest_apis = api_with_method_settings(R"({"/endpoint/GET": {}})"); },
       "restApis[0].stages[0].methodSettings[\"/endpoint/GET\"]", "no leading slash"},
      {"MethodSettingKeyBadEscape",
       [](sections& s) { s.rest_apis = api_with_method_settings(R"({"~2endpoint/GET": {}})"); },
       "restApis[0].stages[0].methodSettings[\"~2endpoint/GET\"]", "'~'"},
      {"MethodSettingKeyBadMethod",
       [](sections& s) { s.rest_apis = api_with_method_settings(R"({"~1endpoint/GOT": {}})"); },
       "restApis[0].stages[0].methodSettings[\"~1endpoint/GOT\"]", "did you mean 'GET'?"},
      {"ResourcePathWithoutSlash",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "endpoint"}])"); },
       "restApis[0].resources[0].path", "must start with '/'"},
      {"ResourcePathEmptySegment",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a//b"}])"); },
       "restApis[0].resources[0].path", "empty segment"},
      {"ResourcePathDotDotSegment",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a/../b"}])"); },
       "restApis[0].resources[0].path", "may not be '.' or '..'"},
      {"ResourcePathDotSegment",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/."}])"); },
       "restApis[0].resources[0].path", "may not be '.' or '..'"},
      {"ResourcePathTrailingSlash",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a/"}])"); },
       "restApis[0].resources[0].path", "must not end with '/'"},
      {"ResourcePathGreedyNotLast",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/{proxy+}/x"}])"); },
       "restApis[0].resources[0].path", "must be the last segment"},
      {"ResourcePathBadParameter",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a/{x"}])"); },
       "restApis[0].resources[0].path", "{name}"},
      {"ResourcePathBadCharacter",
       [](sections& s) { s.rest_apis = api_with_resources(R"([{"path": "/a b"}])"); },
       "restApis[0].resources[0].path", "only letters, digits"},
      {"ResourceTwoVariableSiblings",
       [](sections& s) {
         s.rest_apis = api_with_resources(R"([{"path": "/a/{id}"}, {"path": "/a/{name}"}])");
       },
       "restApis[0].resources[1].path", "only one variable child"},
      {"ResourceMethodUnknown",
       [](sections& s) {
         s.rest_apis = api_with_resources(R"([{"path": "/a", "resourceMethods": {"FETCH": {}}}])");
       },
       "restApis[0].resources[0].resourceMethods.FETCH", "not an HTTP method"},
      {"ResourceMethodNameMismatch",
       [](sections& s) {
         s.rest_apis = api_with_resources(
             R"([{"path": "/a", "resourceMethods": {"GET": {"httpMethod": "POST"}}}])");
       },
       "restApis[0].resources[0].resourceMethods.GET.httpMethod", "must match"},
      {"AuthorizationTypeUnsupported",
       [](sections& s) {
         s.rest_apis = api_with_resources(
             R"([{"path": "/a", "resourceMethods": {"GET": {"authorizationType": "AWS_IAM"}}}])");
       },
       "restApis[0].resources[0].resourceMethods.GET.authorizationType", "not supported"},
      {"ApiKeySourceAuthorizer",
       [](sections& s) {
         s.rest_apis =
             R"([{"id": "api1", "apiKeySource": "AUTHORIZER", "stages": [{"stageName": "v1"}]}])";
       },
       "restApis[0].apiKeySource", "authorizers are not supported"},
      {"ApiKeySourceOther",
       [](sections& s) {
         s.rest_apis =
             R"([{"id": "api1", "apiKeySource": "COOKIE", "stages": [{"stageName": "v1"}]}])";
       },
       "restApis[0].apiKeySource", "HEADER"},
      {"StageNameInvalid",
       [](sections& s) { s.rest_apis = R"([{"id": "api1", "stages": [{"stageName": "v 1"}]}])"; },
       "restApis[0].stages[0].stageName", "stage name"},
  };
}

}  // namespace ug::config
