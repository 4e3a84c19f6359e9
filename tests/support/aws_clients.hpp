#pragma once
// The real AWS clients against a local usagegate: the AWS CLI
// (`aws apigateway --endpoint-url ...`) and python3 scripts (boto3), run as
// child processes with an environment of their own (credentials "local",
// empty config files, no profile, no metadata service), each bounded in time.
// Both clients come from scripts/install-deps.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/process.hpp"

namespace ug::test {

/// Today in UTC as "YYYY-MM-DD": the day GetUsage and UpdateUsage count in.
inline std::string utc_today() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

/// What one client run printed: stdout and stderr apart (the CLI prints its
/// errors on stderr), and how it exited.
struct client_run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Not thread-safe: the test's main thread drives it.
class aws_clients {
 public:
  static constexpr std::chrono::seconds client_timeout{90};

  /// `dir` holds the clients' files and outlives this object; `endpoint` is
  /// "http://127.0.0.1:<admin port>".
  aws_clients(const temp_dir& dir, std::string endpoint,
              std::pair<std::string, std::string> credentials = {"local", "local"})
      : dir_(dir), endpoint_(std::move(endpoint)), credentials_(std::move(credentials)) {
    // Empty config and credentials files: no profile of the machine leaks in.
    dir_.write("aws/config", "");
    dir_.write("aws/credentials", "");
  }

  [[nodiscard]] const std::string& endpoint() const noexcept { return endpoint_; }

  /// Runs `program args...` with the AWS environment of a local endpoint;
  /// waits at most client_timeout.
  client_run run(const std::vector<std::string>& program) {
    const std::filesystem::path base = dir_.path() / ("run" + std::to_string(++runs_));
    std::vector<std::string> argv{
        "/usr/bin/env",
        "-u",
        "AWS_PROFILE",
        "-u",
        "AWS_DEFAULT_PROFILE",
        "-u",
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID=" + credentials_.first,
        "AWS_SECRET_ACCESS_KEY=" + credentials_.second,
        "AWS_DEFAULT_REGION=us-east-1",
        "AWS_CONFIG_FILE=" + (dir_.path() / "aws/config").string(),
        "AWS_SHARED_CREDENTIALS_FILE=" + (dir_.path() / "aws/credentials").string(),
        "AWS_EC2_METADATA_DISABLED=true",
        "AWS_PAGER=",
        "/bin/sh",
        "-c",
        R"(exec "$@" >"$0.out" 2>"$0.err")",
        base.string()};
    argv.insert(argv.end(), program.begin(), program.end());
    child_process child(std::move(argv));
    client_run result;
    const std::optional<int> code = child.wait_exit(client_timeout);
    EXPECT_TRUE(code) << "client did not finish within " << client_timeout.count() << " s";
    result.exit_code = code.value_or(-1);
    result.out = read_file(base.string() + ".out");
    result.err = read_file(base.string() + ".err");
    return result;
  }

  /// `aws --endpoint-url <endpoint> --output json apigateway args...`
  client_run aws(const std::vector<std::string>& args) {
    std::vector<std::string> program{"aws",      "--endpoint-url", endpoint_,
                                     "--output", "json",           "apigateway"};
    program.insert(program.end(), args.begin(), args.end());
    return run(program);
  }

  /// Parses a successful run's JSON output; fails the test otherwise.
  simdjson::dom::element json_of(const client_run& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    simdjson::dom::element e;
    const auto error = parsers_.emplace_back().parse(r.out).get(e);
    EXPECT_EQ(error, simdjson::SUCCESS) << r.out;
    return e;
  }

  /// The ids of a list answer's `items`.
  static std::vector<std::string> ids_of(simdjson::dom::element page) {
    std::vector<std::string> ids;
    for (simdjson::dom::element item : page["items"].get_array())
      ids.emplace_back(std::string_view(item["id"]));
    return ids;
  }

  static std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  const temp_dir& dir_;
  std::string endpoint_;
  std::pair<std::string, std::string> credentials_;
  int runs_ = 0;
  std::deque<simdjson::dom::parser> parsers_;  // a deque: elements point into their parser
};

}  // namespace ug::test
