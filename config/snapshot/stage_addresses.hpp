#pragma once
// The two addresses every stage has besides its base path, spelled as
// LocalStack and AWS spell them (docs/semantics.md, "Addressing a stage"):
//   - the path  /restapis/{apiId}/{stageName}/_user_request_/{path}
//   - the host  {apiId}.execute-api.<anything>, with the path /{stageName}/{path}
// A client written against AWS or LocalStack reaches a stage unchanged, and so
// does an API created at runtime, which has no base path anyone chose.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ug::config {

/// A stage named by a request: its ids as the request spells them, and how
/// much of the path named it.
struct stage_address {
  std::string_view api_id;
  std::string_view stage_name;
  /// path.substr(prefix_bytes) is the resource path: "/x", "/", or "" (the
  /// root resource).
  std::size_t prefix_bytes = 0;
  /// Segments of the prefix: a ".." may not climb above them.
  std::uint32_t prefix_segments = 0;
};

/// Pure, allocates nothing. LocalStack's form: "/restapis/a1/v1/_user_request_"
/// followed by nothing or by "/..." names (a1, v1) with a 4-segment prefix.
/// `path` is canonical and has no query. nullopt for any other shape.
[[nodiscard]] std::optional<stage_address> user_request_address(std::string_view path) noexcept;

/// Pure, allocates nothing. The api id label of a Host value shaped
/// "{apiId}.execute-api.<anything>" (that label of "execute-api" in any
/// letter case, any suffix and port), as sent; nullopt for any other host.
[[nodiscard]] std::optional<std::string_view> execute_api_host_id(std::string_view host) noexcept;

/// Pure, allocates nothing. AWS's path under an execute-api host: "/v1/x"
/// names stage "v1" of `api_id` with a 1-segment prefix; nullopt when the
/// path names no stage ("", "/").
[[nodiscard]] std::optional<stage_address> execute_api_address(std::string_view api_id,
                                                               std::string_view path) noexcept;

/// Every stage by (api id, stage name), sorted once at compile time so that a
/// request finds its stage by binary search: no allocation, no lock.
class stage_address_table {
 public:
  static constexpr std::uint32_t none = UINT32_MAX;

  /// Not thread-safe: build time only. Call seal() after the last add().
  void add(std::string_view api_id, std::string_view stage_name, std::uint32_t stage_index);
  /// Not thread-safe: build time only. Sorts. Two stages of one name whose
  /// api ids differ only in letter case keep their path address but lose
  /// their host address: a host name has no case to tell them apart by.
  void seal();

  /// Thread-safe (const), allocates nothing, never throws. The stage whose
  /// ids are exactly these (case-sensitive, as the canonical path spells
  /// them); none when there is no such stage.
  [[nodiscard]] std::uint32_t find(std::string_view api_id,
                                   std::string_view stage_name) const noexcept;
  /// Thread-safe (const), allocates nothing, never throws. The same with the
  /// api id from a Host label, compared without ASCII case; the stage name
  /// is still case-sensitive. none when there is no such stage.
  [[nodiscard]] std::uint32_t find_by_host(std::string_view host_api_id,
                                           std::string_view stage_name) const noexcept;

 private:
  struct entry {
    std::string api_id;  ///< as configured (find), or lower-cased (find_by_host)
    std::string stage_name;
    std::uint32_t stage_index = none;
  };

  std::vector<entry> by_id_;    // sorted by (api_id, stage_name)
  std::vector<entry> by_host_;  // lower-cased ids, sorted; no two equal keys
};

}  // namespace ug::config
