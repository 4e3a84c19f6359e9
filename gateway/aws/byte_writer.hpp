#pragma once
// Appends text and integers into a caller-owned fixed buffer. Used to build
// gateway responses and header values without touching the heap; overflow is
// sticky and reported, never written past the end. byte_counter takes the
// same appends and only counts them, to size a buffer first.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ug::gateway {

class byte_writer {
 public:
  /// Not thread-safe: one owner. `data` must outlive the writer.
  byte_writer(char* data, std::size_t capacity_bytes) noexcept
      : begin_(data), pos_(data), end_(data + capacity_bytes) {}

  byte_writer& str(std::string_view s) noexcept {
    if (overflow_ || static_cast<std::size_t>(end_ - pos_) < s.size()) {
      overflow_ = true;
      return *this;
    }
    if (!s.empty()) {
      std::memcpy(pos_, s.data(), s.size());
    }
    pos_ += s.size();
    return *this;
  }

  byte_writer& num(std::int64_t v) noexcept {
    if (overflow_) {
      return *this;
    }
    const auto [p, ec] = std::to_chars(pos_, end_, v);
    if (ec != std::errc{}) {
      overflow_ = true;
      return *this;
    }
    pos_ = p;
    return *this;
  }

  /// Everything written so far.
  [[nodiscard]] std::string_view view() const noexcept {
    return {begin_, static_cast<std::size_t>(pos_ - begin_)};
  }
  [[nodiscard]] std::size_t size() const noexcept {
    return static_cast<std::size_t>(pos_ - begin_);
  }
  /// True once any append did not fit (the content is then truncated).
  [[nodiscard]] bool overflow() const noexcept { return overflow_; }

 private:
  char* begin_;
  char* pos_;
  char* end_;
  bool overflow_ = false;
};

/// What a byte_writer would write, counted. Not thread-safe: one owner.
class byte_counter {
 public:
  byte_counter& str(std::string_view s) noexcept {
    size_ += s.size();
    return *this;
  }

  byte_counter& num(std::int64_t v) noexcept {
    char digits[20];  // "-9223372036854775808"
    const auto [p, ec] = std::to_chars(digits, digits + sizeof digits, v);
    size_ += static_cast<std::size_t>(p - digits);
    return *this;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool overflow() const noexcept { return false; }

 private:
  std::size_t size_ = 0;
};

}  // namespace ug::gateway
