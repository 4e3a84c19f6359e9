// Each finding of the hostile-client review, reproduced against the real
// usagegate in front of mock-llm: the bypasses of the key check through path
// spellings, the request smuggling through Transfer-Encoding, and the
// malformed heads and bodies that were forwarded, charged or dropped without
// an answer. Each case asserts the exact status, and that nothing reached the
// upstream when the gateway refused.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>

#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view api_key = "edge-request-test-key-0001";

/// /v1/{proxy+} needs a key (the builder's); /v1/public/{p+} does not; in
/// /v1/open, the literal "secret" needs a key and its sibling {name} not.
std::string config_json(std::uint16_t mock_port) {
  usagegate_config c = single_stage("edgeapi001", std::string(api_key), mock_port);
  c.gateway.max_header_bytes = 262144;
  c.gateway.max_body_bytes = 1048576;
  c.usage_plans[0].quota = quota_limits{1000, 0, "DAY"};
  std::vector<resource_spec>& resources = c.rest_apis[0].resources;
  resources.push_back({.id = "epub000001", .path = "/public"});
  resources.push_back({.id = "epub000002", .path = "/public/{p+}", .methods = {{"ANY", false}}});
  resources.push_back({.id = "eopen00001", .path = "/open"});
  resources.push_back({.id = "eopen00002", .path = "/open/{name}", .methods = {{"GET", false}}});
  resources.push_back({.id = "eopen00003", .path = "/open/secret", .methods = {{"GET", true}}});
  return to_json(c);
}

/// Value of "name":"..." in mock-llm's flat JSON; "" if absent.
std::string json_string(const std::string& json, std::string_view name) {
  const std::string key = "\"" + std::string(name) + "\":\"";
  const auto at = json.find(key);
  if (at == std::string::npos) {
    return {};
  }
  const auto start = at + key.size();
  return json.substr(start, json.find('"', start) - start);
}

/// The quota left after a request, from the RateLimit header ("quota";r=N).
long quota_left(const http_response& r) {
  const std::string v = r.header("RateLimit");
  const auto at = v.find("\"quota\";r=");
  return at == std::string::npos ? -1 : std::stol(v.substr(at + 10));
}

class EdgeRequest : public gateway_test {
 protected:
  void SetUp() override {
    start_mock();
    start_gateway(config_json(mock_port()));
  }

  /// Complete requests mock-llm has read, not counting the stats request
  /// itself (which mock-llm counts).
  long upstream_requests() const {
    const auto r = http_request(mock_port(), "GET", "/mock/stats");
    if (!r) {
      return -1;
    }
    const auto at = r->body.find("\"requests\":");
    return at == std::string::npos ? -1 : std::stol(r->body.substr(at + 11)) - ++stats_calls_;
  }

  /// Sends `raw` on a fresh connection and reads one response.
  std::optional<http_response> raw(std::string_view bytes, std::string_view method = "GET") {
    http_connection c(port());
    c.request_method_was(method);
    if (!c.send_raw(bytes)) {
      return std::nullopt;
    }
    return c.read_response();
  }

  /// Sends `raw`, expects `status` with a Connection: close, and that the
  /// upstream saw nothing.
  void expect_refused(std::string_view bytes, int status, std::string_view body) {
    const long before = upstream_requests();
    const auto r = raw(bytes, bytes.substr(0, bytes.find(' ')));
    ASSERT_TRUE(r) << bytes;
    EXPECT_EQ(r->status, status) << bytes;
    EXPECT_EQ(r->body, body) << bytes;
    EXPECT_EQ(r->header("Content-Type"), "application/json");
    EXPECT_TRUE(r->has_header("x-amzn-RequestId"));
    EXPECT_EQ(upstream_requests(), before) << "forwarded: " << bytes;
  }

  mutable long stats_calls_ = 0;
};

constexpr std::string_view forbidden = R"({"message":"Forbidden"})";
constexpr std::string_view bad_request = R"({"message":"Bad Request"})";

TEST_F(EdgeRequest, PathSpellingsOfAKeyRequiredResourceNeedTheKey) {
  for (const std::string_view path :
       {"/v1/public/../secret/x", "/v1/public/%2e%2e/secret/x", "/v1/public/.%2E/secret/x",
        "/v1/public/x/../../secret/x", "/v1/%70ublic/../secret/x", "/v1/./secret/x"}) {
    expect_refused("GET " + std::string(path) + " HTTP/1.1\r\nHost: h\r\n\r\n", 403, forbidden);
  }
}

