#pragma once
// SHA-256 for the loader: the hash of every file read (exported as an info
// metric so operators can tell which configuration a process runs) and the
// digest of a key value (to compare `value` keys with `valueSha256` keys).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "limiter/key_table.hpp"

namespace ug::config::detail {

/// Incremental SHA-256 over the bytes of every file the loader reads.
/// Not thread-safe: one per load.
class content_hasher {
 public:
  content_hasher();
  ~content_hasher();
  content_hasher(const content_hasher&) = delete;
  content_hasher& operator=(const content_hasher&) = delete;

  /// Adds the bytes of one file. Not thread-safe.
  void update(std::string_view bytes) noexcept;
  /// Lower-case hex of the digest so far ("" if OpenSSL failed). Not thread-safe.
  [[nodiscard]] std::string hex_digest() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// SHA-256 of `data` (OpenSSL EVP). Thread-safe.
[[nodiscard]] limiter::sha256_digest sha256_of(std::string_view data) noexcept;

/// The digest spelled by exactly 64 hex digits (either case), else nullopt. Thread-safe.
[[nodiscard]] std::optional<limiter::sha256_digest> parse_sha256_hex(std::string_view hex) noexcept;

}  // namespace ug::config::detail
