#include "gateway/http/header_arena.hpp"

#include <cstdint>
#include <new>

namespace ug::gateway {

void* header_arena::allocate(std::size_t bytes, std::size_t alignment) {
  if (!block_) {
    block_ = std::make_unique_for_overwrite<std::byte[]>(block_bytes);
  }
  const auto base = reinterpret_cast<std::uintptr_t>(block_.get());  // NOLINT: alignment math
  const std::uintptr_t start = (base + used_ + alignment - 1) & ~(std::uintptr_t{alignment} - 1);
  const std::size_t offset = static_cast<std::size_t>(start - base);
  if (offset + bytes <= block_bytes) {
    used_ = offset + bytes;
    return block_.get() + offset;
  }
  // operator new[] storage is aligned for any fundamental type, which is
  // all basic_fields asks for.
  spilled_.push_back(std::make_unique_for_overwrite<std::byte[]>(bytes));
  return spilled_.back().get();
}

void header_arena::reset() noexcept {
  used_ = 0;
  spilled_.clear();
}

}  // namespace ug::gateway
