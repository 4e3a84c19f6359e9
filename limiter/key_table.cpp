#include "limiter/key_table.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "limiter/constant_time.hpp"
#include "limiter/keyed_hash.hpp"

namespace ug::limiter {
namespace {

/// One slot of the value table: 16 bytes, the value itself lives in the arena.
struct value_slot {
  std::uint32_t fingerprint = 0;  ///< high hash bits | 1; 0 marks an empty slot
  std::uint32_t offset = 0;       ///< into the arena
  std::uint32_t length = 0;
  std::uint32_t index = 0;
};
static_assert(sizeof(value_slot) == 16);

struct digest_slot {
  common::sha256_digest digest{};
  std::uint32_t index = 0;
  bool used = false;
};

/// Load factor <= 1/2 keeps the expected probe length near 1.5 slots.
std::size_t capacity_for(std::size_t count) {
  return count == 0 ? 0 : std::bit_ceil(std::max<std::size_t>(8, count * 2));
}

std::uint32_t fingerprint_of(std::uint64_t hash) noexcept {
  return static_cast<std::uint32_t>(hash >> 32) | 1U;
}

std::uint64_t digest_hash(const common::sha256_digest& d, std::uint64_t seed) noexcept {
  // SHA-256 output is already uniform; the seed only varies the layout per table.
  std::uint64_t h = 0;
  std::memcpy(&h, d.data(), sizeof h);
  return h ^ seed;
}

}  // namespace

struct key_table::impl {
  hash_key key;
  std::uint64_t digest_seed = 0;
  std::vector<char> arena;
  std::vector<value_slot> slots;
  std::vector<digest_slot> digest_slots;
  std::size_t size = 0;
  std::size_t digest_count = 0;

  [[nodiscard]] std::string_view value_at(const value_slot& s) const noexcept {
    return std::string_view(arena.data() + s.offset, s.length);
  }

  [[nodiscard]] std::optional<std::uint32_t> find_value(std::string_view presented) const noexcept {
    if (slots.empty()) {
      return std::nullopt;
    }
    const std::uint64_t hash = keyed_hash(presented, key);
    const std::uint32_t fingerprint = fingerprint_of(hash);
    const std::size_t mask = slots.size() - 1;
    const value_slot* table = slots.data();
    for (std::size_t pos = hash & mask;; pos = (pos + 1) & mask) {
      const value_slot& s = table[pos];
      if (s.fingerprint == 0) {
        return std::nullopt;
      }
      // The fingerprint comes from a secret-keyed hash, so skipping on it
      // reveals nothing an outsider can steer; the secret itself is only ever
      // compared in constant time.
      if (s.fingerprint == fingerprint && constant_time_equal(value_at(s), presented)) {
        return s.index;
      }
    }
  }

  [[nodiscard]] std::optional<std::uint32_t> find_digest(
      const common::sha256_digest& d) const noexcept {
    if (digest_slots.empty()) {
      return std::nullopt;
    }
    const std::size_t mask = digest_slots.size() - 1;
    const digest_slot* table = digest_slots.data();
    for (std::size_t pos = digest_hash(d, digest_seed) & mask;; pos = (pos + 1) & mask) {
      const digest_slot& s = table[pos];
      if (!s.used) {
        return std::nullopt;
      }
      if (CRYPTO_memcmp(s.digest.data(), d.data(), d.size()) == 0) {
        return s.index;
      }
    }
  }

  void insert_value(std::string_view value, std::uint32_t index) {
    if (arena.size() + value.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw std::length_error("key_table: key values exceed 4 GiB");
    }
    const std::uint64_t hash = keyed_hash(value, key);
    const std::uint32_t fingerprint = fingerprint_of(hash);
    const std::size_t mask = slots.size() - 1;
    value_slot* table = slots.data();
    std::size_t pos = hash & mask;
    for (; table[pos].fingerprint != 0; pos = (pos + 1) & mask) {
      if (table[pos].fingerprint == fingerprint && value_at(table[pos]) == value) {
        return;  // duplicates: the first entry wins (config rejects them anyway)
      }
    }
    table[pos] = value_slot{fingerprint, static_cast<std::uint32_t>(arena.size()),
                            static_cast<std::uint32_t>(value.size()), index};
    arena.insert(arena.end(), value.begin(), value.end());
    ++size;
  }

  void insert_digest(const common::sha256_digest& d, std::uint32_t index) {
    const std::size_t mask = digest_slots.size() - 1;
    digest_slot* table = digest_slots.data();
    std::size_t pos = digest_hash(d, digest_seed) & mask;
    for (; table[pos].used; pos = (pos + 1) & mask) {
      if (table[pos].digest == d) {
        return;
      }
    }
    table[pos] = digest_slot{d, index, true};
    ++digest_count;
    ++size;
  }
};

key_table::key_table(const std::vector<entry>& entries) {
  auto t = std::make_shared<impl>();
  t->key = hash_key::random();
  t->digest_seed = hash_key::random().k0;
  std::size_t values = 0;
  std::size_t value_bytes = 0;
  std::size_t digests = 0;
  for (const entry& e : entries) {
    if (e.value) {
      ++values;
      value_bytes += e.value->size();
    } else if (e.value_sha256) {
      ++digests;
    }
  }
  t->arena.reserve(value_bytes);
  t->slots.resize(capacity_for(values));
  t->digest_slots.resize(capacity_for(digests));
  for (const entry& e : entries) {
    if (e.value) {
      t->insert_value(*e.value, e.index);
    } else if (e.value_sha256) {
      t->insert_digest(*e.value_sha256, e.index);
    }
  }
  impl_ = std::move(t);
}

std::optional<std::uint32_t> key_table::find(std::string_view presented) const noexcept {
  if (!impl_) {
    return std::nullopt;
  }
  if (auto hit = impl_->find_value(presented)) {
    return hit;
  }
  // Hash the presented value only when digest-only keys exist: SHA-256 costs
  // far more than the whole fast path.
  if (impl_->digest_count == 0) {
    return std::nullopt;
  }
  return impl_->find_digest(common::sha256(presented));
}

std::size_t key_table::size() const noexcept {
  return impl_ ? impl_->size : 0;
}

std::size_t key_table::memory_bytes() const noexcept {
  if (!impl_) {
    return 0;
  }
  return sizeof(impl) + impl_->arena.capacity() + impl_->slots.capacity() * sizeof(value_slot) +
         impl_->digest_slots.capacity() * sizeof(digest_slot);
}

}  // namespace ug::limiter
