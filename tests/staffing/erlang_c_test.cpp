#include "staffing/staffing_test_util.hpp"
#include "kpiscore/staffing/erlang_c.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "kpiscore/staffing/shrinkage.hpp"

namespace ks = kpiscore::staffing;
using kpiscore::test::invalid_argument_text;
using kpiscore::test::rel_near;

namespace {

// Relative agreement; an expected zero must be matched to within 1e-300.
struct c_case {
  double lambda, aht_s;
  int agents;
  double target_s, p_wait, service_level, asa, occupancy;
};

// From tests/staffing/make_reference.py (mpmath, 60 digits, closed form with factorials).
constexpr c_case reference_cases[] = {
    {0.05555555555555555, 180.0, 11, 20.0, 0.6821182046893323, 0.38961381172915355,
     122.78127684407973, 0.9090909090909091},
    {0.05555555555555555, 180.0, 14, 20.0, 0.17413193359504978, 0.8883500191794669,
     7.835937011777239, 0.7142857142857142},
    {0.2, 240.0, 50, 20.0, 0.6944556111968346, 0.4121560163741376, 83.33467334362027,
     0.9600000000000001},
    {0.2, 240.0, 55, 15.0, 0.23870093637800938, 0.8458830921705802, 8.184032104388896,
     0.8727272727272728},
    {0.016666666666666666, 50.0, 1, 10.0, 0.8333333333333334, 0.19398658293166177,
     249.99999999999997, 0.8333333333333334},
    {0.5, 10.0, 6, 0.0, 0.5875164504606128, 0.4124835495393871, 5.875164504606129,
     0.8333333333333334},
    {0.0033333333333333335, 300.0, 50, 20.0, 1.2342540755009997e-65, 1.0, 7.556657605108162e-65,
     0.02},
    {3.3329999999999997, 300.0, 1000, 20.0, 0.9960751238732448, 0.010543291056851884,
     2988.2253716174096, 0.9998999999999999},
    {16.333333333333332, 300.0, 5000, 20.0, 0.09993787723448662, 0.9998728156793972,
     0.2998136317034588, 0.98},
    {20.791666666666668, 240.0, 5000, 10.0, 0.8343673126353006, 0.4499511669996472,
     20.024815503247783, 0.9980000000000001},
    {12.688261048304215, 97.3, 1300, 30.0, 0.0397192238790358, 0.9999999999312323,
     0.05906389336489047, 0.9496675384615385},
};

struct required_case {
  double lambda, aht_s, target_s, service_level, max_occupancy;
  int agents;
};

constexpr required_case required_cases[] = {
    {0.05555555555555555, 180.0, 20.0, 0.8, 1.0, 14},
    {0.05555555555555555, 180.0, 20.0, 0.8, 0.7, 15},
    {0.2, 240.0, 20.0, 0.8, 1.0, 54},
    {0.2, 240.0, 20.0, 0.9, 0.85, 57},
    {16.333333333333332, 300.0, 20.0, 0.8, 1.0, 4919},
    {16.333333333333332, 300.0, 20.0, 0.95, 0.9, 5445},
};

} // namespace

TEST(ErlangC, MatchesHighPrecisionReference) {
  for (const c_case& c : reference_cases) {
    SCOPED_TRACE("lambda=" + std::to_string(c.lambda) + " agents=" + std::to_string(c.agents));
    const ks::erlang_c_result r = ks::erlang_c(c.lambda, c.aht_s, c.agents, c.target_s);
    EXPECT_TRUE(rel_near(r.p_wait, c.p_wait));
    EXPECT_TRUE(rel_near(r.service_level, c.service_level));
    EXPECT_TRUE(rel_near(r.asa, c.asa));
    EXPECT_TRUE(rel_near(r.occupancy, c.occupancy));
    EXPECT_TRUE(rel_near(r.offered_load, c.lambda * c.aht_s, 1e-15));
    EXPECT_EQ(r.agents, c.agents);
  }
}

// Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example"
// (callcentrehelper.com): 100 calls in 30 minutes, AHT 180 s, target 80 % in 20 s.
// Published figures: traffic intensity 10 Erlangs; with 11 agents the probability of waiting
// is 68.21 %, service level 39 %, ASA 122.8 s, 31.79 % answered immediately; 14 agents give a
// service level of 88.8 % at 71.4 % occupancy; with 30 % shrinkage 20 agents are scheduled.
// Every figure is reproduced here to its published rounding (and to 1e-9 by the reference
// table above, whose values were recomputed independently with mpmath).
TEST(ErlangC, CallCentreHelperWorkedExample) {
  const double lambda = 100.0 / 1800.0;
  const ks::erlang_c_result r11 = ks::erlang_c(lambda, 180, 11, 20);
  EXPECT_NEAR(r11.offered_load, 10.0, 1e-12);
  EXPECT_NEAR(100 * r11.p_wait, 68.21, 0.005);
  EXPECT_NEAR(100 * r11.service_level, 39.0, 0.5);
  EXPECT_NEAR(r11.asa, 122.8, 0.05);
  EXPECT_NEAR(100 * (1 - r11.p_wait), 31.79, 0.005);

  const ks::erlang_c_result r14 = ks::erlang_c(lambda, 180, 14, 20);
  EXPECT_NEAR(100 * r14.service_level, 88.8, 0.05);
  EXPECT_NEAR(100 * r14.occupancy, 71.4, 0.05);
  EXPECT_LT(ks::erlang_c(lambda, 180, 13, 20).service_level, 0.8);
  EXPECT_EQ(ks::agents_required(lambda, 180, 20, 0.8), 14);
  EXPECT_EQ(ks::scheduled_agents(14, 0.3), 20);
}

// M/M/1 closed forms (Kleinrock 1975, sec. 3.2): P(W > 0) = rho, E[W] = rho / (mu - lambda),
// P(W > t) = rho e^{-(mu - lambda) t}.
TEST(ErlangC, SingleAgentClosedForm) {
  const double lambda = 0.004, aht = 200; // rho = 0.8
  const ks::erlang_c_result r = ks::erlang_c(lambda, aht, 1, 30);
  EXPECT_TRUE(rel_near(r.p_wait, 0.8, 1e-14));
  EXPECT_TRUE(rel_near(r.asa, 0.8 / (1.0 / aht - lambda), 1e-13));
  EXPECT_TRUE(rel_near(1 - r.service_level, 0.8 * std::exp(-(1.0 / aht - lambda) * 30), 1e-13));
}

TEST(ErlangC, AgentsRequiredMatchesReference) {
  for (const required_case& c : required_cases) {
    SCOPED_TRACE("lambda=" + std::to_string(c.lambda) + " sl=" + std::to_string(c.service_level));
    EXPECT_EQ(ks::agents_required(c.lambda, c.aht_s, c.target_s, c.service_level, c.max_occupancy),
              c.agents);
  }
}

TEST(ErlangC, AgentsRequiredIsTheSmallestMeetingTheGoal) {
  const double lambda = 0.37, aht = 263.5; // 97.495 Erlangs: no rounding of the load
  const int n = ks::agents_required(lambda, aht, 15, 0.9, 0.95);
  const ks::erlang_c_result at = ks::erlang_c(lambda, aht, n, 15);
  EXPECT_GE(at.service_level, 0.9);
  EXPECT_LE(at.occupancy, 0.95);
  const ks::erlang_c_result below = ks::erlang_c(lambda, aht, n - 1, 15);
  EXPECT_TRUE(below.service_level < 0.9 || below.occupancy > 0.95);
}

TEST(ErlangC, AgentsRequiredWithAsaGoal) {
  ks::staffing_goal g;
  g.max_asa_s = 10;
  const int n = ks::agents_required(100.0 / 1800, 180, g);
  EXPECT_EQ(n, 14); // ASA 17.1 s with 13 agents, 7.8 s with 14
  EXPECT_LE(ks::erlang_c(100.0 / 1800, 180, n, 0).asa, 10);
  EXPECT_GT(ks::erlang_c(100.0 / 1800, 180, n - 1, 0).asa, 10);
  // Occupancy alone: the smallest n with A / n <= 0.85 (A = 10 -> 12).
  ks::staffing_goal occ;
  occ.max_occupancy = 0.85;
  EXPECT_EQ(ks::agents_required(100.0 / 1800, 180, occ), 12);
}

TEST(ErlangC, ServiceLevelAndWaitImproveWithAgents) {
  double prev_sl = -1, prev_pw = 2, prev_asa = std::numeric_limits<double>::infinity();
  for (int n = 49; n < 80; ++n) {
    const ks::erlang_c_result r = ks::erlang_c(0.2, 240, n, 20);
    EXPECT_GT(r.service_level, prev_sl);
    EXPECT_LT(r.p_wait, prev_pw);
    EXPECT_LT(r.asa, prev_asa);
    prev_sl = r.service_level;
    prev_pw = r.p_wait;
    prev_asa = r.asa;
  }
}

