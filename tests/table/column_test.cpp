#include <kpiscore/table/column.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

using kpiscore::Column;

TEST(Column, OwnedBehavesLikeAVector) {
  Column<int> c{1, 2, 3};
  EXPECT_FALSE(c.borrowed());
  c.push_back(4);
  c[0] = 9;
  EXPECT_EQ(c, (std::vector<int>{9, 2, 3, 4}));
  c.resize(2);
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c.back(), 2);
  c.assign(3, 7);
  EXPECT_EQ(c, (std::vector<int>{7, 7, 7}));
}

TEST(Column, BorrowedIsAViewUntilMutatedThenACopy) {
  const std::vector<long> source{5, 6, 7};
  Column<long> c = Column<long>::borrow(source);
  EXPECT_TRUE(c.borrowed());
  const Column<long>& view = c;
  EXPECT_EQ(view.data(), source.data()); // no copy
  EXPECT_EQ(view[1], 6);
  Column<long> copy = c; // copying a borrowed column shares the view
  EXPECT_TRUE(copy.borrowed());
  c.push_back(8); // copy on write
  EXPECT_FALSE(c.borrowed());
  EXPECT_NE(std::as_const(c).data(), source.data());
  EXPECT_EQ(c, (std::vector<long>{5, 6, 7, 8}));
  EXPECT_EQ(source, (std::vector<long>{5, 6, 7})); // the source is never written
  EXPECT_EQ(copy, (std::vector<long>{5, 6, 7}));
}

TEST(Column, KeepsItsOwnerAlive) {
  auto owner = std::make_shared<std::vector<int>>(std::vector<int>{1, 2});
  std::weak_ptr<std::vector<int>> watch = owner;
  Column<int> c = Column<int>::borrow(*owner, owner);
  owner.reset();
  ASSERT_FALSE(watch.expired());
  EXPECT_EQ(std::as_const(c)[1], 2);
  c.clear();
  EXPECT_TRUE(watch.expired()); // released once it no longer views the memory
}
