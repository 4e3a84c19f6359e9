#pragma once
// SHA-256 (OpenSSL EVP), the one wrapper every folder uses: key values kept
// as digests, the admin token, the config content hash, mock-llm's body hash.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ug::common {

using sha256_digest = std::array<std::uint8_t, 32>;

/// Thread-safe, never throws. SHA-256 of `data`; all zero if OpenSSL failed
/// (it cannot with the default provider), which no key's digest equals.
[[nodiscard]] sha256_digest sha256(std::string_view data) noexcept;

/// Thread-safe. Lower-case hex, 64 digits.
[[nodiscard]] std::string to_hex(const sha256_digest& digest);

/// Thread-safe. The digest spelled by exactly 64 hex digits (either case), else nullopt.
[[nodiscard]] std::optional<sha256_digest> parse_sha256_hex(std::string_view hex) noexcept;

/// Incremental SHA-256 (the bytes of every file a config load reads).
/// Not thread-safe: one per use.
class sha256_hasher {
 public:
  sha256_hasher();
  ~sha256_hasher();
  sha256_hasher(const sha256_hasher&) = delete;
  sha256_hasher& operator=(const sha256_hasher&) = delete;

  /// Adds bytes. Not thread-safe.
  void update(std::string_view bytes) noexcept;
  /// Lower-case hex of the digest so far ("" if OpenSSL failed); the hasher
  /// stays usable. Not thread-safe.
  [[nodiscard]] std::string hex_digest() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ug::common
