#include "staffing/staffing_test_util.hpp"
#include "kpiscore/staffing/interval_plan.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace ks = kpiscore::staffing;
using kpiscore::test::invalid_argument_text;
using kpiscore::test::rel_near;

namespace {
ks::plan_params call_centre_helper_params() {
  ks::plan_params p;
  p.interval_s = 1800;
  p.goal.target_s = 20;
  p.goal.service_level = 0.8;
  p.goal.max_occupancy = 0.85;
  p.shrinkage = 0.3;
  return p;
}
} // namespace

TEST(IntervalPlan, ErlangCPlanWithShrinkage) {
  // The Call Centre Helper example (see erlang_c_test.cpp) as the middle interval.
  const std::vector<ks::interval_forecast> day{{0, 0}, {100, 180}, {360, 240}, {40, 300}};
  const auto plan = ks::plan_intervals(day, call_centre_helper_params());
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan[0].agents, 0);
  EXPECT_EQ(plan[0].scheduled_agents, 0);
  EXPECT_EQ(plan[0].measures.service_level, 1.0);
  EXPECT_EQ(plan[1].agents, 14);
  EXPECT_DOUBLE_EQ(plan[1].offered_load, 10.0);
  EXPECT_NEAR(plan[1].scheduled_exact, 20.0, 1e-12);
  EXPECT_EQ(plan[1].scheduled_agents, 20);
  EXPECT_NEAR(plan[1].measures.service_level, 0.8883500191794669, 1e-12);
  EXPECT_EQ(plan[2].agents, ks::agents_required(0.2, 240, 20, 0.8, 0.85));
  for (const auto& r : plan) {
    if (r.agents == 0) continue;
    EXPECT_GE(r.measures.service_level, 0.8);
    EXPECT_LE(r.measures.occupancy, 0.85);
    EXPECT_EQ(r.scheduled_agents, ks::scheduled_agents(r.agents, 0.3));
  }
}

TEST(IntervalPlan, ErlangAPlanNeedsNoMoreThanErlangC) {
  ks::plan_params c = call_centre_helper_params();
  ks::plan_params a = c;
  a.patience_s = 120;
  const std::vector<ks::interval_forecast> day{{100, 180}, {360, 240}, {900, 200}};
  const auto plan_c = ks::plan_intervals(day, c);
  const auto plan_a = ks::plan_intervals(day, a);
  for (std::size_t i = 0; i < day.size(); ++i) {
    EXPECT_LE(plan_a[i].agents, plan_c[i].agents);
    EXPECT_EQ(plan_a[i].agents,
              ks::agents_required_a(day[i].arrivals / 1800, day[i].aht_s, a.patience_s, a.goal));
    EXPECT_GT(plan_a[i].measures.p_abandon, 0.0);
    EXPECT_EQ(plan_c[i].measures.p_abandon, 0.0);
  }
}

TEST(IntervalPlan, WhatIfOfGivenStaffing) {
  const ks::plan_params p = call_centre_helper_params();
  const std::vector<ks::interval_forecast> past{{100, 180}, {100, 180}, {100, 180}, {0, 0}};
  const std::vector<int> staffed{10, 13, 16, 2};
  const auto eval = ks::evaluate_staffing(past, staffed, p);
  ASSERT_EQ(eval.size(), 4u);
  // 10 agents for 10 Erlangs: the Erlang C queue is unstable.
  EXPECT_FALSE(eval[0].measures.stable);
  EXPECT_EQ(eval[0].measures.service_level, 0.0);
  EXPECT_TRUE(std::isinf(eval[0].measures.asa));
  EXPECT_FALSE(eval[0].meets_goal);
  EXPECT_EQ(eval[0].agents_required, 14);
  EXPECT_EQ(eval[0].shortfall, 4);
  EXPECT_TRUE(eval[1].measures.stable);
  EXPECT_NEAR(eval[1].measures.service_level, ks::erlang_c(100.0 / 1800, 180, 13, 20).service_level,
              1e-15);
  EXPECT_FALSE(eval[1].meets_goal);
  EXPECT_EQ(eval[1].shortfall, 1);
  EXPECT_TRUE(eval[2].meets_goal);
  EXPECT_EQ(eval[2].shortfall, -2);
  EXPECT_TRUE(eval[3].meets_goal); // nobody called
  EXPECT_EQ(eval[3].agents_required, 0);
}

