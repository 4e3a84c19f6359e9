// restApis[].gatewayResponses: what the loader accepts (the AWS CLI's
// get-gateway-responses output as is), every rule that rejects an entry (one
// table row each: JSON path and a phrase of the message), and the table the
// snapshot compiles from it (template parts, header mappings, fallbacks).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "config/responses/gateway_response_compiler.hpp"
#include "config/responses/gateway_responses.hpp"
#include "tests/config/loader_sections.hpp"

namespace ug::config {
namespace {

using loader_fixture::all_errors;
using loader_fixture::sections;
using ::testing::HasSubstr;

/// The fixture's API with `responses` as its gatewayResponses and a
/// /pets/{petId} resource (for method.request.path mappings).
std::string api_with_responses(const std::string& responses) {
  return R"([{"id": "api1", "name": "one",
      "resources": [{"id": "r0", "path": "/"},
                    {"id": "r1", "path": "/endpoint",
                     "resourceMethods": {"GET": {"httpMethod": "GET", "apiKeyRequired": true}}},
                    {"id": "r2", "path": "/pets/{petId}",
                     "resourceMethods": {"GET": {"httpMethod": "GET"}}}],
      "stages": [{"stageName": "v1"}],
      "gatewayResponses": )" +
         responses + "}]";
}

load_result load_with(const std::string& responses) {
  sections s;
  s.rest_apis = api_with_responses(responses);
  return load_string(s.json());
}

/// One entry: {"responseType": type, <members>}.
std::string entry(const std::string& type, const std::string& members = "") {
  return R"({"responseType": ")" + type + "\"" + (members.empty() ? "" : ", " + members) + "}";
}

// What `aws apigateway get-gateway-responses` prints for an API whose
// DEFAULT_4XX was given a CORS header: DEFAULT_4XX customised, the other
// types AWS's defaults (THROTTLED showing what it inherits).
constexpr const char* cli_output = R"({"items": [
  {"responseType": "DEFAULT_4XX", "responseParameters":
     {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
   "responseTemplates": {"application/json": "{\"message\":$context.error.messageString}"},
   "defaultResponse": false},
  {"responseType": "THROTTLED", "statusCode": "429", "responseParameters":
     {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
   "responseTemplates": {"application/json": "{\"message\":$context.error.messageString}"},
   "defaultResponse": true},
  {"responseType": "INTEGRATION_TIMEOUT", "statusCode": "504", "responseParameters": {},
   "responseTemplates": {"application/json": "{\"message\":$context.error.messageString}"},
   "defaultResponse": true},
  {"responseType": "DEFAULT_5XX", "responseParameters": {},
   "responseTemplates": {"application/json": "{\"message\":$context.error.messageString}"},
   "defaultResponse": true}
]})";

TEST(GatewayResponsesConfig, CliOutputDropsIn) {
  const load_result r = load_with(cli_output);
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  const rest_api& api = r.doc->rest_apis.at(0);
  ASSERT_EQ(api.gateway_responses.size(), 4u);
  EXPECT_EQ(api.gateway_responses[0].type, gateway_response_type::default_4xx);
  EXPECT_FALSE(api.gateway_responses[0].default_response);
  EXPECT_EQ(api.gateway_responses[1].status_code, 429u);
  EXPECT_TRUE(api.gateway_responses[1].default_response);
  ASSERT_EQ(api.gateway_responses[0].response_headers.size(), 1u);
  EXPECT_EQ(api.gateway_responses[0].response_headers[0].first, "Access-Control-Allow-Origin");
  EXPECT_EQ(api.gateway_responses[0].response_headers[0].second, "'*'");
  EXPECT_EQ(api.gateway_responses[0].json_template, R"({"message":$context.error.messageString})");
}

TEST(GatewayResponsesConfig, PlainArrayAndNumericStatusAreAccepted) {
  const load_result r = load_with("[" + entry("THROTTLED", R"("statusCode": 503)") + "]");
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
  EXPECT_EQ(r.doc->rest_apis[0].gateway_responses.at(0).status_code, 503u);
}

struct error_case {
  std::string name;
  std::string responses;  ///< the gatewayResponses value
  std::string path;       ///< expected json_path of (one of) the errors
  std::string phrase;     ///< expected in that error's message
};

void PrintTo(const error_case& c, std::ostream* os) {
  *os << c.name;
}

