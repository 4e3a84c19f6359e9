#include "gateway/app/cli.hpp"

#include <gtest/gtest.h>

namespace ug::gateway {
namespace {

cli_parse_result parse(std::vector<std::string_view> args) {
  return parse_cli(args);
}

TEST(Cli, RunWithWorkers) {
  const auto r = parse({"--config", "gw.json", "--workers", "3"});
  ASSERT_TRUE(r.options) << r.error;
  EXPECT_EQ(r.options->command, cli_command::run);
  EXPECT_EQ(r.options->config_path, "gw.json");
  EXPECT_EQ(r.options->workers, 3u);
  const auto eq = parse({"--config=gw.json", "--workers=2"});
  ASSERT_TRUE(eq.options) << eq.error;
  EXPECT_EQ(eq.options->config_path, "gw.json");
  EXPECT_EQ(eq.options->workers, 2u);
}

TEST(Cli, CheckConfigVersionHelp) {
  const auto check = parse({"--check-config", "x.json"});
  ASSERT_TRUE(check.options);
  EXPECT_EQ(check.options->command, cli_command::check_config);
  EXPECT_EQ(check.options->config_path, "x.json");
  EXPECT_EQ(parse({"--version"}).options->command, cli_command::version);
  EXPECT_EQ(parse({"--help"}).options->command, cli_command::help);
}

TEST(Cli, RejectsBadInput) {
  EXPECT_FALSE(parse({}).options);
  EXPECT_FALSE(parse({"--config"}).options);
  EXPECT_FALSE(parse({"--config", "a", "--workers", "0"}).options);
  EXPECT_FALSE(parse({"--config", "a", "--workers", "x"}).options);
  EXPECT_FALSE(parse({"--config", "a", "--check-config", "b"}).options);
  const auto unknown = parse({"--confg", "a"});
  EXPECT_FALSE(unknown.options);
  EXPECT_NE(unknown.error.find("--confg"), std::string::npos);
}

}  // namespace
}  // namespace ug::gateway
