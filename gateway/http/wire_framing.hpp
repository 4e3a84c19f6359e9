#pragma once
// One write per relayed piece: a message head (when it has not gone out yet),
// then a piece of body in the framing of the connection it goes to (raw bytes,
// or an HTTP/1.1 chunk), then the last-chunk marker when the body ends, as one
// gather list for one send. Beast's parser removes the chunk framing on the
// way in; this puts it back on the way out.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/net/net.hpp"

namespace ug::gateway {

/// How a message body is delimited on the wire.
enum class body_framing : std::uint8_t {
  none,            ///< no body (HEAD, 204, 304, a request without body fields)
  content_length,  ///< raw bytes, Content-Length says how many
  chunked,         ///< Transfer-Encoding: chunked
  until_close,     ///< raw bytes up to the connection's end
};

/// The buffers of one relayed piece; views into the caller's storage (and into
/// `size_line`, which the piece owns), valid while both live.
class wire_piece {
 public:
  /// Pure. `head`: a head still to send (empty: none); `data`/`size`: body
  /// bytes (size 0: none); `last`: the body ends with this piece.
  wire_piece(body_framing framing, std::string_view head, const char* data, std::size_t size,
             bool last) noexcept;
  wire_piece(const wire_piece&) = delete;
  wire_piece& operator=(const wire_piece&) = delete;

  /// The gather list (may be empty: nothing to send).
  [[nodiscard]] const std::array<net::const_buffer, 5>& buffers() const noexcept {
    return buffers_;
  }
  [[nodiscard]] std::size_t count() const noexcept { return count_; }
  [[nodiscard]] std::size_t total_bytes() const noexcept { return total_bytes_; }

 private:
  void add(const void* p, std::size_t n) noexcept;

  std::array<net::const_buffer, 5> buffers_{};
  std::size_t count_ = 0;
  std::size_t total_bytes_ = 0;
  std::array<char, 20> size_line_{};  ///< "<hex>\r\n" of a chunk
};

/// Pure. A gather list of the first `count` buffers of `p`, usable by
/// net::async_write (keeps a pointer to `p`).
class wire_piece_buffers {
 public:
  explicit wire_piece_buffers(const wire_piece& p) noexcept : p_(&p) {}
  using value_type = net::const_buffer;
  using const_iterator = const net::const_buffer*;
  [[nodiscard]] const_iterator begin() const noexcept { return p_->buffers().data(); }
  [[nodiscard]] const_iterator end() const noexcept { return p_->buffers().data() + p_->count(); }

 private:
  const wire_piece* p_;
};

}  // namespace ug::gateway