std::string with_header(const std::string& name, const std::string& expression) {
  return "[" +
         entry("THROTTLED", R"("responseParameters": {"gatewayresponse.header.)" + name +
                                R"(": ")" + expression + R"("})") +
         "]";
}

std::string with_template(const std::string& content_type, const std::string& text) {
  return "[" +
         entry("THROTTLED",
               R"("responseTemplates": {")" + content_type + R"(": ")" + text + R"("})") +
         "]";
}

constexpr const char* at = "restApis[0].gatewayResponses[0]";
constexpr const char* header_at =
    R"(restApis[0].gatewayResponses[0].responseParameters["gatewayresponse.header.X-Extra"])";
constexpr const char* template_at =
    R"(restApis[0].gatewayResponses[0].responseTemplates["application/json"])";

const std::vector<error_case>& error_cases() {
  static const std::vector<error_case> cases = {
      {"NotAList", R"("THROTTLED")", "restApis[0].gatewayResponses", "cannot read"},
      {"UnknownType", "[" + entry("THROTTLE") + "]", std::string(at) + ".responseType",
       "did you mean 'THROTTLED'"},
      {"LowerCaseType", "[" + entry("throttled") + "]", std::string(at) + ".responseType",
       "not an API Gateway gateway response type"},
      {"MissingType", R"([{"statusCode": "429"}])", at, "missing required field 'responseType'"},
      {"UnknownMember", "[" + entry("THROTTLED", R"("statusCod": "429")") + "]",
       std::string(at) + ".statusCod", "did you mean 'statusCode'"},
      {"StatusNotANumber", "[" + entry("THROTTLED", R"("statusCode": "4x9")") + "]",
       std::string(at) + ".statusCode", "not an HTTP status code"},
      {"StatusTooLarge", "[" + entry("THROTTLED", R"("statusCode": "600")") + "]",
       std::string(at) + ".statusCode", "from 100 to 599"},
      {"StatusTooSmall", "[" + entry("THROTTLED", R"("statusCode": 99)") + "]",
       std::string(at) + ".statusCode", "from 100 to 599"},
      {"StatusInterim", "[" + entry("THROTTLED", R"("statusCode": "102")") + "]",
       std::string(at) + ".statusCode", "interim response"},
      {"StatusWithoutBody", "[" + entry("THROTTLED", R"("statusCode": "204")") + "]",
       std::string(at) + ".statusCode", "has no body"},
      {"StatusWrongType", "[" + entry("THROTTLED", R"("statusCode": true)") + "]",
       std::string(at) + ".statusCode", "status code string"},
      {"DefaultResponseNotBool", "[" + entry("THROTTLED", R"("defaultResponse": "no")") + "]",
       std::string(at) + ".defaultResponse", "true or false"},
      {"ParameterNotAHeader",
       "[" + entry("THROTTLED", R"("responseParameters": {"gatewayresponse.path.x": "'1'"})") + "]",
       std::string(at) + R"(.responseParameters["gatewayresponse.path.x"])", "only set headers"},
      {"ParameterWithoutPrefix",
       "[" + entry("THROTTLED", R"("responseParameters": {"X-Extra": "'1'"})") + "]",
       std::string(at) + R"(.responseParameters["X-Extra"])", "gatewayresponse.header.<name>"},
      {"HeaderNameNotAToken", with_header("X Extra", "'1'"),
       std::string(at) + R"(.responseParameters["gatewayresponse.header.X Extra"])",
       "not an HTTP header name"},
      {"HeaderReserved", with_header("content-length", "'1'"),
       std::string(at) + R"(.responseParameters["gatewayresponse.header.content-length"])",
       "writes Content-Length itself"},
      {"HeaderErrorTypeReserved", with_header("X-Amzn-ErrorType", "'1'"),
       std::string(at) + R"(.responseParameters["gatewayresponse.header.X-Amzn-ErrorType"])",
       "cannot be configured"},
      {"HeaderTwiceInOtherCase",
       "[" + entry("THROTTLED", R"("responseParameters": {"gatewayresponse.header.X-A": "'1'",
                                   "gatewayresponse.header.x-a": "'2'"})") +
           "]",
       std::string(at) + R"(.responseParameters["gatewayresponse.header.x-a"])",
       "already set by 'gatewayresponse.header.X-A'"},
      {"LiteralWithControlCharacter", with_header("X-Extra", R"('a\r\nb')"), header_at,
       "control characters"},
      {"UnquotedLiteral", with_header("X-Extra", "abc"), header_at, "not a mapping expression"},
      {"StageVariableMapping", with_header("X-Extra", "stageVariables.v"), header_at,
       "cannot be evaluated"},
      {"BodyMapping", with_header("X-Extra", "method.request.body"), header_at,
       "cannot be evaluated"},
      {"MultiValueHeaderMapping", with_header("X-Extra", "method.request.multivalueheader.A"),
       header_at, "cannot be evaluated"},
      {"EmptyRequestHeaderName", with_header("X-Extra", "method.request.header."), header_at,
       "not a request header name"},
      {"BadQueryParameterName", with_header("X-Extra", "method.request.querystring.a b"), header_at,
       "not a request parameter name"},
      {"UnknownContextVariableInHeader", with_header("X-Extra", "context.authorizer.claims"),
       header_at, "not a context variable usagegate can fill"},
      {"PathParameterNoResourceHas", with_header("X-Extra", "method.request.path.ownerId"),
       header_at, "has the path parameter {ownerId}"},
      {"ParameterValueNotAString",
       "[" + entry("THROTTLED", R"("responseParameters": {"gatewayresponse.header.X": 1})") + "]",
       std::string(at) + R"(.responseParameters["gatewayresponse.header.X"])", "a string"},
      {"TemplateForXml", with_template("application/xml", "<e/>"),
       std::string(at) + R"(.responseTemplates["application/xml"])", "would never be used"},
      {"TemplateUnknownContextVariable", with_template("application/json", "$context.foo"),
       template_at, "'$context.foo' is not a context variable"},
      {"TemplateBareContext", with_template("application/json", "${context}"), template_at,
       "not a context variable"},
      {"TemplateStageVariable", with_template("application/json", "$stageVariables.x"), template_at,
       "cannot be evaluated"},
      {"TemplateInput", with_template("application/json", R"($input.json('$'))"), template_at,
       "cannot be evaluated"},
      {"TemplateUtil", with_template("application/json", "${util.escapeJavaScript}"), template_at,
       "cannot be evaluated"},
      {"TemplateNotAString",
       "[" + entry("THROTTLED", R"("responseTemplates": {"application/json": {}})") + "]",
       template_at, "a string"},
      {"TypeTwice", "[" + entry("THROTTLED") + ", " + entry("THROTTLED") + "]",
       "restApis[0].gatewayResponses[1].responseType", "given twice for REST API 'api1'"},
      // Entries AWS marks as its own defaults are checked all the same.
      {"DefaultEntryChecked",
       "[" + entry("THROTTLED", R"("statusCode": "700",
                                                         "defaultResponse": true)") +
           "]",
       std::string(at) + ".statusCode", "from 100 to 599"},
      {"InItemsWrapper", R"({"items": [{"responseType": "NOPE"}]})",
       "restApis[0].gatewayResponses.items[0].responseType", "not an API Gateway gateway"},
  };
  return cases;
}

