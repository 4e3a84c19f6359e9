#include "config/json/json_syntax.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ug::config::detail {
namespace {

struct syntax_case {
  const char* text;
  std::size_t line;
  std::size_t column;
  const char* phrase;
};

TEST(JsonSyntax, AcceptsValidJson) {
  for (const char* text :
       {"{}", "[]", " {\"a\": [1, -2.5e+3, true, false, null, \"x\\u00e9\\n\"]} ",
        "\"just a string\"", "0", "{\"\xc3\xa9\": {}}"})
    EXPECT_FALSE(find_syntax_error(text).has_value()) << text;
}

TEST(JsonSyntax, LocatesTheFirstProblem) {
  const syntax_case cases[] = {
      {"{\n  \"a\": 1,\n}", 3, 1, "trailing comma"},
      {"[1, 2,]", 1, 7, "trailing comma"},
      {"{\"a\" 1}", 1, 6, "expected ':'"},
      {"{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}'"},
      {"[1 2]", 1, 4, "expected ',' or ']'"},
      {"{a: 1}", 1, 2, "double quotes"},
      {"{\"a\": tru}", 1, 7, "true, false or null"},
      {"{\"a\": 01}", 1, 8, "leading zeros"},
      {"{\"a\": 1.}", 1, 9, "digit must follow '.'"},
      {"{\"a\": \"x\ty\"}", 1, 9, "control character"},
      {"{\"a\": \"\\q\"}", 1, 9, "escape"},
      {"{\"a\": \"abc", 1, 11, "inside a string"},
      {"{\"a\": 1}}", 1, 9, "after the end"},
      {"", 1, 1, "expected a value"},
      {"{\"a\": \"\xff\"}", 1, 8, "UTF-8"},
      {"[\n\n  'single']", 3, 3, "expected a value"},
  };
  for (const syntax_case& c : cases) {
    const auto problem = find_syntax_error(c.text);
    ASSERT_TRUE(problem.has_value()) << c.text;
    EXPECT_EQ(problem->line, c.line) << c.text;
    EXPECT_EQ(problem->column, c.column) << c.text;
    EXPECT_NE(problem->what.find(c.phrase), std::string::npos) << c.text << " -> " << problem->what;
  }
}

TEST(JsonSyntax, DeepNestingIsBoundedNotRecursive) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const auto problem = find_syntax_error(deep);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->column, 1025u);
}

}  // namespace
}  // namespace ug::config::detail
