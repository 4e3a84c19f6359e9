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
  void* p = detail::pool_allocate(4096);
  std::memset(p, 0, 4096);
  detail::pool_deallocate(p, 4096);
}

TEST(FixedPool, AllocateSharedThroughThePoolFromManyThreads) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      std::vector<std::shared_ptr<std::int64_t>> held;
      for (int i = 0; i < 2000; ++i) {
        held.push_back(std::allocate_shared<std::int64_t>(pool_allocator<std::int64_t>{}, i));
        if (i % 3 == 0) {
          held.erase(held.begin() + i / 6);
        }
      }
      std::int64_t sum = 0;
      for (const auto& p : held) {
        sum += *p;
      }
      EXPECT_GT(sum, 0);
    });
  }
  for (auto& t : threads) {
    t.join();
  }
}

}  // namespace
}  // namespace ug::limiter
