#pragma once
// Immutable API-key lookup: presented x-api-key value -> index of the key in
// the config snapshot. O(1), no lock, no allocation; secrets compared in
// constant time. Keys given only as SHA-256 digests are found by hashing the
// presented value (only when such keys exist and the fast table misses).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.hpp"

namespace ug::limiter {

class key_table {
 public:
  /// One key as configured: either its value or its digest (exactly one set).
  struct entry {
    std::optional<std::string> value;
    std::optional<common::sha256_digest> value_sha256;
    std::uint32_t index = 0;  ///< payload: position in the snapshot's key array
  };

  key_table() = default;
  /// Not thread-safe: build once (config compile), then share read-only.
  explicit key_table(const std::vector<entry>& entries);

  /// Thread-safe (const). Index of the key whose value equals `presented`.
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view presented) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept;
  /// Approximate heap bytes held (for the memory-per-key benchmark).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  struct impl;
  std::shared_ptr<const impl> impl_;
};

}  // namespace ug::limiter
