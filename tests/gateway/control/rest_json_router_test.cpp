// The rest-json router: every modeled operation routes to itself, path
// parameters are decoded per segment, ?mode=import picks the import binding,
// and what no operation has is no_operation.
#include "gateway/control/rest_json_router.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ug::gateway::control {
namespace {

query_params no_query() {
  return *query_params::parse("");
}

route_result route_of(std::string_view method, std::string_view path, std::string_view query = "") {
  return route(method, path, *query_params::parse(query));
}

TEST(RestJsonRouter, EveryModeledOperationRoutesToItself) {
  std::set<std::string_view> names;
  for (const operation_spec& op : api_gateway_operations()) {
    names.insert(op.name);
    // Fill each {param} with a value and carry the template's required query.
    std::string path;
    const std::string_view uri = op.request_uri.substr(0, op.request_uri.find('?'));
    const std::string_view query = op.request_uri.find('?') == std::string_view::npos
                                       ? std::string_view()
                                       : op.request_uri.substr(op.request_uri.find('?') + 1);
    for (std::size_t i = 0; i < uri.size(); ++i) {
      if (uri[i] == '{') {
        path += "x1";
        i = uri.find('}', i);
      } else {
        path += uri[i];
      }
    }
    const route_result r = route_of(op.method, path, query);
    ASSERT_TRUE(r.match) << op.method << " " << path;
    EXPECT_EQ(r.match->operation, op.name) << op.method << " " << path;
  }
  EXPECT_EQ(names.size(), api_gateway_operations().size());  // names are unique
  EXPECT_EQ(api_gateway_operations().size(), 124u);
}

TEST(RestJsonRouter, PathParametersAreNamedAndDecoded) {
  const route_result r = route_of("GET", "/usageplans/plan%2Fa/keys/key%20b");
  ASSERT_TRUE(r.match);
  EXPECT_EQ(r.match->operation, "GetUsagePlanKey");
  EXPECT_EQ(r.match->param("usageplanId"), "plan/a");
  EXPECT_EQ(r.match->param("keyId"), "key b");
  EXPECT_EQ(r.match->param("nothing"), "");
}

TEST(RestJsonRouter, MethodPathsOfResources) {
  const route_result r = route_of("GET", "/restapis/api1/resources/res1/methods/GET");
  ASSERT_TRUE(r.match);
  EXPECT_EQ(r.match->operation, "GetMethod");
  EXPECT_EQ(r.match->param("restapi_id"), "api1");
  EXPECT_EQ(r.match->param("resource_id"), "res1");
  EXPECT_EQ(r.match->param("http_method"), "GET");
}

TEST(RestJsonRouter, ImportNeedsTheModeQueryMember) {
  EXPECT_EQ(route_of("POST", "/apikeys").match->operation, "CreateApiKey");
  EXPECT_EQ(route_of("POST", "/apikeys", "mode=import&format=csv").match->operation,
            "ImportApiKeys");
  EXPECT_EQ(route_of("POST", "/apikeys", "format=csv&mode=import").match->operation,
            "ImportApiKeys");
  EXPECT_EQ(route_of("POST", "/apikeys", "mode=other").match->operation, "CreateApiKey");
  EXPECT_EQ(route_of("POST", "/restapis", "mode=import").match->operation, "ImportRestApi");
}

TEST(RestJsonRouter, WhatNoOperationHasIsNoOperation) {
  for (const auto& [method, path] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"GET", "/usageplans/"},       // trailing slash: an empty segment
           {"GET", "/usageplans//keys"},  // empty parameter
           {"GET", "/nothing"},
           {"POST", "/account"},  // known path, method it does not have
           {"GET", "/apikeys/a/b"},
           {"GET", ""}}) {
    const route_result r = route(method, path, no_query());
    EXPECT_FALSE(r.match) << method << " " << path;
    EXPECT_EQ(r.failure, route_failure::no_operation);
  }
}

TEST(RestJsonRouter, MalformedEscapeInAParameterIsBadEncoding) {
  const route_result r = route_of("GET", "/apikeys/ab%zz");
  EXPECT_FALSE(r.match);
  EXPECT_EQ(r.failure, route_failure::bad_encoding);
}

TEST(QueryParams, DecodesAndReadsFlags) {
  const auto q = query_params::parse("name=a%20b&includeValues=TRUE&empty&limit=5&plus=a+b");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->get("name"), "a b");
  EXPECT_TRUE(q->flag("includeValues"));
  EXPECT_FALSE(q->flag("limit"));
  EXPECT_FALSE(q->flag("absent"));
  EXPECT_EQ(q->get("empty"), "");
  EXPECT_EQ(q->get("plus"), "a+b");
  EXPECT_EQ(q->get("absent"), std::nullopt);
  EXPECT_FALSE(query_params::parse("a=%2"));
  EXPECT_FALSE(query_params::parse("a=%g0"));
}

}  // namespace
}  // namespace ug::gateway::control
