#include "kpiscore/stats/nps.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "stats/stats_test_util.hpp"

namespace st = kpiscore::stats;
using kpiscore::test::error_text;
using kpiscore::test::stats_near;

namespace {

// Reference: NumPy, NPS as the mean of +1 / 0 / -1 scores, SE = population sd / sqrt(n) (the
// trinomial variance), z = scipy.stats.norm.isf(alpha / 2) (tests/stats/make_reference.py).
TEST(StatsNps, MatchesScoreFormulation) {
  const struct {
    std::int64_t p, a, d;
    double alpha, nps, se, lo, hi;
  } cases[] = {
      {120, 50, 30, 0.05, 44.99999999999999, 5.232112384114088, 34.74524816407039,
       55.2547518359296},
      {9, 1, 0, 0.05, 90.0, 9.486832980505138, 71.40614903086315, 100.0},
      {3, 3, 4, 0.1, -10.000000000000004, 26.26785107312739, -53.20677010985473, 33.20677010985472},
      {1, 0, 1, 0.05, 0.0, 70.71067811865476, -100.0, 100.0},
      {500000000, 300000000, 200000000, 0.05, 30.0, 0.0024698178070456937, 29.995159246049813,
       30.004840753950184},
  };
  for (const auto& c : cases) {
    const auto r = st::nps_confint(c.p, c.a, c.d, c.alpha);
    EXPECT_TRUE(stats_near(r.nps, c.nps, 1e-12)) << c.p;
    EXPECT_TRUE(stats_near(r.std_error, c.se)) << c.p;
    EXPECT_TRUE(stats_near(r.interval.lower, c.lo)) << c.p;
    EXPECT_TRUE(stats_near(r.interval.upper, c.hi)) << c.p;
    EXPECT_FALSE(r.degenerate);
  }
}

TEST(StatsNps, DegenerateSamplesArePointIntervals) {
  for (auto [p, a, d, value] :
       {std::tuple{7, 0, 0, 100.0}, std::tuple{0, 1, 0, 0.0}, std::tuple{0, 0, 12, -100.0}}) {
    const auto r = st::nps_confint(p, a, d);
    EXPECT_TRUE(r.degenerate);
    EXPECT_EQ(r.nps, value);
    EXPECT_EQ(r.std_error, 0.0);
    EXPECT_EQ(r.interval, (st::Interval{value, value}));
  }
}

TEST(StatsNps, ErrorTexts) {
  EXPECT_EQ(error_text([] { st::nps_confint(0, 0, 0); }),
            "nps_confint: needs at least one answer, got 0");
  EXPECT_EQ(error_text([] { st::nps_confint(-1, 0, 3); }),
            "nps_confint: promoters must be non-negative, got -1");
  EXPECT_EQ(error_text([] { st::nps_confint(1, 0, 3, 2.0); }),
            "nps_confint: alpha must be in (0, 1), got 2");
}

} // namespace
