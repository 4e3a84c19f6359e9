#pragma once
// The identifiers AWS puts on every exchange: x-amzn-RequestId (a UUID v4, or
// the client's own value, which AWS echoes), x-amz-apigw-id (16 characters of
// base64 ending in '=') and the X-Ray style X-Amzn-Trace-Id
// ("Root=1-<8 hex epoch seconds>-<24 hex>"). Fixed storage, no allocation.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ug::gateway {

class request_ids {
 public:
  static constexpr std::size_t max_request_id_bytes = 128;
  static constexpr std::size_t max_trace_id_bytes = 256;

  /// Not thread-safe (one owner); draws from a per-thread random generator.
  /// Keeps a client value when it is printable ASCII and fits, else generates.
  /// `utc_ns` is the request's clock reading (the trace root embeds its seconds).
  void assign(std::string_view client_request_id, std::string_view client_trace_id,
              std::int64_t utc_ns) noexcept;

  [[nodiscard]] std::string_view request_id() const noexcept {
    return {request_id_.data(), request_id_len_};
  }
  [[nodiscard]] std::string_view apigw_id() const noexcept {
    return {apigw_id_.data(), apigw_id_.size()};
  }
  [[nodiscard]] std::string_view trace_id() const noexcept {
    return {trace_id_.data(), trace_id_len_};
  }
  /// True when trace_id() was generated here (the client sent none usable).
  [[nodiscard]] bool trace_generated() const noexcept { return trace_generated_; }

 private:
  std::array<char, max_request_id_bytes> request_id_{};
  std::size_t request_id_len_ = 0;
  std::array<char, 16> apigw_id_{};
  std::array<char, max_trace_id_bytes> trace_id_{};
  std::size_t trace_id_len_ = 0;
  bool trace_generated_ = false;
};

/// Thread-safe (per-thread generator). Writes a random UUID v4 (36 characters,
/// lower-case hex) into `out`.
void make_uuid_v4(std::array<char, 36>& out) noexcept;

}  // namespace ug::gateway
