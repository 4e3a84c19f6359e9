#include "limiter/fixed_pool.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <thread>
#include <vector>

namespace ug::limiter {
namespace {

TEST(FixedPool, BlocksAreDistinctAlignedAndReused) {
  std::set<void*> live;
  std::vector<void*> blocks;
  for (int i = 0; i < 5000; ++i) {
    void* p = detail::pool_allocate(24);
    ASSERT_EQ(reinterpret_cast<std::uintptr_t>(p) % 8, 0U);
    ASSERT_TRUE(live.insert(p).second) << "handed out twice";
    std::memset(p, 0xab, 24);  // the whole block is usable (ASan checks it)
    blocks.push_back(p);
  }
  void* freed = blocks.back();
  blocks.pop_back();
  detail::pool_deallocate(freed, 24);
  EXPECT_EQ(detail::pool_allocate(24), freed) << "a freed block is reused for its size";
  blocks.push_back(freed);
  for (void* p : blocks) {
    detail::pool_deallocate(p, 24);
  }
}

TEST(FixedPool, LargeBlocksBypassThePool) {
  // Taken from the system and given back: a large block never becomes pool
  // memory, so the pool's footprint does not move however many come and go.
  const std::size_t before = detail::pool_reserved_bytes();
  for (int i = 0; i < 64; ++i) {
    void* p = detail::pool_allocate(64 * 1024);
    std::memset(p, 0, 64 * 1024);
    detail::pool_deallocate(p, 64 * 1024);
  }
  EXPECT_EQ(detail::pool_reserved_bytes(), before);
  // Small blocks do come from the pool (the same measure moves for them).
  std::vector<void*> small;
  for (int i = 0; i < 4096; ++i) {
    small.push_back(detail::pool_allocate(256));
  }
  EXPECT_GT(detail::pool_reserved_bytes(), before);
  for (void* p : small) {
    detail::pool_deallocate(p, 256);
  }
}

TEST(FixedPool, AllocateSharedThroughThePoolFromManyThreads) {
  // Each thread allocates and frees concurrently with the others; what every
  // thread still holds must be intact (a block handed out twice would be
  // overwritten by its second owner) and no block may be held twice.
  constexpr int threads_n = 4;
  constexpr int allocations = 2000;
  std::vector<std::vector<std::shared_ptr<std::int64_t>>> held(threads_n);
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_n; ++t) {
    threads.emplace_back([t, &mine = held[t]] {
      for (int i = 0; i < allocations; ++i) {
        mine.push_back(std::allocate_shared<std::int64_t>(pool_allocator<std::int64_t>{},
                                                          std::int64_t{t} * allocations + i));
        if (i % 3 == 0) {
          mine.erase(mine.begin() + i / 6);
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  std::set<const void*> blocks;
  for (int t = 0; t < threads_n; ++t) {
    // The same operations on plain values: what the thread must still hold.
    std::vector<std::int64_t> expected;
    for (int i = 0; i < allocations; ++i) {
      expected.push_back(std::int64_t{t} * allocations + i);
      if (i % 3 == 0) {
        expected.erase(expected.begin() + i / 6);
      }
    }
    ASSERT_EQ(held[t].size(), expected.size()) << "thread " << t;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(*held[t][i], expected[i]) << "thread " << t << " element " << i;
      EXPECT_TRUE(blocks.insert(held[t][i].get()).second) << "a block held twice";
    }
  }
}

}  // namespace
}  // namespace ug::limiter
