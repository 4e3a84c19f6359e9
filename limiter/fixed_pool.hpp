#pragma once
// A process-wide pool of fixed-size blocks for the small, long-lived objects
// of the state registry (one per bucket / key-plan; a million keys means
// millions of them). Compared with one malloc each, it saves the 16-byte
// chunk header and rounding, and keeps the blocks densely packed.
#include <cstddef>

namespace ug::limiter {

namespace detail {
/// Thread-safe (internal mutex; control plane and snapshot release only).
/// A block of at least `size` bytes, 8-byte aligned. Pool memory is never
/// returned to the system: a freed block is reused for the same size. Sizes
/// above 256 bytes go straight to ::operator new.
void* pool_allocate(std::size_t size);
void pool_deallocate(void* p, std::size_t size) noexcept;
/// Thread-safe. Bytes the pool has taken from the system so far (it never
/// gives them back): what its small blocks cost, for tests and sizing.
[[nodiscard]] std::size_t pool_reserved_bytes() noexcept;
}  // namespace detail

/// Stateless allocator over the pool, for std::allocate_shared: the control
/// block and the object share one pooled block, and the allocator adds no
/// bytes to the control block. Thread-safe.
template <class T>
struct pool_allocator {
  using value_type = T;
  pool_allocator() noexcept = default;
  template <class U>
  pool_allocator(const pool_allocator<U>& /*other*/) noexcept {}  // NOLINT: rebind

  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= 8, "pool blocks are 8-byte aligned");
    return static_cast<T*>(detail::pool_allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { detail::pool_deallocate(p, n * sizeof(T)); }

  template <class U>
  bool operator==(const pool_allocator<U>& /*other*/) const noexcept {
    return true;
  }
};

}  // namespace ug::limiter
