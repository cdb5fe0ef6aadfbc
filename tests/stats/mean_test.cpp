#include "kpiscore/stats/mean.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "stats/stats_test_util.hpp"

namespace st = kpiscore::stats;
using kpiscore::test::error_text;
using kpiscore::test::stats_near;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

struct mean_case {
  std::vector<double> values, weights;
  const char* alternative;
  double mean, std_mean, lower, upper;
};

// statsmodels 0.15 DescrStatsW(values, weights).tconfint_mean(0.05, alternative)
// (tests/stats/make_reference.py).
TEST(StatsMean, MatchesStatsmodelsDescrStatsW) {
  const std::vector<double> scores{4, 5, 3, 5, 4};
  const std::vector<double> aht{181.5, 240.25, 95.0, 300.0, 122.75, 410.5, 60.0};
  const std::vector<double> w{1, 2, 1, 3, 1, 0.5, 2.5};
  const std::vector<double> same{2, 2, 2};
  const std::vector<double> big{1e9 + 1, 1e9 + 2, 1e9 + 4};
  const mean_case cases[] = {
      {scores, {}, "two-sided", 4.2, 0.3741657386773941, 3.1611493663164323, 5.238850633683568},
      {scores, {}, "larger", 4.2, 0.3741657386773941, 3.40233597244706, inf},
      {scores, {}, "smaller", 4.2, 0.3741657386773941, -inf, 4.99766402755294},
      {aht, w, "two-sided", 194.0909090909091, 33.21362967639929, 120.08633039343954,
       268.09548778837865},
      {aht, w, "larger", 194.0909090909091, 33.21362967639929, 133.89249655497122, inf},
      {aht, w, "smaller", 194.0909090909091, 33.21362967639929, -inf, 254.28932162684694},
      {same, {}, "two-sided", 2.0, 0.0, 2.0, 2.0},
      {big,
       {},
       "two-sided",
       1000000002.3333334,
       0.8819171036881972,
       999999998.5387503,
       1000000006.1279165},
      {big, {}, "smaller", 1000000002.3333334, 0.8819171036881972, -inf, 1000000004.9085186},
  };
  for (const auto& c : cases) {
    const auto r =
        st::mean_confint(c.values, 0.05, c.weights, st::parse_alternative(c.alternative));
    EXPECT_TRUE(stats_near(r.mean, c.mean)) << c.alternative;
    EXPECT_TRUE(stats_near(r.std_mean, c.std_mean, 1e-8)) << c.alternative;
    EXPECT_TRUE(stats_near(r.interval.lower, c.lower)) << c.alternative;
    EXPECT_TRUE(stats_near(r.interval.upper, c.upper)) << c.alternative;
  }
}

// One observation (or a total weight of 1) leaves no degree of freedom: NaN, as statsmodels.
TEST(StatsMean, NoDegreeOfFreedomGivesNaN) {
  const std::vector<double> one{3.0};
  const auto r = st::mean_confint(one);
  EXPECT_EQ(r.mean, 3.0);
  EXPECT_TRUE(std::isnan(r.std_mean));
  EXPECT_TRUE(std::isnan(r.interval.lower));
  EXPECT_TRUE(std::isnan(r.interval.upper));
  const auto s = st::mean_confint_from_sums(1, 3000, 9'000'000, 0.05, 1e-3);
  EXPECT_EQ(s.mean, 3.0);
  EXPECT_TRUE(std::isnan(s.interval.lower));
}

// Integer weights are frequency weights: the same as repeating each value.
TEST(StatsMean, FrequencyWeightsEqualRepetition) {
  const std::vector<double> v{10, 20, 35}, w{2, 1, 3}, expanded{10, 10, 20, 35, 35, 35};
  const auto a = st::mean_confint(v, 0.1, w), b = st::mean_confint(expanded, 0.1);
  EXPECT_TRUE(stats_near(a.mean, b.mean, 1e-14));
  EXPECT_TRUE(stats_near(a.std_mean, b.std_mean, 1e-14));
  EXPECT_TRUE(stats_near(a.interval.lower, b.interval.lower, 1e-14));
}

// The exact-moment form (what the KPI states keep) equals the interval over the raw values.
TEST(StatsMean, FromSumsEqualsFromValues) {
  const std::vector<std::int64_t> ms{181500, 240250, 95000, 300000, 122750, 410500, 60000, 1};
  std::int64_t sum = 0;
  kpiscore::int128_t sum_sq = 0;
  std::vector<double> seconds;
  for (auto v : ms) {
    sum += v;
    sum_sq += kpiscore::int128_t{v} * v;
    seconds.push_back(static_cast<double>(v) / 1000.0);
  }
  const auto a =
      st::mean_confint_from_sums(static_cast<std::int64_t>(ms.size()), sum, sum_sq, 0.05, 1e-3);
  const auto b = st::mean_confint(seconds);
  EXPECT_TRUE(stats_near(a.mean, b.mean, 1e-14));
  EXPECT_TRUE(stats_near(a.std_mean, b.std_mean, 1e-12));
  EXPECT_TRUE(stats_near(a.interval.lower, b.interval.lower, 1e-12));
  EXPECT_TRUE(stats_near(a.interval.upper, b.interval.upper, 1e-12));
  EXPECT_EQ(a.dof, 7.0);
}

// A billion one-hour contacts: n sum_sq ~ 1.3e34 stays exact in 128 bits, and a constant
// duration has exactly zero spread (a floating-point sum of squares would not).
TEST(StatsMean, FromSumsIsExactAtScale) {
  const std::int64_t n = 1'000'000'000, v = 3'600'000;
  const auto r = st::mean_confint_from_sums(n, n * v, kpiscore::int128_t{n} * v * v);
  EXPECT_EQ(r.mean, 3'600'000.0);
  EXPECT_EQ(r.std_mean, 0.0);
  EXPECT_EQ(r.interval.lower, 3'600'000.0);
}

TEST(StatsMean, ErrorTexts) {
  const std::vector<double> empty, v{1, 2}, bad{1, std::nan("")}, w{1, -1}, w1{1};
  EXPECT_EQ(error_text([&] { st::mean_confint(empty); }), "mean_confint: values must not be empty");
  EXPECT_EQ(error_text([&] { st::mean_confint(bad); }),
            "mean_confint: values[1] must be finite, got nan");
  EXPECT_EQ(error_text([&] { st::mean_confint(v, 0.05, w); }),
            "mean_confint: weights[1] must be non-negative and finite, got -1");
  EXPECT_EQ(error_text([&] { st::mean_confint(v, 0.05, w1); }),
            "mean_confint: weights must have one entry per value (2), got 1");
  EXPECT_EQ(error_text([&] { st::mean_confint_from_sums(0, 0, 0); }),
            "mean_confint_from_sums: n must be at least 1, got 0");
  EXPECT_EQ(error_text([&] { st::mean_confint_from_sums(2, 10, 10); }),
            "mean_confint_from_sums: sum_sq is smaller than sum^2 / n: not the moments of real "
            "data");
}

} // namespace
