// Rendering of customised gateway responses: status and reason, every context
// variable, the JSON string of messageString, header values copied from the
// request (absent or unsafe ones left out), Content-Type replaced, and the
// built-in head and body kept where nothing was customised.
#include "gateway/http/gateway_response_writer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "config/responses/gateway_response_compiler.hpp"
#include "tests/support/gateway_response_sample.hpp"

namespace ug::gateway {
namespace {

using config::custom_gateway_response;
using config::response_header;
using config::response_part;
using config::response_value;
using test::base_context;
using test::builtin_response;

gateway_response_request base_request() {
  gateway_response_request req;
  req.stage = "v1";
  req.resource_path = "/pets/{petId}";
  req.path = "/pets/7";
  req.query = "q=1";
  req.http_method = "GET";
  req.source_ip = "127.0.0.1";
  return req;
}

std::string render(gateway_response r, const custom_gateway_response& c,
                   const gateway_response_context& ctx = base_context(),
                   const gateway_response_request& req = base_request(),
                   const http::request_header<>* fields = nullptr) {
  std::vector<char> buf(8192);
  const std::size_t n =
      write_custom_gateway_response(r, c, ctx, req, fields, buf.data(), buf.size());
  EXPECT_LE(n, buf.size());
  return std::string(buf.data(), std::min(n, buf.size()));
}

std::string body_of(const std::string& response) {
  return response.substr(response.find("\r\n\r\n") + 4);
}

/// The value of header `name` in a rendered response ("" if absent).
std::string header_of(const std::string& response, const std::string& name) {
  const std::string needle = "\r\n" + name + ": ";
  const std::size_t at = response.find(needle);
  if (at == std::string::npos || at > response.find("\r\n\r\n")) {
    return {};
  }
  const std::size_t from = at + needle.size();
  return response.substr(from, response.find("\r\n", from) - from);
}

bool has_header(const std::string& response, const std::string& name) {
  const std::size_t at = response.find("\r\n" + name + ": ");
  return at != std::string::npos && at < response.find("\r\n\r\n");
}

custom_gateway_response with_template(std::string_view text) {
  std::string problem;
  custom_gateway_response c;
  c.has_body = true;
  c.body = config::detail::compile_response_template(text, "api1", problem).value();
  return c;
}

response_header header(std::string name, response_value source, std::string text = {}) {
  return response_header{std::move(name), response_part{source, std::move(text)}, false};
}

TEST(GatewayResponseWriter, NothingCustomisedIsTheBuiltInResponse) {
  for (auto r : {gateway_response::throttled, gateway_response::quota_exceeded,
                 gateway_response::forbidden, gateway_response::missing_authentication_token,
                 gateway_response::integration_failure, gateway_response::integration_timeout,
                 gateway_response::request_too_large, gateway_response::bad_request}) {
    EXPECT_EQ(render(r, custom_gateway_response{}), builtin_response(r));
  }
  gateway_response_context ctx = base_context();
  ctx.keep_alive = false;
  ctx.retry_after_s = 7;
  ctx.trace_id = "Root=1-65e70a40-000000000000000000000001";
  EXPECT_EQ(render(gateway_response::throttled, custom_gateway_response{}, ctx),
            builtin_response(gateway_response::throttled, ctx));
}

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

TEST(GatewayResponseWriter, StatusAndReason) {
  custom_gateway_response c;
  c.status = 503;
  EXPECT_EQ(status_line(render(gateway_response::throttled, c)),
            "HTTP/1.1 503 Service Unavailable");
  c.status = 456;  // unregistered: empty reason phrase
  EXPECT_EQ(status_line(render(gateway_response::throttled, c)), "HTTP/1.1 456 ");
  c.status = 413;
  EXPECT_EQ(status_line(render(gateway_response::request_too_large, c)),
            "HTTP/1.1 413 Payload Too Large");
  c.status = 0;  // not customised: the built-in status
  EXPECT_EQ(status_line(render(gateway_response::quota_exceeded, c)),
            "HTTP/1.1 429 Too Many Requests");
}

TEST(GatewayResponseWriter, ErrorTypeAndAwsHeadersStayWithCustomHeaders) {
  custom_gateway_response c;
  c.status = 400;
  c.headers.push_back(header("Access-Control-Allow-Origin", response_value::literal, "*"));
  const std::string r = render(gateway_response::throttled, c);
  EXPECT_EQ(header_of(r, "x-amzn-ErrorType"), "TooManyRequestsException");
  EXPECT_EQ(header_of(r, "x-amzn-RequestId"), "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(header_of(r, "x-amz-apigw-id"), "LLCm7FonFiAFXFg=");
  EXPECT_EQ(header_of(r, "Content-Type"), "application/json");
  EXPECT_EQ(header_of(r, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(body_of(r), R"({"message":"Too Many Requests"})");
  EXPECT_EQ(header_of(r, "Content-Length"), "31");
}

TEST(GatewayResponseWriter, EveryContextVariableInTheBody) {
  const custom_gateway_response c = with_template(
      "$context.requestId|$context.extendedRequestId|$context.apiId|$context.stage|"
      "$context.resourcePath|$context.httpMethod|$context.identity.sourceIp|"
      "$context.error.message|$context.error.messageString|$context.error.responseType");
  const std::string r = render(gateway_response::quota_exceeded, c);
  const std::string expected =
      "11111111-2222-4333-8444-555555555555|LLCm7FonFiAFXFg=|api1|v1|/pets/{petId}|GET|"
      "127.0.0.1|Limit Exceeded|\"Limit Exceeded\"|QUOTA_EXCEEDED";
  EXPECT_EQ(body_of(r), expected);
  EXPECT_EQ(header_of(r, "Content-Length"), std::to_string(expected.size()));
}

TEST(GatewayResponseWriter, ResponseTypeIsTheSituationsOwn) {
  const custom_gateway_response c = with_template("$context.error.responseType");
  EXPECT_EQ(body_of(render(gateway_response::forbidden, c)), "INVALID_API_KEY");
  EXPECT_EQ(body_of(render(gateway_response::missing_authentication_token, c)),
            "MISSING_AUTHENTICATION_TOKEN");
  EXPECT_EQ(body_of(render(gateway_response::integration_timeout, c)), "INTEGRATION_TIMEOUT");
  EXPECT_EQ(body_of(render(gateway_response::bad_request, c)), "DEFAULT_4XX");
  EXPECT_EQ(body_of(render(gateway_response::not_implemented, c)), "DEFAULT_5XX");
}

TEST(GatewayResponseWriter, DefaultTemplateRendersAwsCompactBody) {
  const custom_gateway_response c = with_template(R"({"message":$context.error.messageString})");
  EXPECT_EQ(body_of(render(gateway_response::throttled, c)), R"({"message":"Too Many Requests"})");
  // AWS's default template on an integration error: the compact form.
  EXPECT_EQ(body_of(render(gateway_response::integration_timeout, c)),
            R"({"message":"Endpoint request timed out"})");
}

TEST(GatewayResponseWriter, MessageStringIsAnEscapedJsonString) {
  std::array<char, 64> buf{};
  byte_writer w(buf.data(), buf.size());
  append_json_string("a\"b\\c\nd\x01/\xc3\xa9", w);
  EXPECT_EQ(w.view(), "\"a\\\"b\\\\c\\nd\\u0001/\xc3\xa9\"");
  byte_counter count;
  append_json_string("a\"b\\c\nd\x01/\xc3\xa9", count);
  EXPECT_EQ(count.size(), w.size());
}

TEST(GatewayResponseWriter, HeaderValuesFromTheRequest) {
  http::request_header<> fields;
  fields.insert("Origin", "https://a.example");
  fields.insert("X-Twice", "first");
  fields.insert("x-twice", "last");
  custom_gateway_response c;
  c.headers = {header("A-Origin", response_value::request_header, "origin"),
               header("A-Twice", response_value::request_header, "X-Twice"),
               header("A-Missing", response_value::request_header, "X-None"),
               header("A-Query", response_value::query_parameter, "q"),
               header("A-Query-Flag", response_value::query_parameter, "flag"),
               header("A-Query-Missing", response_value::query_parameter, "none"),
               header("A-Pet", response_value::path_parameter, "petId"),
               header("A-Request", response_value::request_id),
               header("A-Message", response_value::error_message_string),
               header("A-Ip", response_value::source_ip)};
  gateway_response_request req = base_request();
  req.query = "q=a%20b&flag&q=c%2Fd%41";
  req.path = "/pets/caf%C3%A9";
  const std::string r = render(gateway_response::forbidden, c, base_context(), req, &fields);
  EXPECT_EQ(header_of(r, "A-Origin"), "https://a.example");
  EXPECT_EQ(header_of(r, "A-Twice"), "last");
  EXPECT_FALSE(has_header(r, "A-Missing"));
  EXPECT_EQ(header_of(r, "A-Query"), "c/dA");
  EXPECT_TRUE(has_header(r, "A-Query-Flag"));
  EXPECT_EQ(header_of(r, "A-Query-Flag"), "");
  EXPECT_FALSE(has_header(r, "A-Query-Missing"));
  EXPECT_EQ(header_of(r, "A-Pet"), "caf\xc3\xa9");
  EXPECT_EQ(header_of(r, "A-Request"), "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(header_of(r, "A-Message"), "\"Forbidden\"");
  EXPECT_EQ(header_of(r, "A-Ip"), "127.0.0.1");
  EXPECT_EQ(body_of(r), R"({"message":"Forbidden"})");
}

TEST(GatewayResponseWriter, DecodedControlCharactersLeaveTheHeaderOut) {
  custom_gateway_response c;
  c.headers = {header("A-Query", response_value::query_parameter, "q"),
               header("A-After", response_value::literal, "kept")};
  gateway_response_request req = base_request();
  req.query = "q=a%0D%0ASet-Cookie:%20x=1";
  const std::string r = render(gateway_response::throttled, c, base_context(), req);
  EXPECT_FALSE(has_header(r, "A-Query"));
  EXPECT_EQ(r.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(header_of(r, "A-After"), "kept");
  // A '%' that starts no escape is kept as it is.
  req.query = "q=100%25%2";
  EXPECT_EQ(header_of(render(gateway_response::throttled, c, base_context(), req), "A-Query"),
            "100%%2");
}

TEST(GatewayResponseWriter, PathParametersOfTheMatchedResource) {
  custom_gateway_response c;
  c.headers = {header("A-Owner", response_value::path_parameter, "owner"),
               header("A-Rest", response_value::path_parameter, "proxy"),
               header("A-Pet", response_value::path_parameter, "petId")};
  gateway_response_request req = base_request();
  req.resource_path = "/owners/{owner}/files/{proxy+}";
  req.path = "/owners/ann/files/a/b/c.txt";
  std::string r = render(gateway_response::throttled, c, base_context(), req);
  EXPECT_EQ(header_of(r, "A-Owner"), "ann");
  EXPECT_EQ(header_of(r, "A-Rest"), "a/b/c.txt");
  EXPECT_FALSE(has_header(r, "A-Pet"));  // not a parameter of this resource
  req.resource_path = "";                // no resource matched (403 Missing Authentication Token)
  r = render(gateway_response::missing_authentication_token, c, base_context(), req);
  EXPECT_FALSE(has_header(r, "A-Owner"));
  EXPECT_FALSE(has_header(r, "A-Rest"));
}

TEST(GatewayResponseWriter, ContentTypeReplacesTheBuiltInOne) {
  custom_gateway_response c = with_template("{}");
  c.replaces_content_type = true;
  response_header ct = header("Content-Type", response_value::literal, "application/problem+json");
  ct.is_content_type = true;
  c.headers.push_back(ct);
  std::string r = render(gateway_response::throttled, c);
  EXPECT_EQ(header_of(r, "Content-Type"), "application/problem+json");
  EXPECT_EQ(r.find("application/json"), std::string::npos);
  // Taken from the request and absent there: the built-in one.
  c.headers[0].value = response_part{response_value::request_header, "Accept"};
  r = render(gateway_response::throttled, c);
  EXPECT_EQ(header_of(r, "Content-Type"), "application/json");
}

TEST(GatewayResponseWriter, ReportsTheSizeItNeeds) {
  custom_gateway_response c = with_template(std::string(3000, 'x'));
  std::array<char, max_gateway_response_bytes> small{};
  const std::size_t needed = write_custom_gateway_response<http::fields>(
      gateway_response::throttled, c, base_context(), base_request(), nullptr, small.data(),
      small.size());
  EXPECT_GT(needed, small.size());
  std::vector<char> big(needed);
  EXPECT_EQ(
      write_custom_gateway_response<http::fields>(gateway_response::throttled, c, base_context(),
                                                  base_request(), nullptr, big.data(), big.size()),
      needed);
  const std::string r(big.data(), needed);
  EXPECT_EQ(body_of(r), std::string(3000, 'x'));
  EXPECT_EQ(header_of(r, "Content-Length"), "3000");
}

TEST(GatewayResponseWriter, EverySituationHasItsAwsType) {
  using t = config::gateway_response_type;
  EXPECT_EQ(aws_type_of(gateway_response::missing_authentication_token),
            t::missing_authentication_token);
  EXPECT_EQ(aws_type_of(gateway_response::forbidden), t::invalid_api_key);
  EXPECT_EQ(aws_type_of(gateway_response::throttled), t::throttled);
  EXPECT_EQ(aws_type_of(gateway_response::quota_exceeded), t::quota_exceeded);
  EXPECT_EQ(aws_type_of(gateway_response::request_too_large), t::request_too_large);
  EXPECT_EQ(aws_type_of(gateway_response::integration_failure), t::integration_failure);
  EXPECT_EQ(aws_type_of(gateway_response::integration_timeout), t::integration_timeout);
  EXPECT_EQ(aws_type_of(gateway_response::bad_request), t::default_4xx);
  EXPECT_EQ(aws_type_of(gateway_response::header_too_large), t::default_4xx);
  EXPECT_EQ(aws_type_of(gateway_response::not_implemented), t::default_5xx);
}

}  // namespace
}  // namespace ug::gateway
