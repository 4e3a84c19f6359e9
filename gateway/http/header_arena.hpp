#pragma once
// Storage for the header fields of one exchange (the client's request and the
// upstream's response), so that parsing them allocates nothing in steady
// state: Beast's basic_fields allocates every field it stores, and with the
// default allocator that was about ten malloc/free pairs per forwarded
// request. The arena hands out memory from one block kept for the
// connection's life and takes it all back at once when the exchange ends.
#include <cstddef>
#include <memory>
#include <vector>

#include "gateway/net/net.hpp"

namespace ug::gateway {

/// Owning connection only (not thread-safe). Everything allocated from it
/// must be destroyed before reset().
class header_arena {
 public:
  /// Headers of a typical exchange fit; bigger ones (up to the header
  /// limits) spill into blocks freed by reset().
  static constexpr std::size_t block_bytes = 4096;

  header_arena() = default;
  header_arena(const header_arena&) = delete;
  header_arena& operator=(const header_arena&) = delete;

  /// Throws std::bad_alloc like operator new.
  void* allocate(std::size_t bytes, std::size_t alignment);
  /// Takes everything back; keeps the first block.
  void reset() noexcept;

 private:
  std::unique_ptr<std::byte[]> block_;
  std::size_t used_ = 0;
  std::vector<std::unique_ptr<std::byte[]>> spilled_;
};

/// A std allocator over a header_arena; deallocation is a no-op (the arena
/// is reset as a whole). Copies share the arena.
template <class T>
class arena_allocator {
 public:
  using value_type = T;

  explicit arena_allocator(header_arena& arena) noexcept : arena_(&arena) {}
  template <class U>
  arena_allocator(const arena_allocator<U>& other) noexcept  // NOLINT: rebinding is implicit
      : arena_(other.arena()) {}

  T* allocate(std::size_t n) {
    return static_cast<T*>(arena_->allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* /*p*/, std::size_t /*n*/) noexcept {}

  [[nodiscard]] header_arena* arena() const noexcept { return arena_; }
  template <class U>
  bool operator==(const arena_allocator<U>& other) const noexcept {
    return arena_ == other.arena();
  }

 private:
  header_arena* arena_;
};

using arena_fields = http::basic_fields<arena_allocator<char>>;

}  // namespace ug::gateway
