#include "gateway/control/sigv4_signing.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/sha256.hpp"

namespace ug::gateway::control {
namespace {

// The digest type doubles as the HMAC output: both are 32 bytes.
using mac = common::sha256_digest;

// Wipes what it holds when it goes out of scope, whichever way.
struct wiped_key {
  std::string bytes;
  mac digest{};
  ~wiped_key() {
    OPENSSL_cleanse(bytes.data(), bytes.size());
    OPENSSL_cleanse(digest.data(), digest.size());
  }
};

bool hmac_sha256(const unsigned char* key, std::size_t key_size, std::string_view data,
                 mac& out) noexcept {
  unsigned int length = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key, static_cast<int>(key_size),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &length);
  return result != nullptr && length == out.size();
}

}  // namespace

std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view date,
                                 std::string_view region, std::string_view service,
                                 std::string_view canonical_request) {
  std::string out;
  out.append(sigv4_algorithm);
  out += '\n';
  out.append(amz_date);
  out += '\n';
  out.append(date);
  out += '/';
  out.append(region);
  out += '/';
  out.append(service);
  out += '/';
  out.append(sigv4_terminator);
  out += '\n';
  out += common::to_hex(common::sha256(canonical_request));
  return out;
}

std::string sigv4_signature(std::string_view secret, std::string_view date, std::string_view region,
                            std::string_view service, std::string_view string_to_sign) {
  wiped_key key;
  key.bytes.reserve(4 + secret.size());
  key.bytes.append("AWS4");
  key.bytes.append(secret);
  const auto* first = reinterpret_cast<const unsigned char*>(key.bytes.data());
  if (!hmac_sha256(first, key.bytes.size(), date, key.digest)) {
    return {};
  }
  for (const std::string_view step : {region, service, sigv4_terminator, string_to_sign}) {
    mac previous = key.digest;
    const bool ok = hmac_sha256(previous.data(), previous.size(), step, key.digest);
    // `previous` is a copy of key material on this frame: wipe it as well.
    OPENSSL_cleanse(previous.data(), previous.size());
    if (!ok) {
      return {};
    }
  }
  return common::to_hex(key.digest);
}

}  // namespace ug::gateway::control
