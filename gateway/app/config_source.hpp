#pragma once
// The configuration file behind a running gateway: the first load, reloads,
// and change detection for gateway.reloadOnFileChange. A reload compiles the
// new document against the same state_registry and the previous snapshot,
// so buckets, quota counts and plan start times carry over by id. Settings
// bound at start-up (listeners, workers, access log, metrics key series,
// state directory) keep their running values; the reload says which changed.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/loader.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "limiter/clock.hpp"
#include "limiter/state_registry.hpp"

namespace ug::gateway {

struct config_load {
  std::shared_ptr<const config::compiled_config> snapshot;  ///< null when the load failed
  /// Why it failed: one "path: message" line per error (as --check-config prints).
  std::vector<std::string> errors;
  /// Restart-only settings the file changed ("gateway.listener", ...); the
  /// snapshot keeps the running values for them.
  std::vector<std::string> restart_needed;
};

class config_source {
 public:
  /// Not thread-safe (every member): the control thread owns it. `state` and
  /// `clock` outlive it.
  config_source(std::filesystem::path path, limiter::state_registry& state,
                const limiter::clock& clock);

  /// Reads, validates and compiles the file. `running` is the snapshot in
  /// force (null for the first load): its restart-only settings are kept and
  /// its plan start times carried over. The objects of the overlay in force
  /// (set_overlay), or of `candidate` when given (a control-plane write
  /// checking its result), are added to the file's. Never throws.
  config_load load(const config::compiled_config* running,
                   const config::overlay* candidate = nullptr);

  /// The objects every later load adds to the file's (the control plane's
  /// store, once a write committed).
  void set_overlay(config::overlay overlay) { overlay_ = std::move(overlay); }

  /// Polls the files of the last load (the main file and every file it
  /// names). True once they changed and then stayed unchanged for one poll
  /// (an editor still writing is not read half-way). Call every second.
  bool files_changed();

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  /// Called after every successful compile from now on, before load()
  /// returns the snapshot (the durable store attaches new keys' state there,
  /// restoring their counts before any request can reach them).
  void set_on_compiled(std::function<void(const config::compiled_config&)> fn) {
    on_compiled_ = std::move(fn);
  }

 private:
  struct file_state {
    bool exists = false;
    std::uint64_t inode = 0;
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const file_state&) const = default;
  };
  using fingerprint = std::vector<file_state>;

  [[nodiscard]] fingerprint take_fingerprint() const;

  std::filesystem::path path_;
  limiter::state_registry& state_;
  const limiter::clock& clock_;
  std::vector<std::string> files_;  ///< of the last successful load
  fingerprint loaded_;              ///< files_ as they were when last read
  fingerprint pending_;             ///< a change seen by the previous poll
  std::function<void(const config::compiled_config&)> on_compiled_;
  config::overlay overlay_;
};

}  // namespace ug::gateway
