#include <kpiscore/sampling/reservoir.hpp>

#include "sampling_test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace {

using namespace kpiscore::sampling;

TEST(SamplingReservoir, KeepsKItemsOrAllOfAShortStream) {
  ReservoirSampler<int> r(5, 1);
  for (int i = 0; i < 3; ++i)
    r.offer(i);
  EXPECT_EQ(r.items(), (std::vector<int>{0, 1, 2}));
  for (int i = 3; i < 1000; ++i)
    r.offer(i);
  EXPECT_EQ(r.items().size(), 5u);
  EXPECT_EQ(r.seen(), 1000u);
  std::vector<int> v = r.items();
  std::sort(v.begin(), v.end());
  EXPECT_EQ(std::adjacent_find(v.begin(), v.end()), v.end()); // no item twice
  ReservoirSampler<int> none(0, 1);
  for (int i = 0; i < 10; ++i)
    none.offer(i);
  EXPECT_TRUE(none.items().empty());
}

TEST(SamplingReservoir, SameSeedSameSample) {
  ReservoirSampler<int> a(7, 99), b(7, 99);
  for (int i = 0; i < 5000; ++i) {
    a.offer(i);
    b.offer(i);
  }
  EXPECT_EQ(a.items(), b.items());
}

// Every item of a stream of 60 is kept with probability k/N = 6/60 whatever its position: over
// 20000 seeds the counts pass Pearson's chi-square at the 0.999 quantile; counts against a wrong
// probability (0.12) do not, so the check can fail.
TEST(SamplingReservoir, EveryPositionIsEquallyLikely) {
  const std::size_t N = 60, k = 6;
  const std::uint64_t R = 20000;
  std::vector<std::uint64_t> counts(N, 0);
  for (std::uint64_t s = 0; s < R; ++s) {
    ReservoirSampler<std::size_t> r(k, mix64(s + 1));
    for (std::size_t i = 0; i < N; ++i)
      r.offer(i);
    for (std::size_t i : r.items())
      ++counts[i];
  }
  const auto c = kpiscore::test::chi_square(counts, std::vector<double>(N, 0.1), R);
  EXPECT_LT(c.statistic, kpiscore::test::chi_square_999(c.df));
  const auto wrong = kpiscore::test::chi_square(counts, std::vector<double>(N, 0.12), R);
  EXPECT_GT(wrong.statistic, kpiscore::test::chi_square_999(wrong.df));
}

} // namespace
