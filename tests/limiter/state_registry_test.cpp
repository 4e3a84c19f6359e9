#include "limiter/state_registry.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace ug::limiter {
namespace {

constexpr std::int64_t t_ns = 1'000'000'000;

TEST(StateRegistry, SameIdSameBucket) {
  state_registry r;
  const auto a = r.bucket("stage:api1/prod/*/*");
  const auto b = r.bucket("stage:api1/prod/*/*");
  const auto c = r.bucket("stage:api1/prod/~1x/GET");
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  EXPECT_EQ(r.size(), 2U);
}

TEST(StateRegistry, NewBucketsStartFull) {
  state_registry r;
  const throttle_params p = throttle_params::make(1, 2);
  const auto b = r.bucket("fresh");
  EXPECT_TRUE(b->try_acquire(p, t_ns).allowed);
  EXPECT_TRUE(b->try_acquire(p, t_ns).allowed);
  EXPECT_FALSE(b->try_acquire(p, t_ns).allowed);
}

TEST(StateRegistry, KeyPlanIdsCannotCollide) {
  state_registry r;
  const auto ab_c = r.key_plan("ab", "c");
  const auto a_bc = r.key_plan("a", "bc");
  const auto ab_c_again = r.key_plan("ab", "c");
  EXPECT_NE(ab_c.get(), a_bc.get());
  EXPECT_EQ(ab_c.get(), ab_c_again.get());
  // Nor with a bucket of the same spelling, nor with a numeric-looking plan.
  const auto bucket = r.bucket("2:abc");
  const auto odd = r.key_plan("2:a", "bc");
  EXPECT_NE(odd.get(), ab_c.get());
  EXPECT_NE(static_cast<const void*>(bucket.get()), static_cast<const void*>(ab_c.get()));
  EXPECT_EQ(r.size(), 4U);
}

TEST(StateRegistry, StateSurvivesReload) {
  state_registry r;
  const throttle_params p = throttle_params::make(1, 2);
  quota_params q;
  q.limit = 10;
  q.first_period_index = -1;
  // Snapshot 1 holds references to its state.
  std::vector<std::shared_ptr<void>> snapshot1 = {r.bucket("stage"), r.key_plan("plan", "key")};
  auto* stage = static_cast<gcra_bucket*>(snapshot1[0].get());
  auto* key = static_cast<key_plan_state*>(snapshot1[1].get());
  ASSERT_TRUE(stage->try_acquire(p, t_ns).allowed);
  ASSERT_TRUE(key->quota.try_consume(q, t_ns).allowed);
  ASSERT_TRUE(key->plan_bucket.try_acquire(p, t_ns).allowed);

  // "Reload": snapshot 2 is compiled against the same registry, then
  // snapshot 1 is dropped and unused state collected.
  std::vector<std::shared_ptr<void>> snapshot2 = {r.bucket("stage"), r.key_plan("plan", "key"),
                                                  r.key_plan("plan", "new-key")};
  snapshot1.clear();
  EXPECT_EQ(r.collect_unused(), 0U);
  EXPECT_EQ(snapshot2[0].get(), stage);
  EXPECT_EQ(snapshot2[1].get(), key);
  EXPECT_TRUE(stage->try_acquire(p, t_ns).allowed);
  EXPECT_FALSE(stage->try_acquire(p, t_ns).allowed) << "the bucket was not reset";
  EXPECT_EQ(key->quota.used(q, t_ns), 1) << "the quota was not reset";
}

TEST(StateRegistry, CollectDropsOnlyUnreferencedEntries) {
  state_registry r;
  auto kept = r.bucket("kept");
  auto kept_key = r.key_plan("p", "k1");
  (void)r.bucket("dropped");
  (void)r.key_plan("p", "k2");
  EXPECT_EQ(r.size(), 4U);
  EXPECT_EQ(r.collect_unused(), 2U);
  EXPECT_EQ(r.size(), 2U);
  EXPECT_EQ(r.bucket("kept").get(), kept.get());
  EXPECT_EQ(r.key_plan("p", "k1").get(), kept_key.get());
  EXPECT_EQ(r.size(), 2U);
  kept.reset();
  kept_key.reset();
  EXPECT_EQ(r.collect_unused(), 2U);
  EXPECT_EQ(r.size(), 0U);
}

}  // namespace
}  // namespace ug::limiter

namespace ug::limiter {
namespace {

TEST(StateRegistry, ManyEntriesSurviveGrowthAndCompaction) {
  state_registry r;
  std::vector<std::shared_ptr<gcra_bucket>> held;
  std::vector<gcra_bucket*> all;
  for (int i = 0; i < 20'000; ++i) {
    auto b = r.bucket("bucket-" + std::to_string(i));
    all.push_back(b.get());
    if (i % 3 == 0) {
      held.push_back(std::move(b));
    }
  }
  for (int i = 0; i < 20'000; ++i) {
    (void)r.key_plan("plan", "key-" + std::to_string(i));
  }
  EXPECT_EQ(r.size(), 40'000U);
  EXPECT_EQ(r.collect_unused(), 40'000U - held.size());
  EXPECT_EQ(r.size(), held.size());
  for (int i = 0; i < 20'000; i += 3) {
    EXPECT_EQ(r.bucket("bucket-" + std::to_string(i)).get(), all[static_cast<std::size_t>(i)]);
  }
  EXPECT_EQ(r.size(), held.size()) << "lookups of live ids create nothing";
  // Dropped ids come back as fresh, full objects.
  const throttle_params p = throttle_params::make(1, 1);
  auto again = r.bucket("bucket-1");
  EXPECT_TRUE(again->try_acquire(p, t_ns).allowed);
  EXPECT_EQ(r.size(), held.size() + 1);
}

TEST(StateRegistry, ObjectsOutliveTheRegistry) {
  std::shared_ptr<key_plan_state> kept;
  {
    state_registry r;
    kept = r.key_plan("plan", "key");
  }
  quota_params q;
  q.limit = 1;
  q.first_period_index = -1;
  EXPECT_TRUE(kept->quota.try_consume(q, t_ns).allowed);
}

}  // namespace
}  // namespace ug::limiter