TEST(IntervalPlan, WhatIfWithAbandonment) {
  ks::plan_params p = call_centre_helper_params();
  p.patience_s = 90;
  p.goal.basis = ks::sl_basis::answered;
  const std::vector<ks::interval_forecast> past{{100, 180}, {100, 180}};
  const std::vector<int> staffed{0, 9};
  const auto eval = ks::evaluate_staffing(past, staffed, p);
  EXPECT_EQ(eval[0].measures.p_abandon, 1.0);
  EXPECT_TRUE(std::isinf(eval[0].measures.asa));
  const ks::erlang_a_result r = ks::erlang_a(100.0 / 1800, 180, 9, 20, 90);
  EXPECT_EQ(eval[1].measures.service_level, r.service_level_of_answered);
  EXPECT_EQ(eval[1].measures.p_abandon, r.p_abandon);
  EXPECT_EQ(eval[1].agents_required, ks::agents_required_a(100.0 / 1800, 180, 90, p.goal));
}

TEST(IntervalPlan, InvalidInputsAreErrors) {
  const ks::plan_params p = call_centre_helper_params();
  const std::vector<ks::interval_forecast> bad_aht{{10, 180}, {5, 0}};
  EXPECT_EQ(invalid_argument_text([&] { ks::plan_intervals(bad_aht, p); }),
            "plan_intervals: interval 1: aht_s must be positive and finite, got 0");
  const std::vector<ks::interval_forecast> bad_arrivals{{-3, 180}};
  EXPECT_EQ(invalid_argument_text([&] { ks::plan_intervals(bad_arrivals, p); }),
            "plan_intervals: interval 0: arrivals must be non-negative and finite, got -3");
  ks::plan_params q = p;
  q.interval_s = 0;
  EXPECT_EQ(invalid_argument_text([&] { ks::plan_intervals(bad_aht, q); }),
            "plan_intervals: interval_s must be positive and finite, got 0");
  q = p;
  q.shrinkage = 1;
  EXPECT_EQ(invalid_argument_text([&] { ks::plan_intervals(bad_aht, q); }),
            "plan_intervals: shrinkage must be in [0, 1), got 1");
  q = p;
  q.patience_s = -1;
  EXPECT_EQ(invalid_argument_text([&] { ks::plan_intervals(bad_aht, q); }),
            "plan_intervals: patience_s must be positive (infinity for Erlang C), got -1");
  const std::vector<ks::interval_forecast> two{{10, 180}, {20, 180}};
  const std::vector<int> one{3};
  EXPECT_EQ(invalid_argument_text([&] { ks::evaluate_staffing(two, one, p); }),
            "evaluate_staffing: expected 2 staffing values (one per interval), got 1");
  const std::vector<int> negative{3, -1};
  EXPECT_EQ(invalid_argument_text([&] { ks::evaluate_staffing(two, negative, p); }),
            "evaluate_staffing: interval 1: agents must be non-negative, got -1");
}

// Not a benchmark (that belongs in benchmarks/), but a guard that a year of 15-minute
// intervals stays interactive: 35040 intervals of 1-200 Erlangs.
TEST(IntervalPlan, AYearOfIntervalsIsFast) {
  std::vector<ks::interval_forecast> year;
  for (int i = 0; i < 35040; ++i)
    year.push_back({10.0 + (i * 37 % 600), 240.0 + (i % 7) * 10});
  ks::plan_params p;
  p.interval_s = 900;
  p.goal.target_s = 20;
  p.goal.service_level = 0.8;
  const auto t0 = std::chrono::steady_clock::now();
  const auto plan = ks::plan_intervals(year, p);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(plan.size(), year.size());
  EXPECT_LT(secs, 2.0);
}
