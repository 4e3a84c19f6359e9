#include "config/document/upstream_url.hpp"

#include <gtest/gtest.h>

namespace ug::config::detail {
namespace {

TEST(UpstreamUrl, ParsesHostPortAndBasePath) {
  std::string problem;
  auto a = parse_upstream_url("http://127.0.0.1:8000", problem);
  ASSERT_TRUE(a.has_value()) << problem;
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8000);
  EXPECT_EQ(a->base_path, "");

  a = parse_upstream_url("HTTP://llm.internal/openai/v1/", problem);
  ASSERT_TRUE(a.has_value()) << problem;
  EXPECT_EQ(a->host, "llm.internal");
  EXPECT_EQ(a->port, 80);
  EXPECT_EQ(a->base_path, "/openai/v1");

  a = parse_upstream_url("http://[::1]:9000/", problem);
  ASSERT_TRUE(a.has_value()) << problem;
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 9000);
  EXPECT_EQ(a->base_path, "");

  a = parse_upstream_url("http://h:65535", problem);
  ASSERT_TRUE(a.has_value()) << problem;
  EXPECT_EQ(a->port, 65535);
}

TEST(UpstreamUrl, RejectsWhatTheGatewayCannotForwardTo) {
  struct bad_case {
    const char* url;
    const char* phrase;
  };
  const bad_case cases[] = {
      {"https://llm:443", "HTTPS upstreams are not supported yet"},
      {"ftp://llm", "http://host:port"},
      {"llm:8000", "http://host:port"},
      {"http://", "no host"},
      {"http://:80", "no host"},
      {"http://h:", "from 1 to 65535"},
      {"http://h:0", "from 1 to 65535"},
      {"http://h:65536", "from 1 to 65535"},
      {"http://h:80x", "from 1 to 65535"},
      {"http://user@h:80", "user info"},
      {"http://h:80/a?b=1", "query"},
      {"http://h:80/a#frag", "fragment"},
      {"http://[::1:80", "brackets"},
      {"http://[zz]:80", "IPv6"},
  };
  for (const bad_case& c : cases) {
    std::string problem;
    EXPECT_FALSE(parse_upstream_url(c.url, problem).has_value()) << c.url;
    EXPECT_NE(problem.find(c.phrase), std::string::npos) << c.url << " -> " << problem;
  }
}

}  // namespace
}  // namespace ug::config::detail
