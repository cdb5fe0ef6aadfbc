#include "staffing/staffing_test_util.hpp"
#include "kpiscore/staffing/erlang_a.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ks = kpiscore::staffing;
using kpiscore::test::invalid_argument_text;
using kpiscore::test::rel_near;

namespace {

struct a_case {
  double lambda, aht_s;
  int agents;
  double target_s, patience_s;
  double p_wait, service_level, asa, occupancy, p_abandon, sl_answered, sl_excl, p_ab_t, mean_wait;
};

// From tests/staffing/make_reference.py: the M/M/n+M birth-death chain summed directly in
// mpmath, offered waits as hypoexponential sums (no incomplete gamma function involved).
constexpr a_case reference_cases[] = {
    {0.05555555555555555, 180.0, 8, 20.0, 60.0, 0.6251790657395311, 0.5275524594452965,
     14.074539065943094, 0.902058923020706, 0.2783528615834352, 0.7310393561635261,
     0.6231226410735787, 0.15337298844353373, 16.70117169500611},
    {0.05555555555555555, 180.0, 11, 20.0, 60.0, 0.3267885999598517, 0.7965227114765874,
     5.229401577748666, 0.8074723457898113, 0.11178041963120755, 0.8967632881340758,
     0.8587265574861863, 0.07243731484407898, 6.706825177872453},
    {0.05555555555555555, 180.0, 14, 20.0, 180.0, 0.13553557738068897, 0.9255597920832291,
     2.9976901558807207, 0.7009330605198849, 0.018693715272161047, 0.943191546296811,
     0.9355281646332637, 0.010655342005595597, 3.364868748988988},
    {0.1, 300.0, 20, 30.0, 120.0, 0.8949560165906632, 0.27282230089802917, 43.89287979067537,
     0.9881169969859122, 0.3412553353427253, 0.41415485473414876, 0.33264481020673753,
     0.17983899785338275, 40.95064024112703},
    {0.1, 300.0, 45, 20.0, 300.0, 0.006268614643836011, 0.9979257869890341, 0.09472517677076298,
     0.6664451506105973, 0.00033227408410413487, 0.9982574820795922, 0.9981680100649635,
     0.0002426676406045652, 0.09968222523124047},
    {0.16666666666666666, 300.0, 70, 20.0, 300.0, 0.004334599852866793, 0.9990083661281173,
     0.05066623514039205, 0.7141603070517455, 0.0001755701275562161, 0.9991837929540983,
     0.9991528795250085, 0.00014463592094137538, 0.052671038266864825},
    {0.05, 300.0, 10, 20.0, 1.0, 0.42210168491053707, 0.5911954170906544, 0.022039142226477577,
     0.8867931256576296, 0.4088045828949136, 0.9999999999755883, 0.9999999992432386,
     0.40880458246195184, 0.4088045828949136},
    {0.05, 200.0, 12, 0.0, 90.0, 0.2572122638036905, 0.7427877361963094, 5.109573162080578,
     0.7751628978967195, 0.06980452252393662, 0.798528647130972, 0.7427877361963094, 0.0,
     6.282407027154297},
    {0.05, 200.0, 12, 60.0, 3000.0, 0.41914596257284725, 0.79105873186042, 32.50778896904356,
     0.8241791939257379, 0.010984967289114508, 0.7998450030553446, 0.7958242838206093,
     0.005988196209986035, 32.95490186734353},
    {2.0, 240.0, 500, 20.0, 180.0, 0.1752668498173791, 0.9933017712176881, 0.9141318511545281,
     0.9550240094001167, 0.0051833235415451534, 0.9984772016024502, 0.99845280031883,
     0.005159011121504219, 0.9329982374781277},
    {2.5, 240.0, 500, 20.0, 60.0, 0.9814903514720977, 0.7967544686341579, 10.717593403366516,
     0.9997973078741024, 0.1668355767715813, 0.9562991966781583, 0.9546190695086907,
     0.16536920947512626, 10.010134606294878},
};

struct large_case {
  double lambda, aht_s;
  int agents;
  double target_s, patience_s, p_wait, service_level, asa, occupancy, p_abandon;
};

// From make_reference.py, thousands of agents: the Mandelbaum-Zeltyn formulas evaluated with
// mpmath's incomplete gamma function and a numerical derivative (its own numerics, 50 digits).
constexpr large_case large_cases[] = {
    {16.666666666666668, 300.0, 4373, 20.0, 120.0, 0.9999999951757551, 0.8006865879423312,
     16.04433867504337, 0.9999999999914007, 0.1254000000075211},
    {16.666666666666668, 300.0, 5000, 20.0, 120.0, 0.38973589054313834, 0.9930880238967464,
     0.8235072154064794, 0.9930880238968883, 0.006911976103111753},
    {16.666666666666668, 300.0, 5200, 20.0, 120.0, 0.002272904013413787, 0.9999798525631738,
     0.0023983698006248134, 0.9615190890030518, 2.0147436826219303e-05},
    {166.66666666666666, 300.0, 50000, 20.0, 600.0, 0.5862789078109493, 0.9985219849294766,
     0.8863617425519783, 0.9985219849294765, 0.0014780150705234014},
};

struct required_case {
  double lambda, aht_s, target_s, service_level, patience_s, max_occupancy;
  int agents;
};

constexpr required_case required_cases[] = {
    {0.05555555555555555, 180.0, 20.0, 0.8, 120.0, 1.0, 12},
    {0.1, 300.0, 20.0, 0.8, 300.0, 1.0, 34},
    {0.1, 300.0, 20.0, 0.8, 300.0, 0.85, 35},
};

} // namespace