class GatewayResponsesError : public ::testing::TestWithParam<error_case> {};

TEST_P(GatewayResponsesError, ReportsPathAndPhrase) {
  const error_case& c = GetParam();
  const load_result r = load_with(c.responses);
  EXPECT_FALSE(r.doc.has_value());
  bool found = false;
  for (const config_error& e : r.errors)
    if (e.json_path == c.path && e.message.find(c.phrase) != std::string::npos)
      found = true;
  EXPECT_TRUE(found) << "expected at " << c.path << ": " << c.phrase << "\ngot:\n" << all_errors(r);
}

INSTANTIATE_TEST_SUITE_P(Rules, GatewayResponsesError, ::testing::ValuesIn(error_cases()),
                         [](const ::testing::TestParamInfo<error_case>& param) {
                           return param.param.name;
                         });

TEST(GatewayResponsesConfig, EveryMappingAndVariableUsagegateFillsIsAccepted) {
  const std::string responses = "[" + entry("THROTTLED", R"("statusCode": "503",
      "responseParameters": {
        "gatewayresponse.header.A": "'literal'",
        "gatewayresponse.header.B": "method.request.header.Origin",
        "gatewayresponse.header.C": "method.request.querystring.q",
        "gatewayresponse.header.D": "method.request.path.petId",
        "gatewayresponse.header.E": "context.requestId",
        "gatewayresponse.header.Content-Type": "'application/problem+json'"},
      "responseTemplates": {"application/json":
        "{\"a\":\"$context.apiId\",\"b\":\"${context.stage}\",\"c\":$context.error.messageString,\"d\":\"$context.error.message $context.error.responseType $context.requestId $context.extendedRequestId $context.resourcePath $context.httpMethod $context.identity.sourceIp\",\"cost\":\"$5\"}"})") +
                                "]";
  const load_result r = load_with(responses);
  ASSERT_TRUE(r.doc.has_value()) << all_errors(r);
}

