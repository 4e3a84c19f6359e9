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

TEST(Cli, UsageNeedsStatePlanAndDaysAndTakesAKey) {
  const auto r = parse({"usage", "--state", "s", "--plan=p1", "--from", "2026-12-01", "--to",
                        "2026-12-07", "--key", "k1"});
  ASSERT_TRUE(r.options) << r.error;
  EXPECT_EQ(r.options->command, cli_command::usage);
  EXPECT_EQ(r.options->state_dir, "s");
  EXPECT_EQ(r.options->plan_id, "p1");
  EXPECT_EQ(r.options->from_date, "2026-12-01");
  EXPECT_EQ(r.options->to_date, "2026-12-07");
  EXPECT_EQ(r.options->key_id, "k1");
  const auto no_key = parse(
      {"usage", "--state", "s", "--plan", "p1", "--from", "2026-12-01", "--to", "2026-12-07"});
  ASSERT_TRUE(no_key.options) << no_key.error;
  EXPECT_FALSE(no_key.options->key_id.has_value());
  EXPECT_EQ(parse({"usage", "--state", "s", "--from", "a", "--to", "b"}).error,
            "usage: missing --plan");
  EXPECT_EQ(parse({"usage", "--nope"}).error, "usage: unknown argument '--nope'");
  EXPECT_EQ(parse({"usage", "--key="}).error, "--key needs a value");
}

TEST(Cli, ExportReadsTheStateDirectoryAndOptionallyTheFile) {
  const auto both = parse({"export", "--state", "/var/lib/ug", "--config=gw.json"});
  ASSERT_TRUE(both.options) << both.error;
  EXPECT_EQ(both.options->command, cli_command::export_config);
  EXPECT_EQ(both.options->state_dir, "/var/lib/ug");
  EXPECT_EQ(both.options->config_path, "gw.json");
  const auto state_only = parse({"export", "--state=/var/lib/ug"});
  ASSERT_TRUE(state_only.options) << state_only.error;
  EXPECT_TRUE(state_only.options->config_path.empty());

  EXPECT_EQ(parse({"export"}).error, "export: missing --state");
  EXPECT_EQ(parse({"export", "--state", "d", "--plan", "p"}).error,
            "export: unknown argument '--plan'");
  EXPECT_FALSE(parse({"export", "--state"}).options);
}

}  // namespace
}  // namespace ug::gateway