TEST(ErlangA, MatchesHighPrecisionReference) {
  for (const a_case& c : reference_cases) {
    SCOPED_TRACE("lambda=" + std::to_string(c.lambda) + " agents=" + std::to_string(c.agents) +
                 " patience=" + std::to_string(c.patience_s));
    const ks::erlang_a_result r =
        ks::erlang_a(c.lambda, c.aht_s, c.agents, c.target_s, c.patience_s);
    EXPECT_TRUE(rel_near(r.p_wait, c.p_wait));
    EXPECT_TRUE(rel_near(r.service_level, c.service_level));
    EXPECT_TRUE(rel_near(r.asa, c.asa));
    EXPECT_TRUE(rel_near(r.occupancy, c.occupancy));
    EXPECT_TRUE(rel_near(r.p_abandon, c.p_abandon));
    EXPECT_TRUE(rel_near(r.service_level_of_answered, c.sl_answered));
    EXPECT_TRUE(rel_near(r.service_level_excluding_early_abandons, c.sl_excl));
    EXPECT_TRUE(rel_near(r.p_abandon_within_target, c.p_ab_t));
    EXPECT_TRUE(rel_near(r.mean_wait, c.mean_wait));
    EXPECT_EQ(r.agents, c.agents);
  }
}

TEST(ErlangA, ThousandsOfAgentsMatchReference) {
  for (const large_case& c : large_cases) {
    SCOPED_TRACE("agents=" + std::to_string(c.agents));
    const ks::erlang_a_result r =
        ks::erlang_a(c.lambda, c.aht_s, c.agents, c.target_s, c.patience_s);
    EXPECT_TRUE(rel_near(r.p_wait, c.p_wait));
    EXPECT_TRUE(rel_near(r.service_level, c.service_level));
    EXPECT_TRUE(rel_near(r.asa, c.asa));
    EXPECT_TRUE(rel_near(r.occupancy, c.occupancy));
    EXPECT_TRUE(rel_near(r.p_abandon, c.p_abandon));
  }
}

TEST(ErlangA, AgentsRequiredMatchesReference) {
  for (const required_case& c : required_cases) {
    SCOPED_TRACE("lambda=" + std::to_string(c.lambda));
    EXPECT_EQ(ks::agents_required_a(c.lambda, c.aht_s, c.target_s, c.service_level, c.patience_s,
                                    c.max_occupancy),
              c.agents);
  }
}

// As patience grows without bound Erlang A becomes Erlang C (Garnett, Mandelbaum & Reiman
// 2002, sec. 2); with patience 1e9 s the abandonment terms are of order AHT / patience.
TEST(ErlangA, LongPatienceTendsToErlangC) {
  for (int n : {11, 14, 20}) {
    const ks::erlang_c_result c = ks::erlang_c(100.0 / 1800, 180, n, 20);
    const ks::erlang_a_result a = ks::erlang_a(100.0 / 1800, 180, n, 20, 1e9);
    EXPECT_TRUE(rel_near(a.p_wait, c.p_wait, 1e-5));
    EXPECT_TRUE(rel_near(a.service_level, c.service_level, 1e-5));
    EXPECT_TRUE(rel_near(a.asa, c.asa, 1e-5));
    EXPECT_TRUE(rel_near(a.occupancy, c.occupancy, 1e-5));
    EXPECT_LT(a.p_abandon, 1e-5);
  }
}