// ---- the compiled table ----

std::vector<response_part> compiled(std::string_view text) {
  std::string problem;
  auto parts = detail::compile_response_template(text, "api1", problem);
  EXPECT_TRUE(parts.has_value()) << problem;
  return parts.value_or(std::vector<response_part>{});
}

TEST(GatewayResponsesCompile, TemplateSplitsIntoLiteralsAndVariables) {
  const auto parts = compiled(
      R"({"m":$context.error.messageString,"api":"$context.apiId","s":"${context.stage}."})");
  ASSERT_EQ(parts.size(), 5u);
  EXPECT_EQ(parts[0].source, response_value::literal);
  EXPECT_EQ(parts[0].text, R"({"m":)");
  EXPECT_EQ(parts[1].source, response_value::error_message_string);
  // apiId is known when compiling: merged into the literal around it.
  EXPECT_EQ(parts[2].source, response_value::literal);
  EXPECT_EQ(parts[2].text, R"(,"api":"api1","s":")");
  EXPECT_EQ(parts[3].source, response_value::stage);
  EXPECT_EQ(parts[4].text, R"(."})");
}

TEST(GatewayResponsesCompile, EveryContextVariableHasItsPart) {
  const std::pair<const char*, response_value> rows[] = {
      {"$context.requestId", response_value::request_id},
      {"$context.extendedRequestId", response_value::extended_request_id},
      {"$context.stage", response_value::stage},
      {"$context.resourcePath", response_value::resource_path},
      {"$context.httpMethod", response_value::http_method},
      {"$context.identity.sourceIp", response_value::source_ip},
      {"$context.error.message", response_value::error_message},
      {"$context.error.messageString", response_value::error_message_string},
      {"$context.error.responseType", response_value::error_response_type},
  };
  for (const auto& [text, source] : rows) {
    SCOPED_TRACE(text);
    const auto parts = compiled(text);
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].source, source);
  }
}

TEST(GatewayResponsesCompile, DollarsThatStartNoReferenceStayText) {
  for (const char* text : {"$5", "a $ b", "$", "${", "${context.stage", "$$", "$.x", "$foo.bar"}) {
    SCOPED_TRACE(text);
    const auto parts = compiled(text);
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].source, response_value::literal);
    EXPECT_EQ(parts[0].text, text);
  }
  EXPECT_TRUE(compiled("").empty());
}

TEST(GatewayResponsesCompile, HeaderMappings) {
  std::string problem;
  const auto literal = detail::compile_header_mapping("'*'", "api1", problem);
  ASSERT_TRUE(literal);
  EXPECT_EQ(literal->source, response_value::literal);
  EXPECT_EQ(literal->text, "*");
  const auto empty = detail::compile_header_mapping("''", "api1", problem);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->text, "");
  const auto header = detail::compile_header_mapping("method.request.header.Origin", "", problem);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->source, response_value::request_header);
  EXPECT_EQ(header->text, "Origin");
  const auto api = detail::compile_header_mapping("context.apiId", "api1", problem);
  ASSERT_TRUE(api);
  EXPECT_EQ(api->source, response_value::literal);
  EXPECT_EQ(api->text, "api1");
  EXPECT_EQ(detail::compile_header_mapping("method.request.path.petId", "", problem)->source,
            response_value::path_parameter);
  EXPECT_EQ(detail::compile_header_mapping("method.request.querystring.q", "", problem)->source,
            response_value::query_parameter);
  EXPECT_FALSE(detail::compile_header_mapping("'", "", problem));
}

document load_ok(const std::string& responses) {
  const load_result r = load_with(responses);
  EXPECT_TRUE(r.doc.has_value()) << all_errors(r);
  return r.doc.value_or(document{});
}

