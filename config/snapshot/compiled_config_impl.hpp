#pragma once
// Internal to config/: the inside of a compiled_config snapshot, shared by
// the files that build it (compile_config.cpp), decide with it (decide.cpp),
// read it (compiled_config.cpp) and carry limiter state over on reload
// (compiled_config_carry_over.cpp). Nothing outside config/ includes it.
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/snapshot/compiled_config.hpp"
#include "config/snapshot/route_table.hpp"
#include "config/snapshot/stage_addresses.hpp"
#include "limiter/key_table.hpp"

namespace ug::config {

struct compiled_config::impl {
  /// One (stage, resource, method): what applies to requests it matches.
  struct route_limits {
    std::string resource_path;
    std::string http_method;
    bool api_key_required = false;
    /// The integration URI's path ("/v1/{proxy}") when the stage's upstream
    /// comes from its integrations and this method has one; "" otherwise
    /// (the upstream's base path + the path below the stage).
    std::string integration_path;
    std::string integration_method;  ///< sent upstream; "" keeps the client's
    bool has_stage_throttle = false;
    limiter::limit_level stage_level = limiter::limit_level::stage;
    limiter::throttle_params stage_params;
    std::shared_ptr<limiter::gcra_bucket> stage_bucket;
  };

  struct stage_runtime {
    route_table routes;
    std::vector<route_limits> limits;  // indexed by route id
  };

  struct method_throttle {
    std::uint32_t stage_index = 0;
    std::uint32_t route_id = 0;
    limiter::throttle_params params;
  };

  struct plan {
    std::string id;
    std::vector<std::uint32_t> stage_indices;
    bool has_throttle = false;
    limiter::throttle_params throttle;
    bool has_quota = false;
    limiter::quota_params quota;
    std::vector<method_throttle> method_throttles;
  };

  /// A key's membership in one plan, with its state in that plan.
  struct key_binding {
    std::uint32_t plan_index = 0;
    std::shared_ptr<limiter::key_plan_state> state;
    std::vector<std::shared_ptr<limiter::gcra_bucket>>
        method_buckets;  // parallel to plan.method_throttles
  };

  struct key {
    std::string id;
    bool enabled = false;
    std::vector<key_binding> bindings;
  };

  gateway_settings gateway;
  std::shared_ptr<const document> source;  // compiled_config::source_document()
  std::vector<compiled_stage> stages;
  std::vector<stage_runtime> stage_runtimes;         // parallel to stages
  std::vector<std::uint32_t> stages_by_base_length;  // longest base path first
  stage_address_table addresses;                     // every stage by (api id, stage name)
  /// The gateway responses of every REST API that customised some, and for
  /// each stage (parallel to stages) its API's table or nullptr.
  std::vector<std::unique_ptr<const gateway_response_table>> response_tables;
  std::vector<const gateway_response_table*> stage_responses;
  std::vector<plan> plans;
  std::vector<key> keys;
  limiter::key_table key_lookup;
  bool has_account_throttle = false;
  limiter::throttle_params account_params;
  std::shared_ptr<limiter::gcra_bucket> account_bucket;
  std::map<std::string, std::int64_t, std::less<>> plan_start_utc_ns;
  std::string content_sha256_hex;
  limiter::quota_journal* journal = nullptr;  // from the state registry at compile time

  /// The stage a request addresses (stage_addresses.hpp for the two forms
  /// besides the base path), and how much of its path did so.
  struct stage_hit {
    /// Index into stages; route_table::no_route when none,
    /// route_table::case_conflict for a base path but for letter case.
    std::uint32_t index = route_table::no_route;
    std::size_t prefix_bytes = 0;       ///< path.substr(prefix_bytes) is below the stage
    std::uint32_t prefix_segments = 0;  ///< a ".." may not climb above these
  };

  /// Thread-safe (const), allocates nothing, never throws (decide.cpp).
  /// `path` is canonical, without the query; `host` is the Host field ("" if
  /// none). An execute-api host decides alone; otherwise a base path other
  /// than "/" (longest first), then LocalStack's /restapis/ form, then "/".
  stage_hit match_stage(std::string_view path, std::string_view host) const noexcept;

  /// The steps of compiled_config::compile, one member function each
  /// (compile_config.cpp). Control thread only.
  struct compiler;

  /// Control thread. Rewrites every bucket this snapshot shares with
  /// `previous` under other limits into this snapshot's units, keeping its
  /// tokens (limiter::carried_over_tat). Workers may be using the buckets.
  void carry_over_buckets_from(const impl& previous, std::int64_t now_mono_ns) const;

  const key_binding* binding_for(const key& k, std::uint32_t stage_index) const noexcept {
    for (const key_binding& b : k.bindings) {
      const plan& p = plans[b.plan_index];
      if (std::find(p.stage_indices.begin(), p.stage_indices.end(), stage_index) !=
          p.stage_indices.end()) {
        return &b;
      }
    }
    return nullptr;
  }
};

}  // namespace ug::config