// Identities that hold for every M/M/n+M queue.
TEST(ErlangA, ConservationIdentities) {
  for (int n : {1, 5, 20, 60, 200}) {
    for (double patience : {2.0, 45.0, 300.0, 5000.0}) {
      const double lambda = 0.2, aht = 240, t = 20; // 48 Erlangs
      const ks::erlang_a_result r = ks::erlang_a(lambda, aht, n, t, patience);
      SCOPED_TRACE("n=" + std::to_string(n) + " patience=" + std::to_string(patience));
      // Throughput: answered contacts keep busy agents busy (occupancy = carried load / n).
      EXPECT_TRUE(rel_near(r.occupancy * n, lambda * aht * (1 - r.p_abandon), 1e-12));
      EXPECT_LE(r.occupancy, 1.0);
      // Little's law on the queue: mean wait = P(abandon) x mean patience.
      EXPECT_TRUE(rel_near(r.mean_wait, r.p_abandon * patience, 1e-15));
      EXPECT_LE(r.p_abandon_within_target, r.p_abandon);
      EXPECT_LE(r.service_level, 1 - r.p_abandon + 1e-15);
      EXPECT_GE(r.service_level, 1 - r.p_wait - 1e-15);
      EXPECT_GE(r.service_level_of_answered, r.service_level);
      EXPECT_GE(r.service_level_excluding_early_abandons, r.service_level);
    }
  }
}

TEST(ErlangA, MeasuresImproveWithAgents) {
  double prev_sl = -1, prev_ab = 2, prev_asa = std::numeric_limits<double>::infinity();
  for (int n = 1; n < 80; ++n) {
    const ks::erlang_a_result r = ks::erlang_a(0.2, 240, n, 20, 120);
    EXPECT_GT(r.service_level, prev_sl);
    EXPECT_LT(r.p_abandon, prev_ab);
    EXPECT_LT(r.asa, prev_asa);
    prev_sl = r.service_level;
    prev_ab = r.p_abandon;
    prev_asa = r.asa;
  }
}

TEST(ErlangA, AgentsRequiredIsTheSmallestMeetingTheGoal) {
  ks::staffing_goal g;
  g.target_s = 30;
  g.service_level = 0.85;
  g.basis = ks::sl_basis::answered;
  g.max_abandon = 0.03;
  const double lambda = 0.37, aht = 263.5, patience = 95;
  const int n = ks::agents_required_a(lambda, aht, patience, g);
  auto ok = [&](int m) {
    const ks::erlang_a_result r = ks::erlang_a(lambda, aht, m, g.target_s, patience);
    return r.service_level_of_answered >= g.service_level && r.p_abandon <= g.max_abandon;
  };
  EXPECT_TRUE(ok(n));
  EXPECT_FALSE(ok(n - 1));
  // Erlang A needs fewer agents than Erlang C for the same offered-basis goal.
  EXPECT_LE(ks::agents_required_a(lambda, aht, 20, 0.8, patience),
            ks::agents_required(lambda, aht, 20, 0.8));
}

TEST(ErlangA, LargeTrafficStaysFinite) {
  // 5000 agents around 5000 Erlangs, under- and overloaded, short and long patience.
  for (double load : {4800.0, 5000.0, 5200.0, 8000.0}) {
    for (double patience : {5.0, 120.0, 1e5}) {
      const ks::erlang_a_result r = ks::erlang_a(load / 300, 300, 5000, 20, patience);
      SCOPED_TRACE("load=" + std::to_string(load) + " patience=" + std::to_string(patience));
      for (double v :
           {r.p_wait, r.service_level, r.occupancy, r.p_abandon, r.service_level_of_answered,
            r.service_level_excluding_early_abandons, r.p_abandon_within_target}) {
        EXPECT_TRUE(std::isfinite(v) && v >= 0 && v <= 1) << v;
      }
      EXPECT_TRUE(std::isfinite(r.asa) && r.asa >= 0);
      EXPECT_TRUE(std::isfinite(r.mean_wait) && r.mean_wait >= 0);
    }
  }
  // Overload 8000 Erlangs on 5000 agents: the agents are (almost) always busy and
  // P(abandon) -> 1 - n / A = 0.375 (the fluid limit, Whitt 2004).
  const ks::erlang_a_result over = ks::erlang_a(8000.0 / 300, 300, 5000, 20, 120);
  EXPECT_NEAR(over.p_abandon, 0.375, 1e-3);
  EXPECT_NEAR(over.occupancy, 1.0, 1e-3);
  // 5000 Erlangs, 80 % in 20 s, patience 120 s: fewer agents than Erlangs suffice. In this
  // efficiency-driven regime the served contacts wait about patience x ln(A / n) (fluid model,
  // Whitt 2004), 16 s at n = 4373, while the 12.5 % who abandon count against the target.
  const int n = ks::agents_required_a(5000.0 / 300, 300, 20, 0.8, 120);
  EXPECT_EQ(n, 4373);
  EXPECT_GE(ks::erlang_a(5000.0 / 300, 300, n, 20, 120).service_level, 0.8);
  EXPECT_LT(ks::erlang_a(5000.0 / 300, 300, n - 1, 20, 120).service_level, 0.8);
}

