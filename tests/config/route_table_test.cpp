#include "config/snapshot/route_table.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ug::config {
namespace {

constexpr std::uint32_t none = route_table::no_route;

struct match_case {
  std::string path;
  std::string method;
  std::uint32_t expected;
};

TEST(RouteTable, AddReturnsStableIdsAndRejectsUnknownMethods) {
  route_table table;
  EXPECT_EQ(table.add("/endpoint", "GET"), 0u);
  EXPECT_EQ(table.add("/endpoint", "POST"), 1u);
  EXPECT_EQ(table.add("/endpoint", "GET"), 0u);
  EXPECT_EQ(table.add("/endpoint", "BREW"), none);
  EXPECT_EQ(table.size(), 2u);
}

TEST(RouteTable, MatchesLikeApiGateway) {
  route_table table;
  const std::uint32_t root_get = table.add("/", "GET");
  const std::uint32_t endpoint_get = table.add("/endpoint", "GET");
  const std::uint32_t pets_any = table.add("/pets", "ANY");
  const std::uint32_t pet_get = table.add("/pets/{id}", "GET");
  const std::uint32_t pet_toys = table.add("/pets/{id}/toys", "POST");
  const std::uint32_t pets_mine = table.add("/pets/mine", "GET");
  const std::uint32_t proxy_any = table.add("/v1/{proxy+}", "ANY");
  const std::uint32_t chat_post = table.add("/v1/chat/completions", "POST");

  const std::vector<match_case> cases = {
      {"/", "GET", root_get},
      {"", "GET", root_get},
      {"/", "POST", none},
      {"/endpoint", "GET", endpoint_get},
      {"/endpoint/", "GET", endpoint_get},
      {"/endpoint", "POST", none},
      {"/endpoint/x", "GET", none},
      {"/Endpoint", "GET", none},
      {"/pets", "DELETE", pets_any},
      {"/pets", "TRACE", pets_any},
      {"/pets/7", "GET", pet_get},
      {"/pets/7", "PUT", none},
      {"/pets/mine", "GET", pets_mine},
      {"/pets/7/toys", "POST", pet_toys},
      {"/pets//toys", "POST", none},
      {"/v1/chat/completions", "POST", chat_post},
      {"/v1/chat/completions", "GET", proxy_any},
      {"/v1/models", "GET", proxy_any},
      {"/v1/a/b/c/d", "PATCH", proxy_any},
      {"/v1", "GET", none},
      {"/nothing", "GET", none},
  };
  for (const match_case& c : cases) {
    EXPECT_EQ(table.match(c.path, c.method), c.expected) << c.method << " " << c.path;
  }
}

TEST(RouteTable, LiteralFailureFallsBackToParameter) {
  route_table table;
  const std::uint32_t literal = table.add("/a/b", "GET");
  const std::uint32_t param_deeper = table.add("/a/{x}/c", "GET");
  EXPECT_EQ(table.match("/a/b", "GET"), literal);
  // "b" matches the literal child first, which has no "c"; {x} must then be tried.
  EXPECT_EQ(table.match("/a/b/c", "GET"), param_deeper);
}

TEST(RouteTable, ACaseVariantOfALiteralIsAConflictNotAFallback) {
  route_table table;
  const std::uint32_t secret = table.add("/open/secret", "GET");
  const std::uint32_t name = table.add("/open/{name}", "GET");
  const std::uint32_t proxy = table.add("/{proxy+}", "ANY");
  EXPECT_EQ(table.match("/open/secret", "GET"), secret);
  EXPECT_EQ(table.match("/open/other", "GET"), name);
  EXPECT_EQ(table.match("/elsewhere/x", "GET"), proxy);
  // A case-insensitive upstream serves /open/secret for these.
  EXPECT_EQ(table.match("/open/SECRET", "GET"), route_table::case_conflict);
  EXPECT_EQ(table.match("/OPEN/secret", "GET"), route_table::case_conflict);
  EXPECT_EQ(table.match("/Open/x", "GET"), route_table::case_conflict);
}

TEST(RouteTable, EqualsIgnoringAsciiCase) {
  EXPECT_TRUE(equals_ignoring_ascii_case("Secret-_.9", "sECRET-_.9"));
  EXPECT_FALSE(equals_ignoring_ascii_case("secret", "secrets"));
  EXPECT_FALSE(equals_ignoring_ascii_case("a-b", "a_b"));
}

TEST(RouteTable, ExactMethodBeatsAny) {
  route_table table;
  const std::uint32_t any = table.add("/r", "ANY");
  const std::uint32_t get = table.add("/r", "GET");
  EXPECT_EQ(table.match("/r", "GET"), get);
  EXPECT_EQ(table.match("/r", "POST"), any);
}

}  // namespace
}  // namespace ug::config
