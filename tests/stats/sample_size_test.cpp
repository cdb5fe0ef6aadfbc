#include "kpiscore/stats/sample_size.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>

#include "stats/stats_test_util.hpp"

namespace st = kpiscore::stats;
using kpiscore::test::error_text;
using kpiscore::test::stats_near;

namespace {

// Reference sizes: n0 = z^2 p (1 - p) / e^2 with z = scipy.stats.norm.isf(alpha / 2) and
// n = n0 / (1 + (n0 - 1) / N), computed in Python, then math.ceil.
TEST(StatsSampleSize, CochranWithoutPopulation) {
  EXPECT_EQ(st::sample_size_proportion(0.5, 0.05), 385);      // n0 = 384.14588206941266
  EXPECT_EQ(st::sample_size_proportion(0.5, 0.03), 1068);     // n0 = 1067.0718946372576
  EXPECT_EQ(st::sample_size_proportion(0.1, 0.02, 0.1), 609); // n0 = 608.7472771714685
}

// Cochran (1977) sec. 4.5: the classic textbook figure, 384.1 for p = 0.5, e = 0.05, 95 %.
TEST(StatsSampleSize, FinitePopulationCorrectionOnUnroundedN0) {
  EXPECT_EQ(st::sample_size_proportion(0.5, 0.05, 0.05, 1000), 278); // n = 277.73345317318774
  // Rounding n0 up first would give ceil(385 / 1.384) = 279: the correction must see 384.146.
  EXPECT_EQ(st::sample_size_proportion(0.5, 0.05, 0.01, 500), 286); // n = 285.3744350912488
  EXPECT_EQ(st::sample_size_proportion(0.3, 0.05, 0.05, 50), 44);   // n = 43.408353284996885
}

TEST(StatsSampleSize, EdgeCases) {
  EXPECT_EQ(st::sample_size_proportion(0.0, 0.05), 0);
  EXPECT_EQ(st::sample_size_proportion(1.0, 0.05, 0.05, 1), 0);
  EXPECT_EQ(st::sample_size_proportion(0.5, 0.05, 0.05, 1), 1);
  // A margin so small that e^2 underflows asks for a census of the population.
  EXPECT_EQ(st::sample_size_proportion(0.5, 1e-200, 0.05, 12345), 12345);
  EXPECT_EQ(st::sample_size_proportion(0.5, 1e-6, 0.05, 1'000'000'000), 998'959'813);
  // Never more than the population, whatever the margin.
  for (std::int64_t big_n = 1; big_n < 5000; big_n = big_n * 3 + 1)
    for (double e : {1e-9, 1e-4, 0.01, 0.1, 0.5})
      EXPECT_LE(st::sample_size_proportion(0.5, e, 0.05, big_n), big_n);
  EXPECT_EQ(error_text<std::out_of_range>([] { st::sample_size_proportion(0.5, 1e-10); }),
            "sample_size_proportion: the sample size 96036470517353103360 does not fit in a "
            "64-bit integer");
}

TEST(StatsSampleSize, MonotoneInPopulationAndMargin) {
  std::int64_t previous = 0;
  for (std::int64_t big_n = 10; big_n <= 10'000'000; big_n *= 10) {
    const std::int64_t n = st::sample_size_proportion(0.5, 0.05, 0.05, big_n);
    EXPECT_GE(n, previous);
    EXPECT_LE(n, 385);
    previous = n;
  }
  EXPECT_EQ(previous, 385);
}

TEST(StatsSampleSize, MarginOfErrorMatchesReference) {
  EXPECT_TRUE(stats_near(st::margin_of_error(0.5, 385), 0.049944507001986826));
  EXPECT_TRUE(stats_near(st::margin_of_error(0.5, 278, 0.05, 1000), 0.049966801731620984));
  EXPECT_TRUE(stats_near(st::margin_of_error(0.2, 100, 0.1), 0.06579414507805892));
  EXPECT_TRUE(stats_near(st::margin_of_error(0.9, 50, 0.01, 60), 0.04499117405319001));
  EXPECT_TRUE(stats_near(st::margin_of_error(0.5, 1), 0.9799819922700272));
  EXPECT_TRUE(stats_near(st::margin_of_error(0.5, 1'000'000'000), 3.098975161522809e-05));
  EXPECT_EQ(st::margin_of_error(0.5, 40, 0.05, 40), 0.0);
  EXPECT_EQ(st::margin_of_error(0.5, 1, 0.05, 1), 0.0);
  EXPECT_EQ(st::margin_of_error(0.0, 10), 0.0);
}

// The two functions invert each other: the size for margin e supports a margin of at most e, and
// one unit fewer would not.
TEST(StatsSampleSize, SizeAndMarginAreInverse) {
  for (double p : {0.1, 0.3, 0.5, 0.8})
    for (double e : {0.01, 0.03, 0.05, 0.1})
      for (std::optional<std::int64_t> big_n :
           {std::optional<std::int64_t>{}, std::optional<std::int64_t>{2000}}) {
        const std::int64_t n = st::sample_size_proportion(p, e, 0.05, big_n);
        ASSERT_GE(n, 2);
        EXPECT_LE(st::margin_of_error(p, n, 0.05, big_n), e * (1 + 1e-12));
        EXPECT_GT(st::margin_of_error(p, n - 1, 0.05, big_n), e);
      }
}

TEST(StatsSampleSize, ErrorTexts) {
  EXPECT_EQ(error_text([] { st::sample_size_proportion(1.2, 0.05); }),
            "sample_size_proportion: p must be in [0, 1], got 1.2");
  EXPECT_EQ(error_text([] { st::sample_size_proportion(0.5, 0.0); }),
            "sample_size_proportion: margin must be positive and finite, got 0");
  EXPECT_EQ(error_text([] { st::sample_size_proportion(0.5, 0.05, 1.0); }),
            "sample_size_proportion: alpha must be in (0, 1), got 1");
  EXPECT_EQ(error_text([] { st::sample_size_proportion(0.5, 0.05, 0.05, 0); }),
            "sample_size_proportion: population must be at least 1, got 0");
  EXPECT_EQ(error_text([] { st::margin_of_error(0.5, 0); }),
            "margin_of_error: n must be at least 1, got 0");
  EXPECT_EQ(error_text([] { st::margin_of_error(0.5, 10, 0.05, 9); }),
            "margin_of_error: population must be at least n (10), got 9");
  EXPECT_EQ(error_text([] { st::margin_of_error(-0.1, 10); }),
            "margin_of_error: p must be in [0, 1], got -0.1");
}

} // namespace