TEST(ErlangA, InvalidInputsAreErrors) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_a(0, 180, 11, 20, 60); }),
            "erlang_a: arrival_rate must be positive and finite, got 0");
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_a(0.05, -3, 11, 20, 60); }),
            "erlang_a: aht_s must be positive and finite, got -3");
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_a(0.05, 180, 11, 20, 0); }),
            "erlang_a: patience_s must be positive and finite, got 0");
  EXPECT_EQ(invalid_argument_text([&] { ks::erlang_a(0.05, 180, 11, 20, inf); }),
            "erlang_a: patience_s must be positive and finite, got inf");
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_a(0.05, 180, -2, 20, 60); }),
            "erlang_a: agents must be at least 1, got -2");
  EXPECT_EQ(invalid_argument_text([] { ks::erlang_a(0.05, 180, 11, -1, 60); }),
            "erlang_a: target_s must be non-negative and finite, got -1");
  EXPECT_EQ(invalid_argument_text([] { ks::agents_required_a(0.05, 180, 20, 1.5, 60); }),
            "agents_required_a: service_level must be in [0, 1), got 1.5");
  EXPECT_EQ(invalid_argument_text([] { ks::agents_required_a(0.05, 180, 20, 0.8, -60); }),
            "agents_required_a: patience_s must be positive and finite, got -60");
  ks::staffing_goal g;
  g.max_abandon = 0;
  EXPECT_EQ(invalid_argument_text([&] { ks::agents_required_a(0.05, 180, 60, g); }),
            "agents_required_a: max_abandon must be in (0, 1], got 0");
}

TEST(ErlangADetail, IncompleteGammaKnownValues) {
  // P(1, z) = 1 - e^{-z}; P(s, z) for integer s is a Poisson tail: Q(3, 2) = e^{-2}(1 + 2 + 2).
  EXPECT_TRUE(rel_near(ks::detail::gamma_pq(1.0, 0.5).p, -std::expm1(-0.5), 1e-13));
  EXPECT_TRUE(rel_near(ks::detail::gamma_pq(1.0, 7.0).q, std::exp(-7.0), 1e-13));
  EXPECT_TRUE(rel_near(ks::detail::gamma_pq(3.0, 2.0).q, 5 * std::exp(-2.0), 1e-13));
  EXPECT_TRUE(rel_near(ks::detail::gamma_pq(3.0, 9.0).q, std::exp(-9.0) * (1 + 9 + 40.5), 1e-13));
  // Large s near the transition z = s + 1, where the Stirling form of the prefactor matters:
  // P(s, s) -> 1/2 + 1/(3 sqrt(2 pi s)) (Temme 1979), and P + Q = 1.
  const ks::detail::incomplete_gamma big = ks::detail::gamma_pq(1e6, 1e6);
  EXPECT_NEAR(big.p, 0.5 + 1 / (3 * std::sqrt(2 * 3.141592653589793 * 1e6)), 1e-9);
  EXPECT_NEAR(big.p + big.q, 1.0, 1e-15);
  // ln Gamma(s + 1) against factorials.
  EXPECT_TRUE(rel_near(ks::detail::log_gamma1p(5.0), std::log(120.0), 1e-15));
  EXPECT_TRUE(rel_near(ks::detail::log_gamma1p(20.0), std::log(2432902008176640000.0), 1e-15));
  // sum_{i=1}^{m} 1/(x+i) by direct summation, short and long.
  for (double x : {0.25, 3.0, 1000.0}) {
    for (double m : {5.0, 64.0, 65.0, 500.0}) {
      double direct = 0;
      for (int i = static_cast<int>(m); i >= 1; --i)
        direct += 1.0 / (x + i);
      EXPECT_TRUE(rel_near(ks::detail::harmonic_sum(x, m), direct, 1e-14));
    }
  }
}