TEST_F(EdgeRequest, EscapedSpellingsOfAKeyRequiredLiteralDoNotFallToItsKeylessSibling) {
  // Raw, "%73ecret" is no literal, so {name} (no key) took it, and the
  // upstream decoded it to "secret".
  for (const std::string_view path :
       {"/v1/open/%73ecret", "/v1/open/secre%74", "/v1/open/%73%65%63%72%65%74",
        "/v1/open/x/../secret", "/v1/open/./secret", "/v1/open//secret", "//v1/open/secret"}) {
    expect_refused("GET " + std::string(path) + " HTTP/1.1\r\nHost: h\r\n\r\n", 403, forbidden);
  }
  http_connection c(port());
  const auto open = c.request("GET", "/v1/open/anything");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 404) << "the key-less sibling still forwards (mock-llm has no route)";
}

TEST_F(EdgeRequest, PathParametersAndCaseVariantsOfALiteralAre400) {
  // Spring, Tomcat and Jetty cut ";x" from a segment; Express and ASP.NET
  // match paths without case: either would serve /open/secret.
  for (const std::string_view path :
       {"/v1/open/secret;x", "/v1/open;x/secret", "/v1/open/secret%3Bx", "/v1/open/SECRET",
        "/v1/open/Secret", "/v1/OPEN/anything"}) {
    expect_refused("GET " + std::string(path) + " HTTP/1.1\r\nHost: h\r\n\r\n", 400, bad_request);
  }
}

TEST_F(EdgeRequest, UnderscoreAliasesOfCheckedFieldsAndConnectAre400) {
  // WSGI and CGI servers read x_api_key as x-api-key.
  expect_refused("GET /v1/models HTTP/1.1\r\nHost: h\r\nx-api-key: " + std::string(api_key) +
                     "\r\nx_api_key: another-key-value-0000001\r\n\r\n",
                 400, bad_request);
  expect_refused("POST /v1/public/x HTTP/1.1\r\nHost: h\r\nContent_Length: 5\r\n\r\nhello", 400,
                 bad_request);
  expect_refused("CONNECT /v1/public/x HTTP/1.1\r\nHost: h\r\n\r\n", 400, bad_request);
}

TEST_F(EdgeRequest, PathsThatCannotBeMadeCanonicalAre400) {
  for (const std::string_view path :
       {"/v1/public/secret%2fx", "/v1/public/secret%2Fx", "/v1/public/a%5c..%5csecret",
        "/v1/public/..;/secret/x", "/v1/public/a%00", "/v1/public/%zz", "/v1/../../etc",
        "/v1/../v1/public/x", "http://h/v1/public/x"}) {
    expect_refused("GET " + std::string(path) + " HTTP/1.1\r\nHost: h\r\n\r\n", 400, bad_request);
  }
}

TEST_F(EdgeRequest, TheUpstreamGetsTheCanonicalPath) {
  http_connection c(port());
  const auto r =
      c.request("GET", "/v1/public/../%65cho?q=%2F&x=..", {{"x-api-key", std::string(api_key)}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json_string(r->body, "target"), "/echo?q=%2F&x=..");
  const auto open = c.request("GET", "/v1/public/a/./b/../%7e%41");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 404) << "mock-llm has no such route, but the request went through";
}

TEST_F(EdgeRequest, TransferEncodingNotEndingInChunkedIsRefusedAndCloses) {
  const std::string smuggled = "GET /v1/public/smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
  for (const std::string_view te : {"chunked, identity", "xchunked", "chunked , gzip"}) {
    expect_refused(
        "POST /v1/public/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: " + std::string(te) +
            "\r\nContent-Length: " + std::to_string(5 + smuggled.size()) + "\r\n\r\n0\r\n\r\n" +
            smuggled,
        400, bad_request);
  }
  const std::string not_implemented = R"({"message":"Not Implemented"})";
  for (const std::string_view te : {"identity", "chunked , gzip", "gzip, chunked", "xchunked"}) {
    expect_refused("POST /v1/public/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: " +
                       std::string(te) + "\r\n\r\n0\r\n\r\n" + smuggled,
                   501, not_implemented);
  }
}

