#include "kpiscore/stats/trend.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "stats/stats_test_util.hpp"

namespace st = kpiscore::stats;
using kpiscore::test::error_text;
using kpiscore::test::stats_near;

namespace {

// The manuals' rule: FCR below its 85 % target for 2 consecutive months is persistent.
TEST(StatsTrend, ConsecutiveShortfalls) {
  const std::vector<double> fcr{0.86, 0.84, 0.87, 0.83, 0.82, 0.85, 0.80};
  const auto r = st::consecutive_shortfalls(fcr, 0.85, 2);
  EXPECT_EQ(r.run_length, (std::vector<std::size_t>{0, 1, 0, 1, 2, 0, 1}));
  EXPECT_EQ(r.persistent, (std::vector<bool>{false, false, false, true, true, false, false}));
  EXPECT_FALSE(r.persistent_now); // 0.85 meets the target and breaks the run
  const auto one = st::consecutive_shortfalls(fcr, 0.85, 1);
  EXPECT_TRUE(one.persistent_now);
}

TEST(StatsTrend, LowerIsBetterAndMissingPeriods) {
  const std::vector<double> aht{310, 320, NAN, 330, 340};
  const auto r = st::consecutive_shortfalls(aht, 300, 3, st::TargetDirection::at_most);
  EXPECT_EQ(r.run_length, (std::vector<std::size_t>{1, 2, 0, 1, 2}));
  EXPECT_FALSE(r.persistent_now);
  EXPECT_EQ(r.persistent, std::vector<bool>(5, false));
  EXPECT_TRUE(st::consecutive_shortfalls({}, 1.0, 2).run_length.empty());
}

// scipy.stats.linregress on the last k values with x = period numbers, t.ppf(1 - alpha/2, k-2)
// (tests/stats/make_reference.py).
TEST(StatsTrend, SlopeMatchesScipyLinregress) {
  const std::vector<double> fcr{0.81, 0.84, 0.80, 0.78, 0.77, 0.74};
  const auto a = st::trend_slope(fcr, 4, 0.05);
  EXPECT_TRUE(stats_near(a.slope, -0.019000000000000017));
  EXPECT_TRUE(stats_near(a.intercept, 0.839));
  EXPECT_TRUE(stats_near(a.std_error, 0.002645751311064593, 1e-8));
  EXPECT_TRUE(stats_near(a.interval.lower, -0.030383749100790305, 1e-9));
  EXPECT_TRUE(stats_near(a.interval.upper, -0.007616250899209729, 1e-8));
  EXPECT_EQ(a.dof, 2.0);
  const std::vector<double> aht{300.0, 290.5, 310.25, 280.0, 275.5, 260.0, 270.0};
  const auto b = st::trend_slope(aht, 7, 0.1);
  EXPECT_TRUE(stats_near(b.slope, -6.633928571428571));
  EXPECT_TRUE(stats_near(b.intercept, 303.6517857142857));
  EXPECT_TRUE(stats_near(b.std_error, 2.0956975788115844));
  EXPECT_TRUE(stats_near(b.interval.lower, -10.85686056861081));
  EXPECT_TRUE(stats_near(b.interval.upper, -2.410996574246333));
}

TEST(StatsTrend, ExactLineAndTwoPoints) {
  const std::vector<double> line{1, 2, 3};
  const auto r = st::trend_slope(line, 3);
  EXPECT_EQ(r.slope, 1.0);
  EXPECT_EQ(r.std_error, 0.0);
  EXPECT_EQ(r.interval, (st::Interval{1.0, 1.0}));
  const auto two = st::trend_slope(line, 2);
  EXPECT_EQ(two.slope, 1.0);
  EXPECT_TRUE(std::isnan(two.std_error));
  EXPECT_TRUE(std::isnan(two.interval.lower));
  // Irregular period positions (months 1, 2, 4): the slope is per unit of x.
  const std::vector<double> y{10, 12, 16}, x{1, 2, 4};
  EXPECT_TRUE(stats_near(st::trend_slope(y, 3, 0.05, x).slope, 2.0, 1e-15));
}

TEST(StatsTrend, ErrorTexts) {
  const std::vector<double> v{1, 2, 3}, nan{1, NAN, 3};
  EXPECT_EQ(error_text([&] { st::trend_slope(v, 4); }), "trend_slope: k must be in [2, 3], got 4");
  EXPECT_EQ(error_text([&] { st::trend_slope(nan, 3); }),
            "trend_slope: values[1] must be finite, got nan");
  EXPECT_EQ(error_text([&] {
              st::trend_slope(v, 2, 0.05, std::vector<double>{1, 5, 5});
            }),
            "trend_slope: x must not be constant over the last k periods");
  EXPECT_EQ(error_text([&] { st::consecutive_shortfalls(v, 1.0, 0); }),
            "consecutive_shortfalls: periods must be at least 1, got 0");
}

} // namespace
