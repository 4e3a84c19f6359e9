#include "limiter/keyed_hash.hpp"

#include <cstring>
#include <random>

namespace ug::limiter {
namespace {

__extension__ typedef unsigned __int128 u128;

/// 64x64 -> 128-bit multiply folded back to 64 bits: every input bit reaches
/// every output bit in one step (the "multiply-xor" mixer).
inline std::uint64_t fold_mul(std::uint64_t a, std::uint64_t b) noexcept {
  const u128 product = static_cast<u128>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

inline std::uint64_t load64(const char* p) noexcept {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline std::uint64_t load32(const char* p) noexcept {
  std::uint32_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline std::uint64_t byte_at(const char* p, std::size_t i) noexcept {
  return static_cast<unsigned char>(p[i]);
}

}  // namespace

hash_key hash_key::random() {
  std::random_device device;
  const auto draw = [&device] {
    std::uint64_t v = 0;
    // Force odd, high-entropy multipliers: an even factor would drop low bits.
    while ((v >> 32) == 0 || (v & 0xffffffffU) == 0) {
      v = (std::uint64_t{device()} << 32) ^ device();
    }
    return v | 1U;
  };
  hash_key key;
  key.k0 = draw();
  key.k1 = draw();
  key.k2 = draw();
  return key;
}

std::uint64_t keyed_hash(std::string_view data, const hash_key& key) noexcept {
  const char* p = data.data();
  std::size_t n = data.size();
  std::uint64_t h = key.k0 ^ fold_mul(n ^ key.k2, key.k1);
  while (n > 16) {
    h = fold_mul(load64(p) ^ key.k1, load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  // 0..16 bytes left: two (possibly overlapping) reads cover them all.
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (n >= 8) {
    a = load64(p);
    b = load64(p + n - 8);
  } else if (n >= 4) {
    a = load32(p);
    b = load32(p + n - 4);
  } else if (n > 0) {
    a = (byte_at(p, 0) << 16) | (byte_at(p, n / 2) << 8) | byte_at(p, n - 1);
  }
  h = fold_mul(a ^ key.k1, b ^ h);
  return fold_mul(h ^ key.k2, data.size() ^ key.k0);
}

}  // namespace ug::limiter
