#include "kpiscore/stats/survey.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "stats/stats_test_util.hpp"

namespace st = kpiscore::stats;
using kpiscore::test::error_text;
using kpiscore::test::stats_near;

namespace {

// Exact design expectations by enumerating every sample a Poisson design can draw from a small
// population: E[Y_HT] = Y and E[v] = V = sum (1 - pi) y^2 / pi, with no simulation error.
TEST(StatsSurvey, PoissonHtTotalAndVarianceAreExactlyUnbiased) {
  const std::vector<double> y{1, 0, 1, 1, 0, 1, 1}, pi{0.1, 0.25, 0.5, 0.9, 1.0, 0.3, 0.15};
  const std::size_t big_n = y.size();
  double total = 0, true_var = 0;
  for (std::size_t k = 0; k < big_n; ++k) {
    total += y[k];
    true_var += (1 - pi[k]) * y[k] * y[k] / pi[k];
  }
  double e_total = 0, e_var = 0, e_sq = 0;
  for (unsigned mask = 0; mask < (1u << big_n); ++mask) {
    double prob = 1;
    std::vector<double> ys, ps;
    for (std::size_t k = 0; k < big_n; ++k) {
      const bool in = (mask >> k) & 1u;
      prob *= in ? pi[k] : 1 - pi[k];
      if (in) {
        ys.push_back(y[k]);
        ps.push_back(pi[k]);
      }
    }
    const auto e = st::ht_total_poisson(ys, ps);
    e_total += prob * e.estimate;
    e_var += prob * e.variance;
    e_sq += prob * (e.estimate - total) * (e.estimate - total);
  }
  EXPECT_TRUE(stats_near(e_total, total, 1e-12));
  EXPECT_TRUE(stats_near(e_sq, true_var, 1e-12));  // the design variance of Y_HT is V
  EXPECT_TRUE(stats_near(e_var, true_var, 1e-12)); // and v estimates it without bias
}

// Bernoulli sampling (every pi = f): the Hajek mean is the sample mean and its linearization
// variance is (1 - f) sum (y - ybar)^2 / n^2.
TEST(StatsSurvey, HajekMeanUnderBernoulliSampling) {
  const std::vector<double> y{82, 95, 70, 88, 91, 64}, pi(6, 0.15);
  const auto e = st::hajek_mean_poisson(y, pi);
  const double mean = (82 + 95 + 70 + 88 + 91 + 64) / 6.0;
  double ss = 0;
  for (double v : y)
    ss += (v - mean) * (v - mean);
  EXPECT_TRUE(stats_near(e.estimate, mean, 1e-14));
  EXPECT_TRUE(stats_near(e.variance, 0.85 * ss / 36.0, 1e-12));
  EXPECT_TRUE(stats_near(e.std_error, std::sqrt(0.85 * ss / 36.0), 1e-12));
}

TEST(StatsSurvey, HajekMeanWithUnequalProbabilities) {
  const std::vector<double> y{1, 0, 1, 1}, pi{0.5, 0.25, 0.1, 1.0};
  const auto e = st::hajek_mean_poisson(y, pi);
  const double n_hat = 2 + 4 + 10 + 1, mean = (2 + 10 + 1) / n_hat;
  double v = 0;
  for (std::size_t k = 0; k < y.size(); ++k)
    v += (1 - pi[k]) * (y[k] - mean) * (y[k] - mean) / (pi[k] * pi[k]);
  EXPECT_TRUE(stats_near(e.estimate, mean, 1e-15));
  EXPECT_TRUE(stats_near(e.variance, v / (n_hat * n_hat), 1e-14));
}

// Exact enumeration of every stratified SRSWOR sample (2 of 4 and 3 of 5): the estimator is
// unbiased and its variance estimator's expectation is Cochran's V = sum N_h^2 (1 - f_h)
// S_h^2 / n_h with the population S_h^2.
TEST(StatsSurvey, StratifiedTotalAndVarianceAreExactlyUnbiased) {
  const std::vector<std::vector<double>> pop{{3, 7, 4, 9}, {10, 12, 8, 15, 11}};
  const std::vector<std::int64_t> population{4, 5};
  const std::vector<int> n{2, 3};
  double total = 0, true_var = 0;
  for (std::size_t h = 0; h < 2; ++h) {
    double m = 0, s2 = 0;
    for (double v : pop[h])
      m += v;
    m /= static_cast<double>(pop[h].size());
    for (double v : pop[h])
      s2 += (v - m) * (v - m);
    s2 /= static_cast<double>(pop[h].size() - 1);
    total += m * static_cast<double>(pop[h].size());
    const double bn = static_cast<double>(population[h]), nh = n[h];
    true_var += bn * bn * (1 - nh / bn) * s2 / nh;
  }
  double e_total = 0, e_var = 0, count = 0;
  for (unsigned a = 0; a < 16; ++a) {
    if (__builtin_popcount(a) != 2) continue;
    for (unsigned b = 0; b < 32; ++b) {
      if (__builtin_popcount(b) != 3) continue;
      std::vector<double> y;
      std::vector<std::int64_t> stratum;
      for (unsigned k = 0; k < 4; ++k)
        if ((a >> k) & 1u) {
          y.push_back(pop[0][k]);
          stratum.push_back(0);
        }
      for (unsigned k = 0; k < 5; ++k)
        if ((b >> k) & 1u) {
          y.push_back(pop[1][k]);
          stratum.push_back(1);
        }
      const auto e = st::stratified_total(y, stratum, population);
      e_total += e.estimate;
      e_var += e.variance;
      ++count;
    }
  }
  EXPECT_EQ(count, 6 * 10);
  EXPECT_TRUE(stats_near(e_total / count, total, 1e-13));
  EXPECT_TRUE(stats_near(e_var / count, true_var, 1e-13));
}

TEST(StatsSurvey, StratifiedMeanCensusAndInterval) {
  // Stratum 0 sampled completely (no variance), stratum 1 two of ten; stratum 2 is empty.
  const std::vector<double> y{1, 0, 1, 1, 0};
  const std::vector<std::int64_t> stratum{0, 0, 0, 1, 1}, population{3, 10, 0};
  const auto e = st::stratified_mean(y, stratum, population);
  EXPECT_TRUE(stats_near(e.estimate, (3 * (2.0 / 3) + 10 * 0.5) / 13, 1e-15));
  EXPECT_TRUE(stats_near(e.variance, 100 * (1 - 0.2) * 0.5 / 2 / 169, 1e-15));
  const auto ci = st::survey_confint(e, 0.05);
  EXPECT_TRUE(stats_near(ci.upper - e.estimate, 1.959963984540054 * e.std_error, 1e-14));
}

TEST(StatsSurvey, ErrorTexts) {
  const std::vector<double> y{1, 2}, pi{0.5, 0};
  EXPECT_EQ(error_text([&] { st::ht_total_poisson(y, pi); }),
            "ht_total_poisson: pi[1] must be in (0, 1], got 0");
  EXPECT_EQ(error_text([&] { st::hajek_mean_poisson({}, {}); }),
            "hajek_mean_poisson: needs at least one sampled unit");
  const std::vector<std::int64_t> s{0, 1};
  EXPECT_EQ(error_text([&] {
              st::stratified_total(y, s, std::vector<std::int64_t>{4, 5});
            }),
            "stratified_total: stratum 0 has one sampled unit out of 4: its variance cannot be "
            "estimated");
  EXPECT_EQ(error_text([&] {
              st::stratified_total(y, s, std::vector<std::int64_t>{1, 1, 7});
            }),
            "stratified_total: stratum 2 has 7 units but none sampled: its total cannot be "
            "estimated");
  EXPECT_EQ(error_text([&] { st::stratified_total(y, s, std::vector<std::int64_t>{1}); }),
            "stratified_total: stratum[1] must be in [0, 1), got 1");
  EXPECT_EQ(error_text([&] {
              st::stratified_total(y, s, std::vector<std::int64_t>{0, 1});
            }),
            "stratified_total: population[0] must be at least the 1 units sampled in it, got 0");
}

} // namespace
