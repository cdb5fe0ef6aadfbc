#include <kpiscore/table/column.hpp>
#include <kpiscore/table/string_column.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
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

TEST(Column, MaskedBorrowReadsNullsAsTheSentinelAndKeepsTheRawValues) {
  const std::vector<std::int64_t> source{5, -77, 7, 123456};
  const std::vector<std::uint8_t> valid{1, 0, 1, 0};
  const Column<std::int64_t> c = Column<std::int64_t>::borrow(source, valid);
  EXPECT_TRUE(c.borrowed());
  EXPECT_TRUE(c.masked());
  EXPECT_EQ(c.values(), source.data()); // the kernels' view: no copy
  EXPECT_EQ(c.mask().data(), valid.data());
  EXPECT_EQ(c.mask().size(), 4u);
  EXPECT_FALSE(c.mask_marks_nulls());
  // Every other reader sees the sentinel layout, materialised once.
  EXPECT_EQ(c, (std::vector<std::int64_t>{5, kpiscore::null_duration, 7, kpiscore::null_duration}));
  const std::int64_t* first = c.data();
  EXPECT_NE(first, source.data());
  EXPECT_EQ(c.data(), first);
  const Column<std::int64_t> copy = c; // shares the view and its materialisation
  EXPECT_TRUE(copy.masked());
  EXPECT_EQ(copy.data(), first);
  EXPECT_EQ(source, (std::vector<std::int64_t>{5, -77, 7, 123456})); // never written
}

TEST(Column, MutatingAMaskedColumnCopiesTheSentinelLayout) {
  const std::vector<std::int8_t> source{1, 9, 0};
  const std::vector<std::uint8_t> valid{1, 0, 1};
  Column<std::int8_t> c = Column<std::int8_t>::borrow(source, valid);
  c.push_back(1);
  EXPECT_FALSE(c.borrowed());
  EXPECT_FALSE(c.masked());
  EXPECT_TRUE(c.mask().empty());
  EXPECT_EQ(c, (std::vector<std::int8_t>{1, kpiscore::null_small, 0, 1}));
}

TEST(Column, AnEmptyMaskBorrowsWithoutOne) {
  const std::vector<std::int8_t> source{1, 0};
  const Column<std::int8_t> c =
      Column<std::int8_t>::borrow(source, std::span<const std::uint8_t>{});
  EXPECT_FALSE(c.masked());
  EXPECT_EQ(c.data(), source.data());
}

TEST(Column, ANullMaskMarksTheNullRows) {
  const std::vector<std::int8_t> source{3, 4, 5};
  const std::vector<std::uint8_t> nulls{0, 1, 0}; // pandas' _mask: true at the nulls
  const Column<std::int8_t> c = Column<std::int8_t>::borrow(source, nulls, {}, true);
  EXPECT_TRUE(c.mask_marks_nulls());
  EXPECT_EQ(c, (std::vector<std::int8_t>{3, kpiscore::null_small, 5}));
}

TEST(StringColumn, AppendTakesArrowOffsetsInOneStep) {
  kpiscore::StringColumn c;
  c.push_back("x");
  const std::string bytes = "..abcdef";
  const std::vector<std::int64_t> offsets{2, 4, 4,
                                          8}; // "ab", "", "cdef" (a sliced array: offset 2)
  c.append(offsets, bytes);
  c.append_empty(1);
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0], "x");
  EXPECT_EQ(c[1], "ab");
  EXPECT_EQ(c[2], "");
  EXPECT_EQ(c[3], "cdef");
  EXPECT_EQ(c[4], "");
  c.push_back("z");
  EXPECT_EQ(c[5], "z");
}
