#pragma once
// Command line of the usagegate program:
//   usagegate --config FILE [--workers N]
//   usagegate --check-config FILE
//   usagegate usage --state DIR --plan ID [--key ID] --from YYYY-MM-DD --to YYYY-MM-DD
//   usagegate export --state DIR [--config FILE]
//   usagegate --version | --help
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ug::gateway {

enum class cli_command : unsigned char { run, check_config, version, help, usage, export_config };

struct cli_options {
  cli_command command = cli_command::help;
  std::string config_path;
  std::optional<unsigned> workers;  ///< --workers N (overrides gateway.workers)
  /// `usage` (AWS get-usage from the state directory): all but key_id
  /// required. `export` reads state_dir and, when set, config_path.
  std::string state_dir;
  std::string plan_id;
  std::optional<std::string> key_id;
  std::string from_date;  ///< YYYY-MM-DD (checked by the command)
  std::string to_date;
};

struct cli_parse_result {
  std::optional<cli_options> options;  ///< set iff error is empty
  std::string error;                   ///< one line for a person
};

/// Pure, thread-safe. `args` excludes the program name.
cli_parse_result parse_cli(const std::vector<std::string_view>& args);

/// Pure. The --help text.
std::string usage_text();

}  // namespace ug::gateway
