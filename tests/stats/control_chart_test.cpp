#include "kpiscore/stats/control_chart.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "stats/stats_test_util.hpp"

namespace st = kpiscore::stats;
using kpiscore::test::error_text;
using kpiscore::test::stats_near;

namespace {

// D. C. Montgomery (2009), Introduction to Statistical Quality Control, 6th ed., Example 7.1
// (Table 7.1): 30 samples of n = 50 orange-juice cans; pbar = 0.2313, UCL = 0.4102,
// LCL = 0.0524; samples 15 and 23 plot above the UCL.
TEST(StatsControlChart, MontgomeryExample71) {
  const std::vector<std::int64_t> defects{12, 15, 8, 10, 4,  7,  16, 9,  14, 10, 5,  6, 17, 12, 22,
                                          8,  10, 5, 13, 11, 20, 18, 24, 15, 9,  12, 7, 13, 9,  6};
  const std::vector<std::int64_t> sizes(30, 50);
  const auto c = st::p_chart(defects, sizes);
  EXPECT_NEAR(c.center, 0.2313, 5e-5);
  EXPECT_NEAR(c.points[0].ucl, 0.4102, 5e-5);
  EXPECT_NEAR(c.points[0].lcl, 0.0524, 5e-5);
  EXPECT_EQ(c.out_of_control, (std::vector<std::size_t>{14, 22}));
  EXPECT_TRUE(c.points[14].out_of_control);
  EXPECT_EQ(c.points[14].value, 0.44);
}

TEST(StatsControlChart, PChartVariableSizesAndClipping) {
  const std::vector<std::int64_t> defects{1, 0, 9, 3}, sizes{10, 4, 20, 200};
  const auto c = st::p_chart(defects, sizes, 2.0);
  const double pbar = 13.0 / 234.0;
  EXPECT_TRUE(stats_near(c.center, pbar, 1e-15));
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const double half = 2.0 * std::sqrt(pbar * (1 - pbar) / static_cast<double>(sizes[i]));
    EXPECT_TRUE(stats_near(c.points[i].ucl, pbar + half, 1e-15));
    EXPECT_TRUE(stats_near(c.points[i].lcl, std::max(0.0, pbar - half), 1e-14)); // clipped at 0
  }
  EXPECT_EQ(c.points[1].lcl, 0.0);
  // 9/20 = 0.45 above its UCL; 3/200 = 0.015 below its LCL of 0.023.
  EXPECT_EQ(c.out_of_control, (std::vector<std::size_t>{2, 3}));
  // A zero centre line puts no point out of control.
  const std::vector<std::int64_t> none{0, 0};
  EXPECT_TRUE(st::p_chart(none, std::vector<std::int64_t>{5, 6}).out_of_control.empty());
}

// Montgomery Appendix VI: c4(2) = 0.7979, c4(5) = 0.9400, c4(10) = 0.9727, c4(25) = 0.9896,
// and A3(5) = 3 / (c4(5) sqrt 5) = 1.427.
TEST(StatsControlChart, C4Constants) {
  EXPECT_NEAR(st::c4(2), 0.7979, 5e-5);
  EXPECT_NEAR(st::c4(5), 0.9400, 5e-5);
  EXPECT_NEAR(st::c4(10), 0.9727, 5e-5);
  EXPECT_NEAR(st::c4(25), 0.9896, 5e-5);
  EXPECT_NEAR(3.0 / (st::c4(5) * std::sqrt(5.0)), 1.427, 5e-4);
  EXPECT_TRUE(stats_near(st::c4(2), std::sqrt(2.0 / M_PI), 1e-15));
  EXPECT_LT(st::c4(100000), 1.0);
  EXPECT_GT(st::c4(100000), 0.99999);
}

TEST(StatsControlChart, XbarChartPooledSigma) {
  const std::vector<double> means{82.0, 85.5, 79.0, 91.0}, sds{4.0, 6.0, 5.0, 3.0};
  const std::vector<std::int64_t> sizes{5, 8, 5, 2};
  const auto c = st::xbar_chart(means, sizes, sds);
  const double center = (5 * 82.0 + 8 * 85.5 + 5 * 79.0 + 2 * 91.0) / 20.0;
  const double sbar = std::sqrt((4 * 16.0 + 7 * 36.0 + 4 * 25.0 + 1 * 9.0) / 16.0);
  EXPECT_TRUE(stats_near(c.center, center, 1e-15));
  EXPECT_TRUE(stats_near(c.sigma, sbar, 1e-15));
  for (std::size_t i = 0; i < means.size(); ++i) {
    const double half = 3 * sbar / (st::c4(sizes[i]) * std::sqrt(static_cast<double>(sizes[i])));
    EXPECT_TRUE(stats_near(c.points[i].ucl, center + half, 1e-14));
    EXPECT_TRUE(stats_near(c.points[i].lcl, center - half, 1e-14));
  }
  EXPECT_TRUE(c.out_of_control.empty());
  // Standard given: a known sigma, subgroups of one allowed, no std_devs needed.
  const auto k = st::xbar_chart(means, std::vector<std::int64_t>{1, 1, 1, 1}, {}, 3.0, 2.0);
  EXPECT_TRUE(stats_near(k.points[0].ucl, 84.375 + 6.0, 1e-15));
  EXPECT_EQ(k.out_of_control, (std::vector<std::size_t>{3}));
}

TEST(StatsControlChart, ErrorTexts) {
  const std::vector<std::int64_t> d{1, 5}, n{10, 4}, n1{10};
  EXPECT_EQ(error_text([&] { st::p_chart(d, n); }),
            "p_chart: defects[1] must be in [0, sizes[1]] = [0, 4], got 5");
  EXPECT_EQ(error_text([&] { st::p_chart(d, n1); }),
            "p_chart: defects and sizes must have the same length, got 2 and 1");
  EXPECT_EQ(error_text([&] {
              st::p_chart(d, std::vector<std::int64_t>{10, 0});
            }),
            "p_chart: sizes[1] must be at least 1, got 0");
  EXPECT_EQ(error_text([&] { st::p_chart({}, {}); }), "p_chart: needs at least one point");
  const std::vector<double> m{1, 2}, s{1, 1};
  EXPECT_EQ(error_text([&] {
              st::xbar_chart(m, std::vector<std::int64_t>{3, 1}, s);
            }),
            "xbar_chart: sizes[1] must be at least 2 without a known sigma, got 1");
  EXPECT_EQ(error_text([&] {
              st::xbar_chart(m, std::vector<std::int64_t>{3, 3}, {});
            }),
            "xbar_chart: std_devs must have one entry per subgroup (2), got 0");
  EXPECT_EQ(error_text([] { st::c4(1); }), "c4: n must be at least 2, got 1");
}

} // namespace
