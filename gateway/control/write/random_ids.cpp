#include "gateway/control/write/random_ids.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <string_view>

namespace ug::gateway::control {
namespace {

/// Uniform over `alphabet` by rejection: bytes past the largest multiple of
/// its size are drawn again.
std::string random_text(std::size_t length, std::string_view alphabet) {
  const unsigned limit = 256 - (256 % static_cast<unsigned>(alphabet.size()));
  std::string out;
  out.reserve(length);
  std::array<unsigned char, 64> bytes{};
  while (out.size() < length) {
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
      throw std::runtime_error("the system's random number generator failed");
    for (const unsigned char b : bytes) {
      if (b >= limit)
        continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == length)
        break;
    }
  }
  return out;
}

}  // namespace

std::string random_id(std::size_t length) {
  return random_text(length, "abcdefghijklmnopqrstuvwxyz0123456789");
}

std::string random_key_value() {
  return random_text(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}

}  // namespace ug::gateway::control
