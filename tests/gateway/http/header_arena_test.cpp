#include "gateway/http/header_arena.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace ug::gateway {
namespace {

bool aligned(const void* p, std::size_t a) {
  return reinterpret_cast<std::uintptr_t>(p) % a == 0;  // NOLINT: alignment check
}

TEST(HeaderArena, HandsOutAlignedDisjointMemoryAndSpillsBigRequests) {
  header_arena arena;
  auto* a = static_cast<char*>(arena.allocate(3, 1));
  auto* b = static_cast<char*>(arena.allocate(16, 16));
  EXPECT_TRUE(aligned(b, 16));
  EXPECT_GE(b, a + 3);
  auto* big = static_cast<char*>(arena.allocate(3 * header_arena::block_bytes, 8));
  EXPECT_TRUE(aligned(big, 8));
  big[3 * header_arena::block_bytes - 1] = 'x';  // all of it is usable (ASan checks)
  auto* c = static_cast<char*>(arena.allocate(8, 8));
  EXPECT_GT(c, b);  // back in the block after the spill
  arena.reset();
  EXPECT_EQ(static_cast<char*>(arena.allocate(3, 1)), a);  // the block is reused
}

TEST(HeaderArena, BeastFieldsLiveInItUntilReset) {
  header_arena arena;
  for (int round = 0; round < 3; ++round) {
    {
      http::request_parser<http::empty_body, arena_allocator<char>> p(
          std::piecewise_construct, std::make_tuple(),
          std::make_tuple(arena_allocator<char>(arena)));
      const std::string wire = "GET /v1/models HTTP/1.1\r\nHost: gw\r\nx-api-key: k-" +
                               std::to_string(round) + "\r\nX-Long: " + std::string(8000, 'v') +
                               "\r\n\r\n";
      error_code ec;
      p.put(net::buffer(wire), ec);
      ASSERT_FALSE(ec) << ec.message();
      ASSERT_TRUE(p.is_done());
      EXPECT_EQ(p.get().target(), "/v1/models");
      EXPECT_EQ(p.get()["x-api-key"], "k-" + std::to_string(round));
      EXPECT_EQ(p.get()["X-Long"].size(), 8000u);
    }
    arena.reset();
  }
}

}  // namespace
}  // namespace ug::gateway
