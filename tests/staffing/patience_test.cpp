#include "staffing/staffing_test_util.hpp"
#include "kpiscore/staffing/patience.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace ks = kpiscore::staffing;
using kpiscore::test::invalid_argument_text;
using kpiscore::test::rel_near;


TEST(Patience, HandComputedEstimate) {
  // 3 abandons after 10, 20, 30 s; answered after 0, 40, 100 s: exposure 200 s.
  const std::vector<double> abandons{10, 20, 30};
  const std::vector<double> answered{0, 40, 100};
  const ks::patience_estimate e = ks::estimate_patience(abandons, answered);
  EXPECT_EQ(e.abandoned, 3);
  EXPECT_EQ(e.answered, 3);
  EXPECT_DOUBLE_EQ(e.exposure_s, 200.0);
  EXPECT_DOUBLE_EQ(e.rate_per_s, 3.0 / 200.0);
  EXPECT_DOUBLE_EQ(e.mean_s, 200.0 / 3.0);
  EXPECT_DOUBLE_EQ(e.mean_std_error_s, 200.0 / 3.0 / std::sqrt(3.0));
}

TEST(Patience, SampleMatchesSecondsVersionAndMerges) {
  ks::patience_sample all, part1, part2;
  const std::int64_t ab[] = {10'000, 20'000, 30'500};
  const std::int64_t an[] = {0, 40'000, 99'500};
  for (int i = 0; i < 3; ++i) {
    all.add_abandoned(ab[i]);
    all.add_answered(an[i]);
    (i < 2 ? part1 : part2).add_abandoned(ab[i]);
    (i == 0 ? part1 : part2).add_answered(an[i]);
  }
  ks::patience_sample merged = part1;
  merged += part2;
  EXPECT_EQ(merged, all);
  EXPECT_EQ(all.exposure_ms(), 200'000);
  const ks::patience_estimate e = all.estimate();
  EXPECT_DOUBLE_EQ(e.mean_s, 200.0 / 3.0);
  EXPECT_EQ(e.abandoned, 3);
  EXPECT_EQ(e.answered, 3);
}

// The estimator recovers the patience of simulated M/M/n+M-like records: exponential patience
// censored by independent waits (the MLE is consistent under independent censoring).
TEST(Patience, RecoversSimulatedPatience) {
  std::mt19937_64 rng(12345);
  std::exponential_distribution<double> patience(1.0 / 150.0); // mean 150 s
  std::exponential_distribution<double> offered_wait(1.0 / 60.0);
  std::vector<double> abandons, answered;
  for (int i = 0; i < 200000; ++i) {
    const double p = patience(rng), v = offered_wait(rng);
    (p < v ? abandons : answered).push_back(std::min(p, v));
  }
  const ks::patience_estimate e = ks::estimate_patience(abandons, answered);
  EXPECT_NEAR(e.mean_s, 150.0, 4 * e.mean_std_error_s);
  EXPECT_LT(e.mean_std_error_s, 2.0);
}

TEST(Patience, InvalidInputsAreErrors) {
  const std::vector<double> none;
  const std::vector<double> waits{5, 10};
  EXPECT_EQ(invalid_argument_text([&] { ks::estimate_patience(none, waits); }),
            "estimate_patience: no abandoned contacts: the patience estimate is unbounded (need "
            "at least one)");
  const std::vector<double> zero{0, 0};
  EXPECT_EQ(invalid_argument_text([&] { ks::estimate_patience(zero, none); }),
            "estimate_patience: total waiting time is zero: every abandonment was immediate, the "
            "patience estimate is zero");
  const std::vector<double> negative{3, -1};
  EXPECT_EQ(invalid_argument_text([&] { ks::estimate_patience(negative, waits); }),
            "estimate_patience: abandon_times_s[1] must be non-negative and finite, got -1");
  const std::vector<double> nan{std::numeric_limits<double>::quiet_NaN()};
  EXPECT_EQ(invalid_argument_text([&] { ks::estimate_patience(waits, nan); }),
            "estimate_patience: answered_waits_s[0] must be non-negative and finite, got nan");
  ks::patience_sample s;
  EXPECT_EQ(invalid_argument_text([&] { s.add_answered(-5); }),
            "patience_sample::add_answered: wait_ms must be non-negative, got -5");
  EXPECT_EQ(invalid_argument_text([&] { s.add_abandoned(-1); }),
            "patience_sample::add_abandoned: time_to_abandon_ms must be non-negative, got -1");
  EXPECT_EQ(invalid_argument_text([&] { s.estimate(); }),
            "patience_sample::estimate: no abandoned contacts: the patience estimate is unbounded "
            "(need at least one)");
  s.add_abandoned(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(invalid_argument_text([&] { s.add_answered(1); }),
            "patience_sample::add_answered: total waiting time overflows int64 milliseconds");
}
