#include "gateway/app/cli.hpp"

#include <charconv>
#include <initializer_list>
#include <string>
#include <utility>

namespace ug::gateway {
namespace {

/// "--name=value" or "--name value".
bool take_value(const std::vector<std::string_view>& args, std::size_t& i, std::string_view name,
                std::string_view& value, std::string& error) {
  const std::string_view a = args[i];
  if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=') {
    value = a.substr(name.size() + 1);
  } else if (i + 1 < args.size()) {
    value = args[++i];
  } else {
    error = std::string(name) + " needs a value";
    return false;
  }
  if (value.empty()) {
    error = std::string(name) + " needs a value";
    return false;
  }
  return true;
}

bool is_option(std::string_view a, std::string_view name) {
  return a == name ||
         (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=');
}

struct string_option {
  std::string_view name;  ///< "--state"
  std::string* target;
};

/// Reads the `--name VALUE` / `--name=VALUE` pairs after args[0] (the
/// subcommand) into `options`; false with `error` set on anything else.
bool read_string_options(const std::vector<std::string_view>& args,
                         std::initializer_list<string_option> options, std::string& error) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string_view a = args[i];
    const string_option* found = nullptr;
    for (const string_option& o : options) {
      if (is_option(a, o.name))
        found = &o;
    }
    std::string_view value;
    if (found == nullptr) {
      error = std::string(args[0]) + ": unknown argument '" + std::string(a) + "'";
      return false;
    }
    if (!take_value(args, i, found->name, value, error))
      return false;
    *found->target = std::string(value);
  }
  return true;
}

/// The first of `required` left empty as "<subcommand>: missing --name", or "".
std::string missing_option(std::string_view subcommand,
                           std::initializer_list<string_option> required) {
  for (const string_option& o : required) {
    if (o.target->empty())
      return std::string(subcommand) + ": missing " + std::string(o.name);
  }
  return {};
}

/// `usage --state DIR --plan ID [--key ID] --from DAY --to DAY`.
cli_parse_result parse_usage(const std::vector<std::string_view>& args) {
  cli_parse_result r;
  cli_options o;
  o.command = cli_command::usage;
  std::string key;  // take_value refuses an empty value: "" is "not given"
  const std::initializer_list<string_option> required{{"--state", &o.state_dir},
                                                      {"--plan", &o.plan_id},
                                                      {"--from", &o.from_date},
                                                      {"--to", &o.to_date}};
  if (!read_string_options(args,
                           {{"--state", &o.state_dir},
                            {"--plan", &o.plan_id},
                            {"--from", &o.from_date},
                            {"--to", &o.to_date},
                            {"--key", &key}},
                           r.error))
    return r;
  r.error = missing_option("usage", required);
  if (!r.error.empty())
    return r;
  if (!key.empty())
    o.key_id = std::move(key);
  r.options = std::move(o);
  return r;
}

/// `export --state DIR [--config FILE]`.
cli_parse_result parse_export(const std::vector<std::string_view>& args) {
  cli_parse_result r;
  cli_options o;
  o.command = cli_command::export_config;
  if (!read_string_options(args, {{"--state", &o.state_dir}, {"--config", &o.config_path}},
                           r.error))
    return r;
  r.error = missing_option("export", {{"--state", &o.state_dir}});
  if (!r.error.empty())
    return r;
  r.options = std::move(o);
  return r;
}

}  // namespace

cli_parse_result parse_cli(const std::vector<std::string_view>& args) {
  if (!args.empty() && args[0] == "usage") {
    return parse_usage(args);
  }
  if (!args.empty() && args[0] == "export") {
    return parse_export(args);
  }
  cli_parse_result r;
  cli_options o;
  bool have_command = false;
  auto set_command = [&](cli_command c) {
    if (have_command && o.command != c) {
      r.error = "choose one of --config, --check-config, --version, --help";
      return false;
    }
    have_command = true;
    o.command = c;
    return true;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    std::string_view value;
    if (a == "--help" || a == "-h") {
      if (!set_command(cli_command::help)) {
        return r;
      }
    } else if (a == "--version" || a == "-V") {
      if (!set_command(cli_command::version)) {
        return r;
      }
    } else if (is_option(a, "--config") || a == "-c") {
      if (!set_command(cli_command::run) ||
          !take_value(args, i, a == "-c" ? "-c" : "--config", value, r.error)) {
        return r;
      }
      o.config_path = std::string(value);
    } else if (is_option(a, "--check-config")) {
      if (!set_command(cli_command::check_config) ||
          !take_value(args, i, "--check-config", value, r.error)) {
        return r;
      }
      o.config_path = std::string(value);
    } else if (is_option(a, "--workers")) {
      if (!take_value(args, i, "--workers", value, r.error)) {
        return r;
      }
      unsigned n = 0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || p != value.data() + value.size() || n == 0 || n > 1024) {
        r.error = "--workers needs a number from 1 to 1024, got '" + std::string(value) + "'";
        return r;
      }
      o.workers = n;
    } else {
      r.error = "unknown argument '" + std::string(a) + "'";
      return r;
    }
  }
  if (!have_command) {
    r.error = "missing --config FILE";
    return r;
  }
  r.options = std::move(o);
  return r;
}

std::string usage_text() {
  return "usage: usagegate --config FILE [--workers N]\n"
         "       usagegate --check-config FILE\n"
         "       usagegate usage --state DIR --plan ID [--key ID] --from YYYY-MM-DD --to "
         "YYYY-MM-DD\n"
         "       usagegate export --state DIR [--config FILE]\n"
         "       usagegate --version | --help\n"
         "\n"
         "  --config FILE        run the gateway with this configuration (AWS JSON shapes)\n"
         "  --workers N          worker threads (default: gateway.workers, else one per core)\n"
         "  --check-config FILE  validate FILE: prints 'FILE: OK' (exit 0) or every error\n"
         "                       as 'path: message' on stderr (exit 2)\n"
         "  usage ...            print a usage plan's daily [used, remaining] per key from\n"
         "                       the state directory, as 'aws apigateway get-usage' does\n"
         "  export ...           print one configuration holding FILE's objects and those\n"
         "                       created through the control plane (DIR/control.db); it\n"
         "                       passes --check-config (exit 2 with every error if not)\n"
         "  --version            print the version\n"
         "  --help               print this text\n"
         "\n"
         "SIGTERM/SIGINT drain: in-flight requests and streams finish (up to\n"
         "the configured drain timeout), then the process exits 0.\n";
}

}  // namespace ug::gateway
