#include "config/document/aws_names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ug::config::detail {
namespace {

TEST(AwsNames, HttpMethods) {
  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"})
    EXPECT_TRUE(is_http_method(m)) << m;
  for (const char* m : {"get", "TRACE", "CONNECT", "", "*"})
    EXPECT_FALSE(is_http_method(m)) << m;
}

TEST(AwsNames, ResourcePaths) {
  for (const char* p : {"/", "/endpoint", "/pets/{id}", "/{proxy+}", "/a/b.c/d-e_f", "/v1/{x}/y"})
    EXPECT_EQ(resource_path_problem(p), "") << p;
  for (const char* p : {"", "endpoint", "/a/", "/a//b", "/{proxy+}/x", "/{}", "/{a", "/a}", "/a b",
                        "/a?b", "/{a b}"})
    EXPECT_NE(resource_path_problem(p), "") << p;
}

TEST(AwsNames, StageNames) {
  EXPECT_EQ(stage_name_problem("v1"), "");
  EXPECT_EQ(stage_name_problem("prod_2-eu"), "");
  EXPECT_NE(stage_name_problem(""), "");
  EXPECT_NE(stage_name_problem("v/1"), "");
  EXPECT_NE(stage_name_problem(std::string(129, 'a')), "");
}

TEST(AwsNames, PlanMethodKeys) {
  std::string problem;
  auto key = parse_plan_method_key("/pets/GET", problem);
  ASSERT_TRUE(key.has_value()) << problem;
  EXPECT_EQ(key->resource_path, "/pets");
  EXPECT_EQ(key->http_method, "GET");
  key = parse_plan_method_key("//GET", problem);
  ASSERT_TRUE(key.has_value()) << problem;
  EXPECT_EQ(key->resource_path, "/");
  key = parse_plan_method_key("/pets/{id}/DELETE", problem);
  ASSERT_TRUE(key.has_value()) << problem;
  EXPECT_EQ(key->resource_path, "/pets/{id}");
  for (const char* bad : {"pets/GET", "/GET", "/pets/get", "/pets/", "", "/pets//GET"}) {
    problem.clear();
    EXPECT_FALSE(parse_plan_method_key(bad, problem).has_value()) << bad;
    EXPECT_NE(problem, "") << bad;
  }
}

TEST(AwsNames, MethodSettingKeysParse) {
  std::string problem;
  auto key = parse_method_setting_key("*/*", problem);
  ASSERT_TRUE(key.has_value()) << problem;
  EXPECT_EQ(key->resource_path, "*");
  EXPECT_EQ(key->http_method, "*");
  key = parse_method_setting_key("~1pets~1{id}/GET", problem);
  ASSERT_TRUE(key.has_value()) << problem;
  EXPECT_EQ(key->resource_path, "/pets/{id}");
  EXPECT_EQ(key->http_method, "GET");
  key = parse_method_setting_key("pets/{id}/DELETE", problem);  // AWS's patch-path form
  ASSERT_TRUE(key.has_value()) << problem;
  EXPECT_EQ(key->resource_path, "/pets/{id}");
  EXPECT_EQ(key->http_method, "DELETE");
  key = parse_method_setting_key("~1/ANY", problem);  // root resource
  ASSERT_TRUE(key.has_value()) << problem;
  EXPECT_EQ(key->resource_path, "/");
  EXPECT_EQ(key->http_method, "ANY");
  for (const char* bad :
       {"/pets/GET", "pets", "~2pets/GET", "pets/FETCH", "*/GET", "~1pets/", "", "~0pets/GET"}) {
    problem.clear();
    EXPECT_FALSE(parse_method_setting_key(bad, problem).has_value()) << bad;
    EXPECT_NE(problem, "") << bad;
  }
}

TEST(AwsNames, MethodSettingKeysNormalise) {
  std::string problem;
  EXPECT_EQ(normalize_method_setting_key("*/*", problem), "*/*");
  EXPECT_EQ(normalize_method_setting_key("~1pets/GET", problem), "~1pets/GET");
  EXPECT_EQ(normalize_method_setting_key("pets/GET", problem), "~1pets/GET");
  EXPECT_EQ(normalize_method_setting_key("~1pets~1{id}/GET", problem), "~1pets~1{id}/GET");
  EXPECT_EQ(normalize_method_setting_key("pets/{id}/GET", problem), "~1pets~1{id}/GET");
  EXPECT_EQ(normalize_method_setting_key("~1/GET", problem), "~1/GET");  // root resource
  for (const char* bad :
       {"/pets/GET", "pets", "~2pets/GET", "pets/FETCH", "*/GET", "~1pets/", ""}) {
    problem.clear();
    EXPECT_FALSE(normalize_method_setting_key(bad, problem).has_value()) << bad;
    EXPECT_NE(problem, "") << bad;
  }
}

}  // namespace
}  // namespace ug::config::detail
