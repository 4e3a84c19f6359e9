#include "gateway/aws/request_ids.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cstring>

namespace ug::gateway {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";
constexpr char base64_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// xoshiro256**: ids need to be unique, not secret, so a fast per-thread
// generator seeded once from the kernel is enough and keeps the hot path free
// of system calls and locks.
class id_random {
 public:
  id_random() noexcept {
    if (::getrandom(s_, sizeof s_, 0) != static_cast<ssize_t>(sizeof s_)) {
      // No kernel entropy (should not happen): fall back to address and time bits.
      std::uint64_t seed = reinterpret_cast<std::uintptr_t>(this) ^ 0x9e3779b97f4a7c15ULL;
      for (auto& w : s_) {
        seed += 0x9e3779b97f4a7c15ULL;
        std::uint64_t z = seed;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        w = z ^ (z >> 31);
      }
    }
  }
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

id_random& thread_random() noexcept {
  thread_local id_random r;
  return r;
}

void random_bytes(std::uint8_t* out, std::size_t n) noexcept {
  id_random& r = thread_random();
  while (n > 0) {
    const std::uint64_t v = r.next();
    const std::size_t take = std::min<std::size_t>(n, sizeof v);
    std::memcpy(out, &v, take);
    out += take;
    n -= take;
  }
}

bool printable_ascii(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

}  // namespace

void make_uuid_v4(std::array<char, 36>& out) noexcept {
  std::uint8_t b[16];
  random_bytes(b, sizeof b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::size_t o = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out[o++] = '-';
    }
    out[o++] = hex_digits[b[i] >> 4];
    out[o++] = hex_digits[b[i] & 0x0f];
  }
}

void request_ids::assign(std::string_view client_request_id, std::string_view client_trace_id,
                         std::int64_t utc_ns) noexcept {
  if (!client_request_id.empty() && client_request_id.size() <= request_id_.size() &&
      printable_ascii(client_request_id)) {
    std::memcpy(request_id_.data(), client_request_id.data(), client_request_id.size());
    request_id_len_ = client_request_id.size();
  } else {
    std::array<char, 36> uuid;
    make_uuid_v4(uuid);
    std::memcpy(request_id_.data(), uuid.data(), uuid.size());
    request_id_len_ = uuid.size();
  }

  // 11 random bytes are exactly 15 base64 digits plus one '=' of padding: the
  // 16-character shape AWS's extended request ids have ("LLCm7FonFiAFXFg=").
  std::uint8_t b[12] = {};
  random_bytes(b, 11);
  std::size_t o = 0;
  for (std::size_t i = 0; i < 12; i += 3) {
    const std::uint32_t v = (std::uint32_t{b[i]} << 16) | (std::uint32_t{b[i + 1]} << 8) | b[i + 2];
    apigw_id_[o++] = base64_digits[(v >> 18) & 63];
    apigw_id_[o++] = base64_digits[(v >> 12) & 63];
    apigw_id_[o++] = base64_digits[(v >> 6) & 63];
    apigw_id_[o++] = base64_digits[v & 63];
  }
  apigw_id_[15] = '=';

  if (!client_trace_id.empty() && client_trace_id.size() <= trace_id_.size() &&
      printable_ascii(client_trace_id)) {
    std::memcpy(trace_id_.data(), client_trace_id.data(), client_trace_id.size());
    trace_id_len_ = client_trace_id.size();
    trace_generated_ = false;
    return;
  }
  constexpr std::string_view prefix = "Root=1-";
  std::memcpy(trace_id_.data(), prefix.data(), prefix.size());
  o = prefix.size();
  const auto secs = static_cast<std::uint32_t>(utc_ns / 1'000'000'000);
  for (int shift = 28; shift >= 0; shift -= 4) {
    trace_id_[o++] = hex_digits[(secs >> shift) & 0x0f];
  }
  trace_id_[o++] = '-';
  std::uint8_t r[12];
  random_bytes(r, sizeof r);
  for (std::uint8_t v : r) {
    trace_id_[o++] = hex_digits[v >> 4];
    trace_id_[o++] = hex_digits[v & 0x0f];
  }
  trace_id_len_ = o;
  trace_generated_ = true;
}

}  // namespace ug::gateway
