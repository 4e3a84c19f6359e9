#pragma once
// The process's open-file limit, raised at start-up to what maxConnections
// needs: every proxied connection holds two descriptors (the client's and the
// upstream's), and a default soft limit (often 1,024) would cap the gateway far
// below its configured connection count.
#include <cstdint>

namespace ug::gateway {

struct open_file_limit {
  std::uint64_t limit = 0;   ///< RLIMIT_NOFILE soft limit now in force
  std::uint64_t wanted = 0;  ///< what the configuration needs
  [[nodiscard]] bool enough() const noexcept { return limit >= wanted; }
};

/// Descriptors `max_connections` proxied connections need, plus room for
/// listeners, idle pooled connections, the access log and the store.
[[nodiscard]] std::uint64_t descriptors_needed(std::uint64_t max_connections) noexcept;

/// Not thread-safe (call once at start-up, before threads). Raises the soft
/// RLIMIT_NOFILE to `wanted` (never lowers it), raising the hard limit too when
/// the process may (root / CAP_SYS_RESOURCE, up to fs.nr_open); else up to the
/// hard limit.
open_file_limit raise_open_file_limit(std::uint64_t wanted) noexcept;

}  // namespace ug::gateway
