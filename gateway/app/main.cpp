// usagegate: parse the command line, load and validate the configuration,
// compile the first snapshot, start the server, and map every failure to an
// exit code: 0 clean exit, 1 runtime failure (e.g. port in use), 2 invalid
// configuration or usage.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/loader.hpp"
#include "config/merge_overlay.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "gateway/app/cli.hpp"
#include "gateway/app/config_source.hpp"
#include "gateway/app/control_writer.hpp"
#include "gateway/app/journal_usage_access.hpp"
#include "gateway/app/open_file_limit.hpp"
#include "gateway/app/server.hpp"
#include "gateway/telemetry/access_log.hpp"
#include "limiter/clock.hpp"
#include "limiter/state_registry.hpp"
#include "store/control_store.hpp"
#include "store/durable_journal.hpp"
#include "store/usage_report.hpp"
#include "store/usage_store.hpp"

namespace {

namespace config = ug::config;
namespace gw = ug::gateway;

constexpr int exit_ok = 0;
constexpr int exit_runtime = 1;
constexpr int exit_config = 2;

std::string url_of(const gw::tcp::endpoint& ep) {
  const std::string address =
      ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
  return "http://" + address + ":" + std::to_string(ep.port());
}

void print_banner(const config::compiled_config& cfg, const std::string& path, unsigned workers,
                  const gw::open_file_limit& files) {
  const config::gateway_settings& g = cfg.gateway();
  std::printf("usagegate %s\n", UG_VERSION);
  std::printf("  config:    %s (sha256 %s)%s\n", path.c_str(), cfg.content_sha256_hex().c_str(),
              g.reload_on_file_change ? ", reloaded when the files change" : "");
  std::printf("  listener:  http://%s:%u\n", g.listener.address.c_str(), unsigned{g.listener.port});
  std::printf("  admin:     http://%s:%u (/metrics /healthz /readyz, POST /reload)%s%s\n",
              g.admin.address.c_str(), unsigned{g.admin.port},
              g.admin.auth_token_sha256 ? ", bearer token required" : "",
              g.admin.credentials ? ", SigV4 credentials required" : "");
  std::printf("  workers:   %u\n", workers);
  std::printf("  files:     open-file limit %llu (maxConnections %zu needs %llu)\n",
              static_cast<unsigned long long>(files.limit), g.max_connections,
              static_cast<unsigned long long>(files.wanted));
  for (const config::compiled_stage& s : cfg.stages()) {
    if (s.upstream_from_integrations) {
      std::printf("  stage:     %s/%s  at /restapis/%s/%s/_user_request_ -> upstream %s\n",
                  s.api_id.c_str(), s.stage_name.c_str(), s.api_id.c_str(), s.stage_name.c_str(),
                  s.upstream.url.c_str());
    } else {
      std::printf("  stage:     %s/%s  base path %s -> upstream %s\n", s.api_id.c_str(),
                  s.stage_name.c_str(), s.base_path.c_str(), s.upstream.url.c_str());
    }
  }
  std::printf("  keys:      %zu, usage plans: %zu%s\n", cfg.key_count(), cfg.plan_count(),
              g.aws_strict ? " (aws_strict: no Retry-After/RateLimit headers)" : "");
  std::printf("  accessLog: %s\n", g.access_log.c_str());
  const std::string state_file =
      g.state_directory + "/usage.db (onStateFailure " +
      (g.on_state_failure == ug::limiter::state_failure_policy::open ? "open" : "closed") + ")";
  std::printf("  state:     %s\n", g.state_directory.empty()
                                       ? "in memory (quota counts restart at 0 with the process)"
                                       : state_file.c_str());
}

/// The errors of the file loaded with control.db's objects, and what to do
/// when they are the same objects twice (a file made by `usagegate export`).
void print_conflict(const std::vector<std::string>& errors, const std::filesystem::path& store) {
  for (const std::string& line : errors)
    std::fprintf(stderr, "%s\n", line.c_str());
  std::fprintf(stderr,
               "usagegate: the config file and the objects created through the control plane "
               "(%s) do not load together; if the file came from 'usagegate export', move "
               "control.db aside: the file holds its objects now\n",
               store.c_str());
}

int run(const gw::cli_options& opts) {
  ug::limiter::system_clock clock;
  ug::limiter::state_registry state;
  gw::config_source source(opts.config_path, state, clock);
  gw::config_load loaded = source.load(nullptr);
  if (!loaded.snapshot) {
    for (const std::string& line : loaded.errors) {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    return exit_config;
  }
  std::shared_ptr<const config::compiled_config> first = std::move(loaded.snapshot);
  if (opts.command == gw::cli_command::check_config) {
    // The gateway would start on the file plus control.db: check that whole.
    if (!first->gateway().state_directory.empty()) {
      try {
        const std::unique_ptr<ug::store::control_store> objects =
            ug::store::control_store::open_read_only(first->gateway().state_directory);
        if (objects) {
          source.set_overlay(gw::control_writer::overlay_of_store(*objects));
          loaded = source.load(nullptr);
          if (!loaded.snapshot) {
            print_conflict(loaded.errors, objects->file());
            return exit_config;
          }
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "usagegate: %s\n", e.what());
        return exit_runtime;
      }
    }
    std::printf("%s: OK\n", opts.config_path.c_str());
    return exit_ok;
  }

  // Durable usage: the store is opened before serving, and the snapshot is
  // compiled again with the journal in place, so every plan's start comes
  // from the store (or is recorded there) and every quota count is restored
  // (attach) before a request can reach it.
  std::unique_ptr<ug::store::usage_store> store;
  std::unique_ptr<ug::store::durable_journal> journal;
  // The control plane's objects (control.db) join the file's from the
  // second load on.
  std::unique_ptr<ug::store::control_store> control_store;
  std::unique_ptr<gw::control_writer> writer;
  // GetUsage and UpdateUsage read and set the journal's counts.
  std::unique_ptr<gw::journal_usage_access> usage;
  if (!first->gateway().state_directory.empty()) {
    const config::gateway_settings& g = first->gateway();
    try {
      store = ug::store::usage_store::open_for_gateway(g.state_directory);
      control_store = ug::store::control_store::open_for_gateway(g.state_directory);
      journal = std::make_unique<ug::store::durable_journal>(
          *store, clock,
          ug::store::journal_settings{std::chrono::milliseconds(g.state_flush_interval_ms),
                                      g.quota_reserve_chunk});
      usage = std::make_unique<gw::journal_usage_access>(*journal, state);
      writer = std::make_unique<gw::control_writer>(*control_store, source, usage.get());
      source.set_overlay(writer->overlay());
    } catch (const ug::store::store_error& e) {
      std::fprintf(stderr, "usagegate: %s\n", e.what());
      return exit_runtime;
    }
    state.set_journal(journal.get());
    state.set_plan_start_ledger(journal.get());
    source.set_on_compiled([&j = *journal](const config::compiled_config& cfg) {
      std::vector<ug::store::quota_binding> bindings;
      cfg.for_each_quota([&bindings](std::string_view plan_id, std::string_view key_id,
                                     const ug::limiter::quota_params& params,
                                     const std::shared_ptr<ug::limiter::key_plan_state>& s) {
        bindings.push_back(ug::store::quota_binding{plan_id, key_id, params, s});
      });
      j.attach(bindings);
    });
    gw::config_load again = source.load(first.get());
    if (!again.snapshot) {
      // The file alone loaded: either control.db's objects do not fit it (a
      // config error) or the state store failed (a runtime error).
      if (config::load_file(opts.config_path, writer->overlay()).errors.empty()) {
        for (const std::string& line : again.errors)
          std::fprintf(stderr, "%s\n", line.c_str());
        return exit_runtime;
      }
      print_conflict(again.errors, control_store->file());
      return exit_config;
    }
    first = std::move(again.snapshot);
    journal->start();
  }

  unsigned workers = opts.workers.value_or(first->gateway().workers);
  if (workers == 0) {
    workers = std::max(1u, std::thread::hardware_concurrency());
  }
  const config::gateway_settings settings = first->gateway();

  gw::server_setup setup;
  setup.workers = workers;
  setup.source = &source;
  setup.writer = writer.get();
  setup.usage = usage.get();
  std::string log_path;
  const gw::access_log_sink sink = gw::parse_access_log_target(settings.access_log, log_path);
  std::string log_error;
  setup.log = gw::access_log::open(sink, log_path, workers, log_error);
  if (!log_error.empty()) {
    std::fprintf(stderr, "usagegate: %s\n", log_error.c_str());
    return exit_runtime;
  }
  const gw::open_file_limit files =
      gw::raise_open_file_limit(gw::descriptors_needed(settings.max_connections));
  print_banner(*first, opts.config_path, workers, files);
  if (!files.enough()) {
    std::fprintf(stderr,
                 "usagegate: warning: the open-file limit (%llu) is below what maxConnections "
                 "%zu needs (%llu: a client and an upstream descriptor per connection); "
                 "connections past it fail. Raise it (ulimit -n, LimitNOFILE=, docker "
                 "--ulimit nofile=) or lower gateway.maxConnections.\n",
                 static_cast<unsigned long long>(files.limit), settings.max_connections,
                 static_cast<unsigned long long>(files.wanted));
  }

  // Asio sends with MSG_NOSIGNAL; this only guards stray writes to a closed pipe.
  std::signal(SIGPIPE, SIG_IGN);
  gw::server srv(std::move(first), clock, std::move(setup));
  if (const auto ec = srv.listen()) {
    std::fprintf(stderr, "usagegate: cannot listen on %s:%u: %s\n",
                 settings.listener.address.c_str(), unsigned{settings.listener.port},
                 ec.message().c_str());
    return exit_runtime;
  }
  if (const auto ec = srv.start_admin()) {
    std::fprintf(stderr, "usagegate: cannot listen on %s:%u (admin): %s\n",
                 settings.admin.address.c_str(), unsigned{settings.admin.port},
                 ec.message().c_str());
    return exit_runtime;
  }
  std::printf("usagegate: listening on %s\n", url_of(srv.local_endpoint()).c_str());
  const gw::tcp::endpoint admin_at(gw::net::ip::make_address(settings.admin.address),
                                   srv.admin_port());
  std::printf("usagegate: admin on %s\n", url_of(admin_at).c_str());
  std::fflush(stdout);
  const int rc = srv.run([] {
    std::printf("usagegate: ready\n");
    std::fflush(stdout);
  });
  // The workers have stopped: no request can count any more, so the counts
  // written now are exact (a restart resumes from them, not from reservations).
  if (journal && !journal->stop()) {
    std::fprintf(stderr, "usagegate: state: final counts not written to %s\n",
                 store->file().c_str());
    return exit_runtime;
  }
  return rc;
}

/// `usagegate usage`: AWS get-usage's output from a state directory.
int print_usage(const gw::cli_options& opts) {
  const auto from = ug::store::parse_utc_day(opts.from_date);
  const auto to = ug::store::parse_utc_day(opts.to_date);
  if (!from || !to) {
    std::fprintf(stderr, "usagegate: usage: --from and --to need a date as YYYY-MM-DD\n");
    return exit_config;
  }
  if (*to < *from) {
    std::fprintf(stderr, "usagegate: usage: --to is before --from\n");
    return exit_config;
  }
  try {
    auto store = ug::store::usage_store::open_read_only(opts.state_dir);
    std::optional<std::string_view> key;
    if (opts.key_id) {
      key = *opts.key_id;
    }
    const ug::store::daily_usage usage = store->usage_for(opts.plan_id, key, *from, *to);
    std::fputs(ug::store::get_usage_json(opts.plan_id, *from, *to, usage).c_str(), stdout);
    return exit_ok;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "usagegate: %s\n", e.what());
    return exit_runtime;
  }
}

/// `usagegate export`: the config file plus control.db's objects, as one
/// config file on stdout, checked the way --check-config checks a file.
int print_export(const gw::cli_options& opts) {
  std::string file_json;
  std::filesystem::path base_dir;
  if (!opts.config_path.empty()) {
    std::ifstream in(opts.config_path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "usagegate: export: cannot read %s\n", opts.config_path.c_str());
      return exit_config;
    }
    std::ostringstream text;
    text << in.rdbuf();
    file_json = text.str();
    base_dir = std::filesystem::absolute(opts.config_path).parent_path();
  }
  config::overlay objects;
  try {
    const std::unique_ptr<ug::store::control_store> store =
        ug::store::control_store::open_read_only(opts.state_dir);
    if (store)
      objects = gw::control_writer::overlay_of_store(*store);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "usagegate: export: %s\n", e.what());
    return exit_runtime;
  }
  const config::merge_result merged = config::merge_overlay(file_json, objects);
  if (!merged.json) {
    std::fprintf(stderr, "usagegate: export: %s\n", merged.error.c_str());
    return exit_config;
  }
  const config::load_result checked = config::load_string(*merged.json, base_dir);
  if (!checked.errors.empty()) {
    std::fprintf(stderr, "usagegate: export: the merged configuration does not check:\n");
    for (const config::config_error& e : checked.errors)
      std::fprintf(stderr, "  %s\n", e.to_string().c_str());
    return exit_config;
  }
  std::fputs(merged.json->c_str(), stdout);
  return exit_ok;
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
    case gw::cli_command::usage:
      return print_usage(*parsed.options);
    case gw::cli_command::export_config:
      return print_export(*parsed.options);
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
