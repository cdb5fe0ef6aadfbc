#include <kpiscore/metrics/duration_histogram.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace kpiscore;
namespace db = duration_buckets;

TEST(DurationBuckets, ExactBelow32AndMonotone) {
  for (std::int64_t v = 0; v < 32; ++v) EXPECT_EQ(db::representative(db::index(v)), v);
  std::uint32_t last = 0;
  for (std::int64_t v = 0; v < 5'000'000; v += 7) {
    const auto b = db::index(v);
    EXPECT_GE(b, last);
    last = b;
    EXPECT_LE(db::lower(b), v);
  }
  EXPECT_EQ(db::index(-5), 0u);
  EXPECT_EQ(db::index(std::int64_t{1} << 50), db::count - 1);
}

TEST(DurationBuckets, RelativeErrorIsAtMostOneThirtySecond) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200'000; ++i) {
    const std::int64_t v = static_cast<std::int64_t>(rng() % (std::uint64_t{1} << 39)) >> (rng() % 39);
    const double rep = static_cast<double>(db::representative(db::index(v)));
    if (v > 0) {
      EXPECT_LE(std::abs(rep - static_cast<double>(v)) / static_cast<double>(v), db::relative_error) << v;
    }
  }
}

TEST(DurationHistogram, NearestRankQuantileAndMerge) {
  DurationHistogram a, b;
  for (int v : {1, 2, 3, 4}) a(v);
  for (int v : {5, 6, 7, 8, 9, 10}) b(v);
  EXPECT_EQ(a.quantile(0.5), 2);
  a += b;
  EXPECT_EQ(a.total(), 10u);
  EXPECT_EQ(a.quantile(0.5), 5);
  EXPECT_EQ(a.quantile(0.9), 9);
  EXPECT_EQ(a.quantile(1.0), 10);
  EXPECT_EQ(a.quantile(0.0), 1);
  EXPECT_FALSE(DurationHistogram{}.quantile(0.5).has_value());
  DurationHistogram c;
  for (int v : {5, 6, 7, 8, 9, 10, 1, 2, 3, 4}) c(v);
  EXPECT_EQ(a, c);
}