TEST_F(EdgeRequest, AmbiguousHeadsAre400) {
  expect_refused("POST /v1/public/x HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\nhello", 400,
                 bad_request);
  expect_refused(
      "POST /v1/public/x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: "
      "5\r\n\r\nhello",
      400, bad_request);
  expect_refused("GET /v1/public/x HTTP/1.1\r\n\r\n", 400, bad_request);
  expect_refused("GET /v1/public/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, bad_request);
  expect_refused("POST /v1/public/x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
                 bad_request);
}

TEST_F(EdgeRequest, TwoApiKeysAreForbiddenWhicheverComesFirst) {
  expect_refused("GET /v1/models HTTP/1.1\r\nHost: h\r\nx-api-key: " + std::string(api_key) +
                     "\r\nx-api-key: another-key-value-0000001\r\n\r\n",
                 403, forbidden);
  expect_refused(
      "GET /v1/public/x HTTP/1.1\r\nHost: h\r\nX-API-Key: another-key-value-0000001"
      "\r\nx-api-key: " +
          std::string(api_key) + "\r\n\r\n",
      403, forbidden);
}

TEST_F(EdgeRequest, ConnectionCloseInASecondConnectionFieldCloses) {
  http_connection c(port());
  c.request_method_was("GET");
  ASSERT_TRUE(
      c.send_raw("GET /v1/public/x HTTP/1.1\r\nHost: h\r\nConnection: x-foo\r\n"
                 "Connection: close\r\n\r\n"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer(3s));
}

TEST_F(EdgeRequest, MalformedChunksAre400AndCostNothingUnlessTheUpstreamSawTheHead) {
  const std::string head =
      "POST /v1/echo HTTP/1.1\r\nHost: h\r\nx-api-key: " + std::string(api_key) +
      "\r\nTransfer-Encoding: chunked\r\n\r\n";
  const auto quota_now = [&] {
    http_connection c(port());
    const auto ok = c.request("GET", "/v1/models", {{"x-api-key", std::string(api_key)}});
    EXPECT_TRUE(ok && ok->status == 200);
    return ok ? quota_left(*ok) : -1;
  };
  const auto expect_400 = [&](const std::string& bytes) {
    const auto r = raw(bytes, "POST");
    ASSERT_TRUE(r) << bytes;
    EXPECT_EQ(r->status, 400) << bytes;
    EXPECT_EQ(r->body, bad_request) << bytes;
    EXPECT_EQ(r->header("Connection"), "close") << bytes;
  };
  const long start = quota_now();
  ASSERT_GT(start, 10);
  // Broken in the first chunk: the head never went upstream, so the
  // admission is given back.
  for (const std::string_view body : {" 5\r\nhello\r\n0\r\n\r\n", "+5\r\nhello\r\n0\r\n\r\n",
                                      "0x5\r\nhello\r\n0\r\n\r\n", "zz\r\n"}) {
    expect_400(head + std::string(body));
  }
  EXPECT_EQ(quota_now(), start - 1) << "only the probe itself counted";
  // Broken after a good chunk: the upstream had the head (and may have acted
  // on it), so the request is charged; it still gets no complete request.
  for (const std::string_view body : {"5\r\nhello, and more than five\r\n0\r\n\r\n",
                                      "5\r\nhello\r\n0\r\nContent-Length: 100\r\n\r\n"}) {
    expect_400(head + std::string(body));
  }
  EXPECT_EQ(quota_now(), start - 4);
}

TEST_F(EdgeRequest, AFieldBeyond64KiBIs431NotADroppedConnection) {
  const auto r = raw("GET /v1/public/x HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(70'000, 'a') +
                     "\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->body, R"({"message":"Request Header Fields Too Large"})");
  EXPECT_EQ(gw_->proc.output().find("unexpected exception"), std::string::npos)
      << gw_->proc.output();
}

TEST_F(EdgeRequest, AClientWritingABodyAboveTheLimitBeforeReadingGetsThe413) {
  // Python's http.client and many SDKs send the whole body, then read.
  for (int trial = 0; trial < 3; ++trial) {
    http_connection c(port(), 10s);
    c.request_method_was("POST");
    const std::string body(3 * 1024 * 1024, 'b');
    ASSERT_TRUE(
        c.send_raw("POST /v1/echo HTTP/1.1\r\nHost: h\r\nx-api-key: " + std::string(api_key) +
                   "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body))
        << "trial " << trial << ": the gateway reset the connection while the body was sent";
    const auto r = c.read_response();
    ASSERT_TRUE(r) << "trial " << trial;
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(r->body, R"({"message":"Request Too Long"})");
  }
}

}  // namespace
}  // namespace ug::test
