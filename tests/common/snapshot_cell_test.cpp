#include "common/snapshot_cell.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace ug::common {
namespace {

TEST(SnapshotCell, ReaderSeesPublishedSnapshots) {
  snapshot_cell<std::string> cell(std::make_shared<const std::string>("one"));
  snapshot_cell<std::string>::reader reader(cell);
  EXPECT_EQ(reader.get(), "one");
  const auto generation = cell.generation();
  cell.publish(std::make_shared<const std::string>("two"));
  EXPECT_EQ(cell.generation(), generation + 1);
  EXPECT_EQ(reader.get(), "two");
  EXPECT_EQ(*cell.load(), "two");
}

TEST(SnapshotCell, ReaderKeepsItsSnapshotAliveUntilRefresh) {
  snapshot_cell<std::string> cell(std::make_shared<const std::string>("old"));
  snapshot_cell<std::string>::reader reader(cell);
  std::weak_ptr<const std::string> old = reader.shared();
  cell.publish(std::make_shared<const std::string>("new"));
  EXPECT_FALSE(old.expired()) << "the worker still holds it";
  EXPECT_EQ(reader.get(), "new");
  EXPECT_TRUE(old.expired()) << "released at the worker's next refresh";
}

}  // namespace
}  // namespace ug::common
