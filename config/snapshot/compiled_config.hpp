#pragma once
// The immutable runtime snapshot compiled from a validated document: route
// table, key table, limiter parameters and pointers to the persistent limiter
// state. Workers read it without locks through common::snapshot_cell; a reload
// compiles a new one against the same state_registry and publishes it.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/document/document.hpp"
#include "config/snapshot/outcome.hpp"
#include "limiter/admission.hpp"
#include "limiter/clock.hpp"
#include "limiter/state_registry.hpp"

namespace ug::config {

/// What the network layer knows about a request after reading its header.
struct request_facts {
  std::string_view method;  ///< as sent ("GET")
  /// Canonical origin-form target ("/v1/endpoint?x=1"): the network layer
  /// removed dot segments and normalised escapes, and forwards this same form.
  std::string_view target;
  /// The Host field as sent ("" when there is none): an execute-api host
  /// names the API (docs/semantics.md, "Addressing a stage").
  std::string_view host;
  std::string_view api_key;  ///< x-api-key value (valid when has_api_key)
  bool has_api_key = false;
  /// Fewest path segments left by a ".." while the target was made canonical
  /// (UINT32_MAX: no ".."); below the path that addressed the stage, or in
  /// no stage at all -> bad_request.
  std::uint32_t lowest_depth_segments = UINT32_MAX;
  limiter::instant now;  ///< the one clock read of this request
};

/// verdict::stage_index and stage_match::index when no stage matched.
inline constexpr std::uint32_t no_stage = UINT32_MAX;

struct verdict {
  outcome result = outcome::missing_auth_token;  ///< never upstream_error
  /// The stage the request addressed: always for forward, throttled,
  /// quota_exceeded and forbidden; no_stage when none did (a
  /// missing_auth_token or bad_request may have one or not).
  std::uint32_t stage_index = no_stage;
  /// target.substr(offset) is the path after what addressed the stage (its
  /// base path, "/restapis/{id}/{stage}/_user_request_", or "/{stage}" under
  /// an execute-api host): starts with '/' or '?', or is empty.
  std::size_t forward_path_offset = 0;
  std::string_view key_id;         ///< "" when no key was identified (never the value)
  std::string_view plan_id;        ///< "" when no plan applied
  std::string_view resource_path;  ///< matched resource ("/endpoint"), for metrics/logs
  /// The integration URI's path ("/v1/{proxy}", always starting with '/')
  /// the request goes to, its parameters filled from resource_path; "" for
  /// the upstream's base path + the path below the stage.
  std::string_view integration_path;
  std::string_view integration_method;  ///< the upstream request's method; "" keeps the client's
  limiter::admission_result admission;  ///< figures for Retry-After / RateLimit headers
  /// What a forwarded request was charged; limiter::give_back() undoes it
  /// when the request turns out malformed before the upstream saw any of it
  /// (a chunked body broken in its first chunk). Points into this snapshot.
  limiter::admission_chain charged;
};

struct compiled_stage {
  std::string api_id;
  std::string stage_name;
  std::string base_path;  ///< "/v1"
  upstream_settings upstream;
  std::uint32_t base_segments = 0;  ///< segments in base_path ("/" 0, "/v1" 1)
  /// A stage the control plane deployed: no base path (base_path ""), reached
  /// at /restapis/{id}/{stage}/_user_request_/ and its execute-api host only.
  bool upstream_from_integrations = false;
};

/// The stage a request addresses, without routing or admission.
struct stage_match {
  std::uint32_t index = no_stage;
  std::size_t prefix_bytes = 0;  ///< target.substr(prefix_bytes) is below the stage
};

class compiled_config {
 public:
  /// Call on the control thread. `doc` must have passed validation
  /// (config/loader). A plan's start (the initialRequests offset applies to
  /// the period it falls in) is the one in state.plan_starts(), else the one
  /// in `previous` (the snapshot being replaced), else `now`; compile records
  /// the starts the ledger lacked before it returns, and throws what the
  /// ledger throws (no snapshot then). Limiter state is found in `state` by
  /// id, so buckets and quota counts survive the swap. A bucket whose limits
  /// differ from those in `previous` keeps its state in the old units until
  /// carry_over_from() runs.
  static std::shared_ptr<const compiled_config> compile(const document& doc,
                                                        limiter::state_registry& state,
                                                        limiter::instant now,
                                                        std::string content_sha256_hex = {},
                                                        const compiled_config* previous = nullptr);
  ~compiled_config();

  /// Call on the control thread, immediately before publishing this snapshot
  /// in place of `previous` (the snapshot it was compiled from), with a clock
  /// reading taken just then: rewrites every bucket whose limits changed into
  /// the new limits' units, keeping its tokens (docs/semantics.md, "Reload").
  /// Lock-free against workers still deciding with `previous`; a decision
  /// made with `previous` after this call reads such a bucket in the wrong
  /// units, which is why it runs last, after everything slow (the store).
  /// Not thread-safe against another carry_over_from.
  void carry_over_from(const compiled_config& previous, std::int64_t now_mono_ns) const;

  /// Thread-safe (const), lock-free, never throws, allocates nothing: route
  /// match, key check and all-or-nothing admission in AWS order.
  [[nodiscard]] verdict decide(const request_facts& facts) const noexcept;

  /// Thread-safe (const), lock-free, never throws, allocates nothing. The
  /// stage the canonical `target` and the Host field `host` ("" if none)
  /// address, as decide() finds it, without routing or admission: which
  /// API's gateway responses apply to a request refused before decide().
  /// no_stage when none, or on a case conflict.
  [[nodiscard]] stage_match stage_of(std::string_view target, std::string_view host) const noexcept;

  /// Thread-safe (const), never throws, allocates nothing. The gateway
  /// responses the REST API of stage `stage_index` customised; nullptr when
  /// it customised none, or for no_stage (then every response is built in).
  [[nodiscard]] const gateway_response_table* gateway_responses(
      std::uint32_t stage_index) const noexcept;

  /// Thread-safe (const).
  [[nodiscard]] const gateway_settings& gateway() const noexcept;
  [[nodiscard]] const std::vector<compiled_stage>& stages() const noexcept;
  /// Thread-safe (const). The validated document this snapshot was compiled
  /// from, as the file wrote it: what the control plane (gateway/control/)
  /// answers AWS reads with (names, descriptions, key values), which the
  /// compiled tables drop. A copy made at compile time, never read on the
  /// hot path; it holds the file's key values, so it is never logged.
  [[nodiscard]] const document& source_document() const noexcept;
  [[nodiscard]] std::size_t key_count() const noexcept;
  [[nodiscard]] std::size_t plan_count() const noexcept;
  [[nodiscard]] const std::string& content_sha256_hex() const noexcept;
  /// UTC ns at which `plan_id` started (see compile; nullopt: not in this snapshot).
  [[nodiscard]] std::optional<std::int64_t> plan_start_utc_ns(std::string_view plan_id) const;

  /// Thread-safe (const). Calls `fn` once per (plan with a quota, key in
  /// it): what the durable store persists and restores.
  using quota_visitor = std::function<void(std::string_view plan_id, std::string_view key_id,
                                           const limiter::quota_params& params,
                                           const std::shared_ptr<limiter::key_plan_state>& state)>;
  void for_each_quota(const quota_visitor& fn) const;

 private:
  compiled_config();
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ug::config
