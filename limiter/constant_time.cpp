#include "limiter/constant_time.hpp"

#include <openssl/crypto.h>

namespace ug::limiter {
namespace {
/// OpenSSL's x86-64 CRYPTO_memcmp compares exactly 16 bytes with two 64-bit
/// XORs and no loop; any other length runs a byte-at-a-time loop (~23 ns for a
/// 40-character key, half the admission budget). So equal-length inputs are
/// compared in 16-byte pieces, the last one overlapping: the number and size
/// of the pieces depend on the length only, and results are OR-ed without an
/// early exit, so the time still does not depend on the content.
constexpr std::size_t piece = 16;
}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  const std::size_t n = a.size();
  if (n < piece) {
    return CRYPTO_memcmp(a.data(), b.data(), n) == 0;
  }
  int diff = 0;
  std::size_t pos = 0;
  for (; pos + piece <= n; pos += piece) {
    diff |= CRYPTO_memcmp(a.data() + pos, b.data() + pos, piece);
  }
  if (pos < n) {
    diff |= CRYPTO_memcmp(a.data() + n - piece, b.data() + n - piece, piece);
  }
  return diff == 0;
}

}  // namespace ug::limiter
