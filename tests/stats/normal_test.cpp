#include "kpiscore/stats/normal.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "stats/stats_test_util.hpp"

namespace st = kpiscore::stats;
using kpiscore::test::error_text;
using kpiscore::test::stats_near;

namespace {

// Reference values: scipy.stats.norm.ppf / cdf / sf (scipy 1.x, Cephes ndtri and ndtr).
TEST(StatsNormal, QuantileMatchesScipy) {
  const struct {
    double p, z;
  } cases[] = {
      {1e-300, -37.0470962993612}, {1e-20, -9.262340089798409},  {1e-10, -6.361340902404056},
      {0.001, -3.090232306167813}, {0.025, -1.9599639845400545}, {0.075, -1.4395314709384563},
      {0.3, -0.5244005127080409},  {0.7, 0.5244005127080407},    {0.925, 1.4395314709384563},
      {0.975, 1.959963984540054},  {0.999, 3.090232306167813},   {1 - 1e-10, 6.361340889697422},
  };
  for (const auto& c : cases)
    EXPECT_TRUE(stats_near(st::normal_quantile(c.p), c.z, 1e-14)) << c.p;
  EXPECT_EQ(st::normal_quantile(0.5), 0.0);
  EXPECT_EQ(st::normal_quantile(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(st::normal_quantile(1.0), std::numeric_limits<double>::infinity());
}

TEST(StatsNormal, CdfAndSurvivalMatchScipy) {
  const struct {
    double x, cdf, sf;
  } cases[] = {
      {-10, 7.61985302416047e-24, 1.0},
      {-1.96, 0.024997895148220435, 0.9750021048517795},
      {0, 0.5, 0.5},
      {0.5, 0.6914624612740131, 0.3085375387259869},
      {1.959963984540054, 0.975, 0.025},
      {8.5, 1.0, 9.47953482220325e-18},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(stats_near(st::normal_cdf(c.x), c.cdf, 1e-14)) << c.x;
    EXPECT_TRUE(stats_near(st::normal_sf(c.x), c.sf, 1e-14)) << c.x;
  }
  EXPECT_EQ(st::normal_cdf(-40.0), 0.0);
  EXPECT_EQ(st::normal_cdf(std::numeric_limits<double>::infinity()), 1.0);
}

TEST(StatsNormal, QuantileInvertsCdf) {
  for (double p = 1e-12; p < 1.0; p = p < 0.01 ? p * 3.7 : p + 0.0137) {
    const double z = st::normal_quantile(p);
    EXPECT_TRUE(
        stats_near(p < 0.5 ? st::normal_cdf(z) : st::normal_sf(z), p < 0.5 ? p : 1.0 - p, 1e-13))
        << p;
  }
}

TEST(StatsNormal, CriticalValue) {
  EXPECT_TRUE(stats_near(st::normal_critical_two_sided(0.05), 1.959963984540054, 1e-15));
  EXPECT_TRUE(stats_near(st::normal_isf(0.025), 1.959963984540054, 1e-15));
  EXPECT_EQ(error_text([] { st::normal_critical_two_sided(0.0); }),
            "normal_critical_two_sided: alpha must be in (0, 1), got 0");
  EXPECT_EQ(error_text([] { st::normal_quantile(1.5); }),
            "normal_quantile: p must be in [0, 1], got 1.5");
  EXPECT_EQ(error_text([] { st::normal_quantile(std::nan("")); }),
            "normal_quantile: p must be in [0, 1], got nan");
}

} // namespace
