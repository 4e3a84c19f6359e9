#include "gateway/http/wire_framing.hpp"

namespace ug::gateway {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view last_chunk = "0\r\n\r\n";  // no trailers are relayed

}  // namespace

wire_piece::wire_piece(body_framing framing, std::string_view head, const char* data,
                       std::size_t size, bool last) noexcept {
  add(head.data(), head.size());
  if (framing == body_framing::none) {
    return;  // a body where none may be sent is dropped, never framed
  }
  if (framing != body_framing::chunked) {
    add(data, size);
    return;
  }
  if (size > 0) {
    // "<hex size>\r\n", written backwards from the end of size_line_.
    std::size_t pos = size_line_.size();
    size_line_[--pos] = '\n';
    size_line_[--pos] = '\r';
    std::size_t v = size;
    do {
      size_line_[--pos] = "0123456789abcdef"[v & 0xf];
      v >>= 4;
    } while (v != 0);
    add(size_line_.data() + pos, size_line_.size() - pos);
    add(data, size);
    add(crlf.data(), crlf.size());
  }
  if (last) {
    add(last_chunk.data(), last_chunk.size());
  }
}

void wire_piece::add(const void* p, std::size_t n) noexcept {
  if (n == 0) {
    return;
  }
  buffers_[count_++] = net::const_buffer(p, n);
  total_bytes_ += n;
}

}  // namespace ug::gateway
