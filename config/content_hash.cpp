#include "config/content_hash.hpp"

#include <openssl/evp.h>

namespace ug::config::detail {

struct content_hasher::impl {
  EVP_MD_CTX* ctx = nullptr;
  bool ok = false;
};

content_hasher::content_hasher() : impl_(std::make_unique<impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  impl_->ok = impl_->ctx != nullptr && EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) == 1;
}

content_hasher::~content_hasher() {
  EVP_MD_CTX_free(impl_->ctx);
}

void content_hasher::update(std::string_view bytes) noexcept {
  if (impl_->ok && !bytes.empty())
    impl_->ok = EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()) == 1;
}

std::string content_hasher::hex_digest() const {
  if (!impl_->ok)
    return {};
  // Finalise a copy so that the running digest stays usable.
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  if (copy == nullptr)
    return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const bool done =
      EVP_MD_CTX_copy_ex(copy, impl_->ctx) == 1 && EVP_DigestFinal_ex(copy, digest, &length) == 1;
  EVP_MD_CTX_free(copy);
  if (!done)
    return {};
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 0x0f];
  }
  return text;
}

limiter::sha256_digest sha256_of(std::string_view data) noexcept {
  limiter::sha256_digest digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

std::optional<limiter::sha256_digest> parse_sha256_hex(std::string_view hex) noexcept {
  if (hex.size() != 64)
    return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  limiter::sha256_digest digest{};
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int high = nibble(hex[2 * i]);
    const int low = nibble(hex[2 * i + 1]);
    if (high < 0 || low < 0)
      return std::nullopt;
    digest[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return digest;
}

}  // namespace ug::config::detail
