#pragma once
// Readiness: has every stage's upstream been reached at least once? One flag
// per upstream endpoint (host:port), shared by every worker's pool for that
// endpoint and set by the first successful connect. A /readyz that finds an
// endpoint not reached yet also starts one TCP connect to it (a probe), so
// an idle gateway becomes ready without client traffic.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "config/snapshot/compiled_config.hpp"
#include "gateway/net/net.hpp"
#include "gateway/proxy/upstream_pool.hpp"

namespace ug::gateway {

class upstream_reachability {
 public:
  upstream_reachability() = default;
  upstream_reachability(const upstream_reachability&) = delete;
  upstream_reachability& operator=(const upstream_reachability&) = delete;

  /// Thread-safe (internal mutex: called when a worker creates a pool, never
  /// per request). The flag of `u`'s endpoint, created unset on first use;
  /// it stays set for the life of the process.
  [[nodiscard]] reach_flag flag(const config::upstream_settings& u);

  /// Thread-safe (internal mutex). True when the upstream of every stage of
  /// `cfg` has been reached at least once (a config without stages is ready).
  [[nodiscard]] bool all_reached(const config::compiled_config& cfg);

  /// Control thread only (the probes run on `control`, which must outlive
  /// them or destroy them with its pending handlers). Starts a TCP connect,
  /// bounded by the stage's connect timeout, to every upstream of `cfg` not
  /// reached yet and not already being probed; a success sets its flag.
  void probe_unreached(net::io_context& control, const config::compiled_config& cfg);

 private:
  static std::string endpoint_key(const config::upstream_settings& u);
  void probe_done(const std::string& key);

  std::mutex mutex_;
  std::map<std::string, reach_flag, std::less<>> flags_;  // guarded by mutex_
  std::set<std::string, std::less<>> probing_;            // control thread only
  friend class reach_probe;
};

}  // namespace ug::gateway
