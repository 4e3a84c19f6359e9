// usagegate: parse the command line, load and validate the configuration,
// compile the first snapshot, start the server, and map every failure to an
// exit code: 0 clean exit, 1 runtime failure (e.g. port in use), 2 invalid
// configuration or usage.
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/compiled_config.hpp"
#include "config/loader.hpp"
#include "gateway/cli.hpp"
#include "gateway/server.hpp"
#include "limiter/clock.hpp"
#include "limiter/state_registry.hpp"

namespace {

namespace config = ug::config;
namespace gw = ug::gateway;

constexpr int exit_ok = 0;
constexpr int exit_runtime = 1;
constexpr int exit_config = 2;

/// Loads, validates and compiles; prints every error ("path: message") to
/// stderr. Null on failure.
std::shared_ptr<const config::compiled_config> load_and_compile(const std::string& path,
                                                                ug::limiter::state_registry& state,
                                                                const ug::limiter::clock& clock) {
  config::load_result loaded = config::load_file(path);
  if (!loaded.errors.empty() || !loaded.doc) {
    for (const config::config_error& e : loaded.errors) {
      std::fprintf(stderr, "%s\n", e.to_string().c_str());
    }
    if (loaded.errors.empty()) {
      std::fprintf(stderr, "%s: cannot be loaded\n", path.c_str());
    }
    return nullptr;
  }
  try {
    return config::compiled_config::compile(*loaded.doc, state, clock.now(),
                                            loaded.content_sha256_hex);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), e.what());
    return nullptr;
  }
}

void print_banner(const config::compiled_config& cfg, const std::string& path, unsigned workers) {
  const config::gateway_settings& g = cfg.gateway();
  std::printf("usagegate %s\n", UG_VERSION);
  std::printf("  config:    %s (sha256 %s)\n", path.c_str(), cfg.content_sha256_hex().c_str());
  std::printf("  listener:  http://%s:%u\n", g.listener.address.c_str(), unsigned{g.listener.port});
  std::printf("  workers:   %u\n", workers);
  for (const config::compiled_stage& s : cfg.stages()) {
    std::printf("  stage:     %s/%s  base path %s -> upstream %s\n", s.api_id.c_str(),
                s.stage_name.c_str(), s.base_path.c_str(), s.upstream.url.c_str());
  }
  std::printf("  keys:      %zu, usage plans: %zu%s\n", cfg.key_count(), cfg.plan_count(),
              g.aws_strict ? " (aws_strict: no Retry-After/RateLimit headers)" : "");
}

int run(const gw::cli_options& opts) {
  ug::limiter::system_clock clock;
  ug::limiter::state_registry state;
  auto first = load_and_compile(opts.config_path, state, clock);
  if (!first) {
    return exit_config;
  }
  if (opts.command == gw::cli_command::check_config) {
    std::printf("%s: OK\n", opts.config_path.c_str());
    return exit_ok;
  }

  unsigned workers = opts.workers.value_or(first->gateway().workers);
  if (workers == 0) {
    workers = std::max(1u, std::thread::hardware_concurrency());
  }
  const config::listener_settings listen_at = first->gateway().listener;
  print_banner(*first, opts.config_path, workers);

  // Asio sends with MSG_NOSIGNAL; this only guards stray writes to a closed pipe.
  std::signal(SIGPIPE, SIG_IGN);
  gw::server srv(std::move(first), clock, workers);
  if (const auto ec = srv.listen()) {
    std::fprintf(stderr, "usagegate: cannot listen on %s:%u: %s\n", listen_at.address.c_str(),
                 unsigned{listen_at.port}, ec.message().c_str());
    return exit_runtime;
  }
  const auto ep = srv.local_endpoint();
  const std::string address =
      ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
  std::printf("usagegate: listening on http://%s:%u\n", address.c_str(), unsigned{ep.port()});
  std::fflush(stdout);
  return srv.run([] {
    std::printf("usagegate: ready\n");
    std::fflush(stdout);
  });
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args;
  for (int i = 1; i < argc; ++i) {
    args.emplace_back(argv[i]);
  }
  const gw::cli_parse_result parsed = gw::parse_cli(args);
  if (!parsed.options) {
    std::fprintf(stderr, "usagegate: %s\n\n%s", parsed.error.c_str(), gw::usage_text().c_str());
    return exit_config;
  }
  switch (parsed.options->command) {
    case gw::cli_command::help:
      std::fputs(gw::usage_text().c_str(), stdout);
      return exit_ok;
    case gw::cli_command::version:
      std::printf("usagegate %s\n", UG_VERSION);
      return exit_ok;
    case gw::cli_command::run:
    case gw::cli_command::check_config:
      break;
  }
  try {
    return run(*parsed.options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "usagegate: %s\n", e.what());
    return exit_runtime;
  }
}
