#include "limiter/fixed_pool.hpp"

#include <array>
#include <mutex>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define UG_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UG_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define UG_POISON(p, n) ((void)(p), (void)(n))
#define UG_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace ug::limiter::detail {
namespace {

constexpr std::size_t granule = 8;
constexpr std::size_t max_pooled = 256;
constexpr std::size_t chunk_bytes = 64 * 1024;

struct free_block {
  free_block* next;
};

class pool {
 public:
  void* allocate(std::size_t size) {
    const std::size_t cls = class_of(size);
    std::lock_guard lock(mutex_);
    free_block*& head = free_[cls];
    if (head != nullptr) {
      free_block* b = head;
      UG_UNPOISON(b, cls * granule);
      head = b->next;
      return b;
    }
    const std::size_t bytes = cls * granule;
    if (bump_left_ < bytes) {
      // The tail of the previous chunk is abandoned (< 256 bytes per 64 KiB).
      chunks_.push_back(static_cast<char*>(::operator new(chunk_bytes)));
      bump_ = chunks_.back();
      bump_left_ = chunk_bytes;
    }
    void* p = bump_;
    bump_ += bytes;
    bump_left_ -= bytes;
    return p;
  }

  std::size_t reserved_bytes() noexcept {
    std::lock_guard lock(mutex_);
    return chunks_.size() * chunk_bytes;
  }

  void deallocate(void* p, std::size_t size) noexcept {
    const std::size_t cls = class_of(size);
    std::lock_guard lock(mutex_);
    auto* b = static_cast<free_block*>(p);
    b->next = free_[cls];
    free_[cls] = b;
    // Under ASan a stale pointer into a freed block still faults, as with malloc.
    UG_POISON(b, cls * granule);
  }

 private:
  static std::size_t class_of(std::size_t size) noexcept {
    const std::size_t at_least = size < sizeof(free_block) ? sizeof(free_block) : size;
    return (at_least + granule - 1) / granule;
  }

  std::mutex mutex_;
  std::array<free_block*, max_pooled / granule + 1> free_{};
  std::vector<char*> chunks_;  // kept reachable: the pool lives as long as the process
  char* bump_ = nullptr;
  std::size_t bump_left_ = 0;
};

pool& the_pool() {
  // Immortal on purpose: shared_ptrs held by other static objects may be
  // released after any static destructor would have run.
  static pool* const p = new pool;
  return *p;
}

}  // namespace

void* pool_allocate(std::size_t size) {
  if (size > max_pooled) {
    return ::operator new(size);
  }
  return the_pool().allocate(size);
}

void pool_deallocate(void* p, std::size_t size) noexcept {
  if (size > max_pooled) {
    ::operator delete(p);
    return;
  }
  the_pool().deallocate(p, size);
}

std::size_t pool_reserved_bytes() noexcept {
  return the_pool().reserved_bytes();
}

}  // namespace ug::limiter::detail
