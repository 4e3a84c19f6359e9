#pragma once
// A fast keyed 64-bit hash for lookups of attacker-supplied strings (API-key
// values): the key is drawn at random per table, so nobody outside the process
// can aim inputs at one bucket. Not a MAC and not for anything stored.
#include <cstdint>
#include <string_view>

namespace ug::limiter {

struct hash_key {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
  std::uint64_t k2 = 0;

  /// A fresh key from std::random_device. Thread-safe; may be slow (startup only).
  static hash_key random();
};

/// Thread-safe, pure, never throws, allocates nothing.
std::uint64_t keyed_hash(std::string_view data, const hash_key& key) noexcept;

}  // namespace ug::limiter
