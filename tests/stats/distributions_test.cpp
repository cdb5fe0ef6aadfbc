#include "kpiscore/stats/distributions.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "stats/stats_test_util.hpp"

namespace st = kpiscore::stats;
using kpiscore::test::error_text;
using kpiscore::test::stats_near;

namespace {

// scipy 1.17 stats.t / stats.beta / stats.chi2 (tests/stats/make_reference.py).
TEST(StatsDistributions, StudentTMatchesScipy) {
  EXPECT_TRUE(stats_near(st::student_t_quantile(0.975, 1), 12.706204736174694, 1e-12));
  EXPECT_TRUE(stats_near(st::student_t_quantile(0.975, 2.5), 3.5746548420036817, 1e-12));
  EXPECT_TRUE(stats_near(st::student_t_quantile(0.995, 30), 2.7499956535672254, 1e-12));
  EXPECT_TRUE(stats_near(st::student_t_quantile(0.025, 1e6), -1.9599663568141072, 1e-12));
  EXPECT_TRUE(stats_near(st::student_t_quantile(1e-10, 3), -2225.769284683093, 1e-12));
  EXPECT_TRUE(stats_near(st::student_t_cdf(2.0, 3), 0.9303370157205785, 1e-12));
  EXPECT_TRUE(stats_near(st::student_t_sf(2.0, 3), 0.06966298427942152, 1e-12));
  EXPECT_TRUE(stats_near(st::student_t_cdf(-1.5, 10.5), 0.08153437895922226, 1e-12));
  EXPECT_TRUE(stats_near(st::student_t_sf(40.0, 2), 0.0003122073360923703, 1e-12));
  EXPECT_EQ(st::student_t_quantile(1.0, 4), std::numeric_limits<double>::infinity());
  EXPECT_EQ(st::student_t_cdf(-std::numeric_limits<double>::infinity(), 4), 0.0);
}

TEST(StatsDistributions, BetaMatchesScipy) {
  EXPECT_TRUE(stats_near(st::beta_quantile(0.025, 81, 183), 0.25273674558527126, 1e-12));
  EXPECT_TRUE(stats_near(st::beta_isf(0.025, 81, 183), 0.3636719776134673, 1e-12));
  EXPECT_TRUE(stats_near(st::beta_quantile(0.975, 0.5, 10.5), 0.21719626750921053, 1e-12));
  EXPECT_TRUE(stats_near(st::beta_isf(0.975, 0.5, 10.5), 4.789043315758196e-05, 1e-12));
  EXPECT_TRUE(stats_near(st::beta_quantile(1e-8, 3, 1e9), 3.9187044426559185e-12, 1e-10));
  // Here scipy's beta.isf (2.4181313483577244e-08) is 1.3e-9 off: at it the upper tail is
  // 0.99999997e-8. The reference is the root of the exact tail, P(Bin(1e9 + 2, x) <= 2) = 1e-8,
  // checked with mpmath at 30 digits (tail 1.0000000000000e-8 at the value below).
  EXPECT_TRUE(stats_near(st::beta_isf(1e-8, 3, 1e9), 2.4181313451117099e-08, 1e-12));
}

TEST(StatsDistributions, ChiSquaredMatchesScipy) {
  EXPECT_TRUE(stats_near(st::chi_squared_sf(3.84, 1), 0.05004352124870519, 1e-12));
  EXPECT_TRUE(stats_near(st::chi_squared_sf(100.0, 80), 0.064570368921133, 1e-12));
  EXPECT_TRUE(stats_near(st::chi_squared_sf(1e-3, 5), 0.9999999983185123, 1e-12));
  EXPECT_TRUE(stats_near(st::chi_squared_quantile(0.95, 1), 3.841458820694124, 1e-12));
  EXPECT_TRUE(stats_near(st::chi_squared_quantile(0.95, 80), 101.87947396543588, 1e-12));
  EXPECT_TRUE(stats_near(st::chi_squared_quantile(0.95, 5), 11.070497693516351, 1e-12));
  EXPECT_EQ(st::chi_squared_sf(-1.0, 3), 1.0);
}

TEST(StatsDistributions, ErrorTexts) {
  EXPECT_EQ(error_text([] { st::student_t_quantile(0.5, 0); }),
            "student_t_quantile: df must be positive and finite, got 0");
  EXPECT_EQ(error_text([] { st::beta_quantile(1.5, 1, 1); }),
            "beta_quantile: p must be in [0, 1], got 1.5");
  EXPECT_EQ(error_text([] { st::beta_isf(0.5, 1, -2); }),
            "beta_isf: b must be positive and finite, got -2");
  EXPECT_EQ(error_text([] { st::chi_squared_sf(std::nan(""), 2); }),
            "chi_squared_sf: x must not be NaN");
}

} // namespace