TEST(ErlangC, LargeTrafficStaysFinite) {
  for (int n : {5000, 5001, 5100, 6000, 20000}) {
    const ks::erlang_c_result r = ks::erlang_c(4999.5 / 300, 300, n, 20);
    EXPECT_TRUE(std::isfinite(r.p_wait) && r.p_wait >= 0 && r.p_wait <= 1);
    EXPECT_TRUE(std::isfinite(r.service_level) && r.service_level >= 0 && r.service_level <= 1);
    EXPECT_TRUE(std::isfinite(r.asa) && r.asa >= 0);
  }
  const ks::erlang_c_result r = ks::erlang_c(4999.5 / 300, 300, 5000, 20);
  EXPECT_GT(r.p_wait, 0.99); // 0.01 Erlang of slack on 5000 agents
  // 20000 Erlangs: the search walks up from the load without overflow.
  const int n = ks::agents_required(20000.0 / 300, 300, 20, 0.8);
  EXPECT_GT(n, 20000);
  EXPECT_LT(n, 20100);
  EXPECT_GE(ks::erlang_c(20000.0 / 300, 300, n, 20).service_level, 0.8);
  EXPECT_LT(ks::erlang_c(20000.0 / 300, 300, n - 1, 20).service_level, 0.8);
}

TEST(ErlangC, UnstableQueueIsAnError) {
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_c(0.5, 20, 10, 20); }),
            "erlang_c: unstable queue: offered load 10 Erlangs is not below 10 agents (Erlang C "
            "needs arrival_rate * aht_s < agents)");
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_c(0.5, 25, 10, 20); }),
            "erlang_c: unstable queue: offered load 12.5 Erlangs is not below 10 agents (Erlang C "
            "needs arrival_rate * aht_s < agents)");
}

TEST(ErlangC, InvalidInputsAreErrors) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_c(-1, 180, 11, 20); }),
            "erlang_c: arrival_rate must be positive and finite, got -1");
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_c(0, 180, 11, 20); }),
            "erlang_c: arrival_rate must be positive and finite, got 0");
  EXPECT_EQ(invalid_argument_text([&] { ks::erlang_c(nan, 180, 11, 20); }),
            "erlang_c: arrival_rate must be positive and finite, got nan");
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_c(0.05, 0, 11, 20); }),
            "erlang_c: aht_s must be positive and finite, got 0");
  EXPECT_EQ(invalid_argument_text([&] { ks::erlang_c(0.05, inf, 11, 20); }),
            "erlang_c: aht_s must be positive and finite, got inf");
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_c(0.05, 180, 0, 20); }),
            "erlang_c: agents must be at least 1, got 0");
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_c(0.05, 180, 11, -0.5); }),
            "erlang_c: target_s must be non-negative and finite, got -0.5");
  EXPECT_EQ(invalid_argument_text([] { ks::agents_required(0.05, -180, 20, 0.8); }),
            "agents_required: aht_s must be positive and finite, got -180");
  EXPECT_EQ(invalid_argument_text([] { ks::agents_required(0.05, 180, 20, 1.0); }),
            "agents_required: service_level must be in [0, 1), got 1");
  EXPECT_EQ(invalid_argument_text([] { ks::agents_required(0.05, 180, 20, 0.8, 0.0); }),
            "agents_required: max_occupancy must be in (0, 1], got 0");
  EXPECT_EQ(invalid_argument_text([] { ks::agents_required(0.05, 180, 20, 0.8, 1.2); }),
            "agents_required: max_occupancy must be in (0, 1], got 1.2");
  ks::staffing_goal g;
  g.max_asa_s = 0;
  EXPECT_EQ(invalid_argument_text([&] { ks::agents_required(0.05, 180, g); }),
            "agents_required: max_asa_s must be positive (infinity for no limit), got 0");
}

TEST(Shrinkage, GrossUpAndCombination) {
  EXPECT_DOUBLE_EQ(ks::gross_up(14, 0.3), 20.0);
  EXPECT_DOUBLE_EQ(ks::gross_up(10, 0.2), 12.5);
  EXPECT_EQ(ks::scheduled_agents(10, 0.2), 13);
  EXPECT_EQ(ks::scheduled_agents(0, 0.5), 0);
  EXPECT_EQ(ks::scheduled_agents(7, 0.3), 10);
  const double parts[] = {0.1, 0.05, 0.15};
  EXPECT_NEAR(ks::total_shrinkage(parts), 0.3, 1e-15);
  EXPECT_NEAR(ks::total_shrinkage(parts, ks::shrinkage_combination::multiplicative),
              1 - 0.9 * 0.95 * 0.85, 1e-15);
  EXPECT_EQ(invalid_argument_text([] { ks::gross_up(10, 1.0); }),
            "gross_up: shrinkage must be in [0, 1), got 1");
  EXPECT_EQ(invalid_argument_text([] { ks::scheduled_agents(-1, 0.3); }),
            "scheduled_agents: net_agents must be non-negative, got -1");
  const double too_much[] = {0.6, 0.5};
  EXPECT_EQ(invalid_argument_text([&] { ks::total_shrinkage(too_much); }),
            "total_shrinkage: the additive total must be in [0, 1), got 1.1");
  EXPECT_NEAR(ks::total_shrinkage(too_much, ks::shrinkage_combination::multiplicative), 0.8, 1e-15);
}