TEST(GatewayResponsesCompile, NothingCustomisedCompilesToNoTable) {
  EXPECT_EQ(gateway_response_table::compile(load_ok("[]").rest_apis.at(0)), nullptr);
  // The CLI output of an API nobody customised: every entry AWS's default.
  const std::string defaults = R"({"items": [
    {"responseType": "THROTTLED", "statusCode": "429", "responseParameters": {},
     "responseTemplates": {"application/json": "{\"message\":$context.error.messageString}"},
     "defaultResponse": true},
    {"responseType": "DEFAULT_4XX", "responseParameters": {},
     "responseTemplates": {"application/json": "{\"message\":$context.error.messageString}"},
     "defaultResponse": true}]})";
  EXPECT_EQ(gateway_response_table::compile(load_ok(defaults).rest_apis.at(0)), nullptr);
}

TEST(GatewayResponsesCompile, Default4xxCoversEvery4xxTypeNotCustomisedItself) {
  const auto table = gateway_response_table::compile(
      load_ok("[" + entry("DEFAULT_4XX", R"("statusCode": "400")") + ", " +
              entry("QUOTA_EXCEEDED", R"("responseTemplates": {"application/json": "q"})") + "]")
          .rest_apis.at(0));
  ASSERT_NE(table, nullptr);
  const custom_gateway_response* d4 = table->find(gateway_response_type::default_4xx);
  ASSERT_NE(d4, nullptr);
  EXPECT_EQ(d4->status, 400u);
  for (auto t : {gateway_response_type::throttled, gateway_response_type::invalid_api_key,
                 gateway_response_type::missing_authentication_token,
                 gateway_response_type::request_too_large}) {
    EXPECT_EQ(table->find(t), d4) << aws_name(t);
  }
  const custom_gateway_response* quota = table->find(gateway_response_type::quota_exceeded);
  ASSERT_NE(quota, nullptr);
  EXPECT_NE(quota, d4);
  EXPECT_EQ(quota->status, 0u);  // its own default, 429: DEFAULT_4XX's status is not inherited
  EXPECT_TRUE(quota->has_body);
  // 5xx types have no DEFAULT_5XX: built-in.
  EXPECT_EQ(table->find(gateway_response_type::integration_failure), nullptr);
  EXPECT_EQ(table->find(gateway_response_type::default_5xx), nullptr);
}

TEST(GatewayResponsesCompile, Default5xxCoversIntegrationErrors) {
  const auto table =
      gateway_response_table::compile(load_ok("[" + entry("DEFAULT_5XX", R"("statusCode": "502",
          "responseParameters": {"gatewayresponse.header.content-type": "'text/plain'"})") +
                                              "]")
                                          .rest_apis.at(0));
  ASSERT_NE(table, nullptr);
  const custom_gateway_response* d5 = table->find(gateway_response_type::default_5xx);
  ASSERT_NE(d5, nullptr);
  EXPECT_EQ(table->find(gateway_response_type::integration_failure), d5);
  EXPECT_EQ(table->find(gateway_response_type::integration_timeout), d5);
  EXPECT_EQ(table->find(gateway_response_type::api_configuration_error), d5);
  EXPECT_EQ(table->find(gateway_response_type::throttled), nullptr);
  EXPECT_TRUE(d5->replaces_content_type);
  ASSERT_EQ(d5->headers.size(), 1u);
  EXPECT_TRUE(d5->headers[0].is_content_type);
  EXPECT_FALSE(d5->has_body);  // no template: the built-in body
}

TEST(GatewayResponsesCompile, TypeNamesRoundTrip) {
  ASSERT_EQ(gateway_response_type_names().size(), gateway_response_type_count);
  for (std::size_t i = 0; i < gateway_response_type_count; ++i) {
    const auto t = static_cast<gateway_response_type>(i);
    EXPECT_EQ(gateway_response_type_named(aws_name(t)), t);
  }
  EXPECT_EQ(default_status(gateway_response_type::throttled), 429u);
  EXPECT_EQ(default_status(gateway_response_type::request_too_large), 413u);
  EXPECT_EQ(default_status(gateway_response_type::integration_failure), 504u);
  EXPECT_EQ(default_status(gateway_response_type::default_4xx), 0u);
}

}  // namespace
}  // namespace ug::config
