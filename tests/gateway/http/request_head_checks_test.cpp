#include "gateway/http/request_head_checks.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "gateway/http/bounded_parser.hpp"

namespace ug::gateway {
namespace {

/// Parses a request head as the session does (Beast's own checks first). The
/// facts point into the parsed header, so the parse is kept with them.
struct parsed {
  std::unique_ptr<header_arena> arena = std::make_unique<header_arena>();
  std::unique_ptr<request_parser> parser;
  error_code ec;
  head_facts facts;
};

parsed check(std::string_view wire) {
  parsed out;
  out.parser = std::make_unique<request_parser>(std::piecewise_construct, std::make_tuple(),
                                                std::make_tuple(arena_allocator<char>(*out.arena)));
  out.parser->put(net::buffer(wire.data(), wire.size()), out.ec);
  if (!out.ec && !out.parser->is_header_done()) {
    out.ec = http::error::need_more;
  }
  if (!out.ec) {
    out.facts = check_request_head(out.parser->get());
  }
  return out;
}

struct head_case {
  std::string_view name;
  std::string_view wire;
  head_problem problem;
};

void PrintTo(const head_case& c, std::ostream* os) {
  *os << c.name;
}

class RequestHead : public testing::TestWithParam<head_case> {};

TEST_P(RequestHead, IsCheckedBeforeRoutingOrForwarding) {
  const parsed r = check(GetParam().wire);
  ASSERT_FALSE(r.ec) << "Beast refused it already: " << r.ec.message();
  EXPECT_EQ(r.facts.problem, GetParam().problem) << describe(r.facts.problem);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc9112, RequestHead,
    testing::Values(
        head_case{"Plain", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", head_problem::none},
        head_case{"Http10WithoutHost", "GET / HTTP/1.0\r\n\r\n", head_problem::none},
        head_case{"Chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
                  head_problem::none},
        head_case{"ChunkedAnyCase",
                  "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:  ChUnKeD \r\n\r\n",
                  head_problem::none},
        head_case{"MissingHost", "GET / HTTP/1.1\r\n\r\n", head_problem::missing_host},
        head_case{"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                  head_problem::duplicate_host},
        head_case{"ContentLengthList", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n",
                  head_problem::duplicate_content_length},
        head_case{"TwoEqualContentLengths",
                  "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
                  head_problem::duplicate_content_length},
        head_case{"ChunkedIdentityWithLength",
                  "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n"
                  "Content-Length: 5\r\n\r\n",
                  head_problem::transfer_encoding_with_length},
        head_case{"XchunkedWithLength",
                  "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n"
                  "Content-Length: 5\r\n\r\n",
                  head_problem::transfer_encoding_with_length},
        head_case{"Identity", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n",
                  head_problem::unsupported_transfer_coding},
        head_case{"ChunkedThenGzip",
                  "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked , gzip\r\n\r\n",
                  head_problem::unsupported_transfer_coding},
        head_case{"GzipThenChunked",
                  "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                  head_problem::unsupported_transfer_coding},
        head_case{"TwoTransferEncodings",
                  "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n",
                  head_problem::duplicate_transfer_encoding},
        head_case{"Http10Chunked", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
                  head_problem::transfer_encoding_http10},
        head_case{"TwoApiKeys",
                  "GET / HTTP/1.1\r\nHost: h\r\nx-api-key: aaaaaaaaaaaaaaaaaaaa\r\n"
                  "X-API-Key: bbbbbbbbbbbbbbbbbbbb\r\n\r\n",
                  head_problem::duplicate_api_key},
        head_case{"UnderscoreApiKey",
                  "GET / HTTP/1.1\r\nHost: h\r\nX_Api_Key: aaaaaaaaaaaaaaaaaaaa\r\n\r\n",
                  head_problem::underscore_alias},
        head_case{"UnderscoreContentLength",
                  "POST / HTTP/1.1\r\nHost: h\r\ncontent_length: 5\r\n\r\n",
                  head_problem::underscore_alias},
        head_case{"UnderscoreTransferEncoding",
                  "POST / HTTP/1.1\r\nHost: h\r\nTransfer_Encoding: chunked\r\n\r\n",
                  head_problem::underscore_alias},
        head_case{"UnderscoreHost", "GET / HTTP/1.1\r\nHost: h\r\nHOST_: h\r\nho_st: x\r\n\r\n",
                  head_problem::none},
        head_case{"OtherUnderscoreFieldsPass", "GET / HTTP/1.1\r\nHost: h\r\nx_trace: 1\r\n\r\n",
                  head_problem::none},
        head_case{"Connect", "CONNECT /v1/x HTTP/1.1\r\nHost: h\r\n\r\n",
                  head_problem::connect_method}),
    [](const testing::TestParamInfo<head_case>& p) { return std::string(p.param.name); });

TEST(RequestHead, BeastAlreadyRefusesTheClassicSmuggles) {
  EXPECT_TRUE(check("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n")
                  .ec);
  EXPECT_TRUE(
      check("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").ec);
  EXPECT_TRUE(check("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n").ec);
  // Any Transfer-Encoding after a Content-Length; the other order is ours to refuse.
  EXPECT_TRUE(check("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                    "Transfer-Encoding: chunked, identity\r\n\r\n")
                  .ec);
}

TEST(RequestHead, KeepAliveReadsEveryConnectionField) {
  EXPECT_TRUE(check("GET / HTTP/1.1\r\nHost: h\r\n\r\n").facts.keep_alive);
  EXPECT_FALSE(check("GET / HTTP/1.1\r\nHost: h\r\nConnection: x-foo\r\nConnection: close\r\n\r\n")
                   .facts.keep_alive);
  EXPECT_FALSE(
      check("GET / HTTP/1.1\r\nHost: h\r\nConnection: x-foo, CLOSE\r\n\r\n").facts.keep_alive);
  EXPECT_FALSE(check("GET / HTTP/1.0\r\n\r\n").facts.keep_alive);
  EXPECT_TRUE(
      check("GET / HTTP/1.0\r\nConnection: te\r\nConnection: keep-alive\r\n\r\n").facts.keep_alive);
}

TEST(RequestHead, AnyExpectFieldAsksForContinueButNotFromHttp10) {
  EXPECT_TRUE(check("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nExpect: foo\r\n"
                    "Content-Length: 1\r\n\r\n")
                  .facts.expect_continue);
  EXPECT_FALSE(check("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
                   .facts.expect_continue);
}

TEST(RequestHead, ReadsTheKeyAndIdsOnTheWay) {
  const parsed r = check(
      "POST / HTTP/1.1\r\nHost: h\r\nX-Api-Key: k1234567890123456789\r\n"
      "x-amzn-requestid: rid\r\nx-amzn-trace-id: Root=1-a-b\r\nExpect: 100-continue\r\n"
      "Content-Length: 0\r\n\r\n");
  ASSERT_FALSE(r.ec);
  EXPECT_TRUE(r.facts.has_api_key);
  EXPECT_EQ(r.facts.api_key, "k1234567890123456789");
  EXPECT_EQ(r.facts.request_id, "rid");
  EXPECT_EQ(r.facts.trace_id, "Root=1-a-b");
  EXPECT_TRUE(r.facts.expect_continue);
}

TEST(BoundedParser, AFieldBeyondBeastsOffsetsIsAHeaderLimitNotAnException) {
  header_arena arena;
  request_parser p(std::piecewise_construct, std::make_tuple(),
                   std::make_tuple(arena_allocator<char>(arena)));
  p.header_limit(256 * 1024);
  const std::string wire =
      "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(70'000, 'a') + "\r\n\r\n";
  error_code ec;
  EXPECT_NO_THROW(p.put(net::buffer(wire), ec));
  EXPECT_EQ(ec, http::error::header_limit);
}

TEST(BoundedParser, AFieldJustInsideTheOffsetsIsKept) {
  header_arena arena;
  request_parser p(std::piecewise_construct, std::make_tuple(),
                   std::make_tuple(arena_allocator<char>(arena)));
  p.header_limit(256 * 1024);
  const std::string big(request_parser::max_field_part_bytes, 'a');
  const std::string wire = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + big + "\r\n\r\n";
  error_code ec;
  p.put(net::buffer(wire), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(p.get()["X-Big"].size(), big.size());
}

}  // namespace
}  // namespace ug::gateway
