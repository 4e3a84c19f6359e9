// build_integration_target: the integration URI's path with the request's
// path parameters put in, and the query kept.
#include "gateway/http/integration_target.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ug::gateway {
namespace {

std::string target(std::string_view path_template, std::string_view resource_path,
                   std::string_view request_path, std::string_view query = "") {
  std::string out = "left over";
  build_integration_target(path_template, resource_path, request_path, query, out);
  return out;
}

TEST(IntegrationTarget, AFixedUriIgnoresTheRequestPath) {
  EXPECT_EQ(target("/v1/models", "/endpoint", "/endpoint"), "/v1/models");
  EXPECT_EQ(target("/v1/models", "/endpoint", "/endpoint", "?limit=2"), "/v1/models?limit=2");
  EXPECT_EQ(target("", "/", "/"), "/");
  EXPECT_EQ(target("", "/", "/", "?a=1"), "/?a=1");
}

TEST(IntegrationTarget, GreedyProxyTakesTheRestOfThePath) {
  EXPECT_EQ(target("/v1/{proxy}", "/{proxy+}", "/chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(target("/{proxy}", "/api/{proxy+}", "/api/a/b%2Fc/d", "?x=1"), "/a/b%2Fc/d?x=1");
  // The URI may spell it as the resource does.
  EXPECT_EQ(target("/up/{proxy+}", "/{proxy+}", "/x"), "/up/x");
}

TEST(IntegrationTarget, NamedParametersTakeTheirSegment) {
  EXPECT_EQ(target("/items/{id}/owner/{name}", "/pets/{id}/{name}", "/pets/7/rex"),
            "/items/7/owner/rex");
  EXPECT_EQ(target("/{name}{id}", "/pets/{id}/{name}", "/pets/7/rex"), "/rex7");
}

TEST(IntegrationTarget, ANameTheResourceLacksIsEmptyAndBracesUnclosedAreText) {
  EXPECT_EQ(target("/a/{nope}/b", "/pets/{id}", "/pets/7"), "/a//b");
  EXPECT_EQ(target("/a/{open", "/pets", "/pets"), "/a/{open");
}

TEST(IntegrationTarget, ReusesTheBuffer) {
  std::string out;
  out.reserve(256);
  const char* before = out.data();
  build_integration_target("/v1/{proxy}", "/{proxy+}", "/chat/completions", "?a=b", out);
  EXPECT_EQ(out, "/v1/chat/completions?a=b");
  EXPECT_EQ(out.data(), before);
}

}  // namespace
}  // namespace ug::gateway
