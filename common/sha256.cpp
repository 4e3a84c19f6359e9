#include "common/sha256.hpp"

#include <openssl/evp.h>

#include "common/hex_digit.hpp"

namespace ug::common {
namespace {

std::string hex_of(const unsigned char* bytes, std::size_t n) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    text += hex[bytes[i] >> 4];
    text += hex[bytes[i] & 0x0f];
  }
  return text;
}

}  // namespace

sha256_digest sha256(std::string_view data) noexcept {
  sha256_digest out{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != out.size()) {
    out.fill(0);
  }
  return out;
}

std::string to_hex(const sha256_digest& digest) {
  return hex_of(digest.data(), digest.size());
}

std::optional<sha256_digest> parse_sha256_hex(std::string_view hex) noexcept {
  sha256_digest digest{};
  if (hex.size() != 2 * digest.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int high = hex_digit_value(hex[2 * i]);
    const int low = hex_digit_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    digest[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return digest;
}

struct sha256_hasher::impl {
  EVP_MD_CTX* ctx = nullptr;
  bool ok = false;
};

sha256_hasher::sha256_hasher() : impl_(std::make_unique<impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  impl_->ok = impl_->ctx != nullptr && EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) == 1;
}

sha256_hasher::~sha256_hasher() {
  EVP_MD_CTX_free(impl_->ctx);
}

void sha256_hasher::update(std::string_view bytes) noexcept {
  if (impl_->ok && !bytes.empty()) {
    impl_->ok = EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()) == 1;
  }
}

std::string sha256_hasher::hex_digest() const {
  if (!impl_->ok) {
    return {};
  }
  // Finalise a copy so that the running digest stays usable.
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  if (copy == nullptr) {
    return {};
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const bool done =
      EVP_MD_CTX_copy_ex(copy, impl_->ctx) == 1 && EVP_DigestFinal_ex(copy, digest, &length) == 1;
  EVP_MD_CTX_free(copy);
  if (!done) {
    return {};
  }
  return hex_of(digest, length);
}

}  // namespace ug::common
