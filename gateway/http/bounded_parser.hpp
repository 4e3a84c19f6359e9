#pragma once
// Beast's parser with one more limit: a field whose name or value does not fit
// Beast's 16-bit field offsets. Beast's fields throw std::length_error for such
// a field from inside the parse, which would end the connection with no answer
// (and escape into the worker's run loop); here the parse fails with
// header_limit instead, so the client gets its 431 like any other oversized
// header. Only reachable when a header limit above 64 KiB is configured.
#include <cstdint>
#include <limits>

#include "gateway/http/header_arena.hpp"
#include "gateway/net/net.hpp"

namespace ug::gateway {

template <bool IsRequest>
class bounded_parser final
    : public http::parser<IsRequest, http::buffer_body, arena_allocator<char>> {
  using base = http::parser<IsRequest, http::buffer_body, arena_allocator<char>>;

 public:
  using base::base;

  /// Longest field name or value Beast's fields can hold.
  static constexpr std::size_t max_field_part_bytes = std::numeric_limits<std::uint16_t>::max() - 2;

 private:
  void on_field_impl(http::field name, beast::string_view name_string, beast::string_view value,
                     error_code& ec) override {
    if (name_string.size() > max_field_part_bytes || value.size() > max_field_part_bytes) {
      ec = http::error::header_limit;
      return;
    }
    this->get().insert(name, name_string, value);
  }
};

/// Parsers whose header fields live in the exchange's header_arena.
using request_parser = bounded_parser<true>;
using response_parser = bounded_parser<false>;

}  // namespace ug::gateway
