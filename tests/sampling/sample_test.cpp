#include <kpiscore/sampling/sample.hpp>

#include "sampling_test_util.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <tuple>

namespace {

using namespace kpiscore;
using namespace kpiscore::sampling;
using namespace kpiscore::test;
using json = nlohmann::json;

const json complaint_rule = {{"name", "complaint"},
                             {"when", {{"field", "complaint"}, {"op", "=="}, {"value", 1}}},
                             {"weight", 4}};
const json low_csat_rule = {
    {"name", "low_csat"}, {"when", {{"field", "csat"}, {"op", "<="}, {"value", 2}}}, {"weight", 2}};

std::string error_of(const ContactTable& t, const json& plan) {
  try {
    (void)draw_sample(t, plan_of(plan));
  } catch (const PlanError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SamplingDraw, FixedSizeStratifiedTotalsAreExactWithMinimums) {
  const ContactTable t = table_of(make_records(600, 8, 5));
  for (const char* design : {"pareto", "sequential_poisson", "systematic"}) {
    const json plan = {{"design", design},
                       {"seed", 11},
                       {"rate", 0.15},
                       {"strata", {{"by", {"agent_id", "day"}}, {"min", 2}}}};
    const Sample s = draw_sample(t, plan_of(plan));
    EXPECT_EQ(s.contacts.size(), 90u) << design; // round(0.15 * 600)
    EXPECT_EQ(s.report.achieved, 90u);
    EXPECT_EQ(s.report.planned, 90);
    EXPECT_EQ(s.report.requested, 90);
    EXPECT_EQ(s.report.strata.size(), 40u);
    for (const auto& st : s.report.strata) {
      EXPECT_EQ(static_cast<std::int64_t>(st.achieved), *st.planned) << design;
      EXPECT_GE(st.achieved, std::min<std::uint64_t>(2, st.population));
      EXPECT_NEAR(st.expected, static_cast<double>(*st.planned), 1e-9);
    }
  }
}

TEST(SamplingDraw, AStratumTooSmallForItsMinimumIsReportedNotFilled) {
  const ContactTable t = table_of(make_records(300, 8, 5));
  const json plan = {{"design", "pareto"},
                     {"seed", 3},
                     {"size", 150},
                     {"strata", {{"by", {"agent_id", "day"}}, {"min", 4}}}};
  const Sample s = draw_sample(t, plan_of(plan));
  int short_strata = 0;
  for (const auto& st : s.report.strata) {
    if (st.population < 4) {
      ++short_strata;
      EXPECT_TRUE(st.below_minimum);
      EXPECT_EQ(st.achieved, st.population); // all of it, nothing more
    } else {
      EXPECT_FALSE(st.below_minimum);
      EXPECT_GE(st.achieved, 4u);
    }
  }
  ASSERT_GT(short_strata, 0);
  EXPECT_EQ(s.contacts.size(), 150u);
  EXPECT_EQ(s.report.notes.at(0),
            std::to_string(short_strata) +
                " strata hold fewer contacts than the minimum of 4: all their contacts are "
                "taken and the shortfall is reported (below_minimum)");
}

TEST(SamplingDraw, MinimumsAboveThePlannedTotalRaiseItAndSaySo) {
  const ContactTable t = table_of(make_records(400, 6, 2));
  const json plan = {{"design", "pareto"},
                     {"seed", 3},
                     {"size", 5},
                     {"strata", {{"by", {"agent_id"}}, {"min", 2}}}};
  const Sample s = draw_sample(t, plan_of(plan));
  EXPECT_EQ(s.contacts.size(), 12u);
  EXPECT_EQ(s.report.notes.at(0), "the per-stratum minimum needs 12 contacts, more than the 5 "
                                  "planned: every stratum gets its minimum");
}

TEST(SamplingDraw, AllocationsFollowTheirRule) {
  const ContactTable t = table_of(make_records(800, 4, 1));
  const json strata_equal = {{"by", {"agent_id"}}, {"allocation", "equal"}};
  Sample s = draw_sample(
      t, plan_of({{"design", "pareto"}, {"seed", 1}, {"size", 40}, {"strata", strata_equal}}));
  for (const auto& st : s.report.strata)
    EXPECT_EQ(st.achieved, 10u);
  // Neyman: n_h ∝ N_h S_h; with S = 1 for A10 and 0 elsewhere, A10 gets all it can.
  const json neyman = json::parse(R"({"by": ["agent_id"], "allocation": "neyman",
    "sd": {"default": 0, "values": [{"key": {"agent_id": "A10"}, "sd": 1}]}})");
  s = draw_sample(t,
                  plan_of({{"design", "pareto"}, {"seed", 1}, {"size", 20}, {"strata", neyman}}));
  for (const auto& st : s.report.strata)
    EXPECT_EQ(st.achieved, st.key[0] == "A10" ? 20u : 0u);
  // Fixed counts with a default; a maximum caps them.
  const json fixed = json::parse(R"({"by": ["agent_id"], "allocation": "fixed", "max": 6,
    "counts": {"default": 3, "values": [{"key": {"agent_id": "A12"}, "n": 9}]}})");
  s = draw_sample(t, plan_of({{"design", "sequential_poisson"}, {"seed", 1}, {"strata", fixed}}));
  for (const auto& st : s.report.strata)
    EXPECT_EQ(st.achieved, st.key[0] == "A12" ? 6u : 3u);
  EXPECT_EQ(s.report.requested, 18);
  EXPECT_EQ(s.report.planned, 15);
}

TEST(SamplingDraw, InclusionProbabilitiesSumToTheExpectedSize) {
  const ContactTable t = table_of(make_records(700, 6, 3));
  const json strata = {{"by", {"agent_id", "day"}}, {"min", 1}};
  for (const char* design : {"poisson", "pareto", "systematic"}) {
    const json plan = {{"design", design},
                       {"seed", 5},
                       {"rate", 0.1},
                       {"strata", strata},
                       {"risk", {complaint_rule, low_csat_rule}}};
    const Sample s = draw_sample(t, plan_of(plan));
    EXPECT_NEAR(s.report.expected, 70.0, 1e-9) << design;
    for (const auto& st : s.report.strata)
      if (st.planned) {
        EXPECT_NEAR(st.expected, static_cast<double>(*st.planned), 1e-9);
      }
  }
  const Sample b = draw_sample(t, plan_of({{"design", "bernoulli"}, {"seed", 5}, {"rate", 0.1}}));
  EXPECT_NEAR(b.report.expected, 70.0, 1e-9);
}

TEST(SamplingDraw, RiskWeightsRaiseInclusionProbabilities) {
  const ContactTable t = table_of(make_records(500, 1, 1));
  const json plan = {
      {"design", "pareto"}, {"seed", 9}, {"size", 50}, {"risk", {complaint_rule, low_csat_rule}}};
  const Sample s = draw_sample(t, plan_of(plan));
  // One stratum of 500: c solves Σ min(1, c x_i) = 50 with x = 4 (complaint), 2 (csat <= 2), 1.
  std::map<double, double> pi_of_size;
  for (const auto& c : s.contacts) {
    pi_of_size[c.size_measure] = c.inclusion_probability;
    EXPECT_DOUBLE_EQ(c.design_weight, 1.0 / c.inclusion_probability);
    const auto i = c.row;
    const bool complaint = t.column(SmallField::complaint)[i] == 1;
    const int csat = t.column(SmallField::csat)[i];
    EXPECT_EQ(c.size_measure, complaint ? 4.0 : (csat >= 1 && csat <= 2) ? 2.0 : 1.0);
    EXPECT_EQ(c.risk_rule, complaint ? 0 : (csat >= 1 && csat <= 2) ? 1 : -1);
  }
  ASSERT_EQ(pi_of_size.size(), 3u);
  EXPECT_DOUBLE_EQ(pi_of_size[4.0], 4 * pi_of_size[1.0]);
  EXPECT_DOUBLE_EQ(pi_of_size[2.0], 2 * pi_of_size[1.0]);
  double total = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const bool complaint = t.column(SmallField::complaint)[i] == 1;
    const int csat = t.column(SmallField::csat)[i];
    total += pi_of_size[complaint ? 4.0 : (csat >= 1 && csat <= 2) ? 2.0 : 1.0];
  }
  EXPECT_NEAR(total, 50.0, 1e-9);
}

/// Selection counts per row over `replicates` seeds, and each row's stated π (from any draw
/// that selected it; a row never selected keeps -1).
struct Frequencies {
  std::vector<std::uint64_t> counts;
  std::vector<double> pi;
};
Frequencies frequencies(const ContactTable& t, json plan, std::uint64_t replicates) {
  Frequencies f{std::vector<std::uint64_t>(t.size(), 0), std::vector<double>(t.size(), -1)};
  for (std::uint64_t r = 0; r < replicates; ++r) {
    plan["seed"] = 1000 + r;
    const Sample s = draw_sample(t, plan_of(plan));
    for (const auto& c : s.contacts) {
      ++f.counts[c.row];
      if (f.pi[c.row] >= 0) {
        EXPECT_EQ(f.pi[c.row], c.inclusion_probability) << "π changed with the seed";
      }
      f.pi[c.row] = c.inclusion_probability;
    }
  }
  return f;
}

void expect_frequencies_match(const ContactTable& t, const json& plan, std::uint64_t replicates) {
  const Frequencies f = frequencies(t, plan, replicates);
  for (double p : f.pi)
    ASSERT_GE(p, 0.0) << "a row was never selected";
  if (plan["design"] == "systematic") {
    // One random start decides a whole stratum, so the units' counts are strongly dependent and
    // Pearson's sum is not chi-square distributed. Each count alone is Binomial(R, π_i): check
    // every unit at the family-wise level 0.001 (Bonferroni: two-sided z at 0.001 / (2 N)).
    const double z = 4.504; // scipy.stats.norm.isf(0.001 / (2 * 150)) = 4.50406
    double worst = 0;
    for (std::size_t i = 0; i < f.pi.size(); ++i) {
      const double R = static_cast<double>(replicates);
      if (f.pi[i] >= 1) {
        EXPECT_EQ(f.counts[i], replicates);
        continue;
      }
      worst = std::max(worst, std::abs(static_cast<double>(f.counts[i]) - R * f.pi[i]) /
                                  std::sqrt(R * f.pi[i] * (1 - f.pi[i])));
    }
    EXPECT_LT(worst, z) << plan.dump();
    return;
  }
  const ChiSquare c = chi_square(f.counts, f.pi, replicates);
  EXPECT_LT(c.statistic, chi_square_999(c.df)) << plan.dump();
  // The check can fail: the same counts against probabilities 10 % too high are rejected.
  std::vector<double> wrong = f.pi;
  for (double& p : wrong)
    p = p < 1 ? std::min(0.999, p * 1.1) : p;
  const ChiSquare w = chi_square(f.counts, wrong, replicates);
  EXPECT_GT(w.statistic, chi_square_999(w.df)) << plan.dump();
}

// Empirical inclusion frequencies over 2000 seeds (1000..2999) match the stated probabilities:
// Pearson's chi-square below its 0.999 quantile. Deterministic: the seeds are fixed.
TEST(SamplingDraw, EmpiricalInclusionFrequenciesMatchTheStatedProbabilities) {
  const ContactTable t = table_of(make_records(150, 3, 2));
  const std::uint64_t R = 2000;
  const json strata = {{"by", {"agent_id", "day"}}, {"min", 1}};
  const json risk = {complaint_rule, low_csat_rule};
  expect_frequencies_match(t, {{"design", "bernoulli"}, {"rate", 0.2}}, R);
  expect_frequencies_match(
      t, {{"design", "poisson"}, {"rate", 0.2}, {"strata", strata}, {"risk", risk}}, R);
  expect_frequencies_match(t, {{"design", "pareto"}, {"rate", 0.2}, {"strata", strata}}, R);
  expect_frequencies_match(t, {{"design", "sequential_poisson"}, {"size", 25}, {"strata", strata}},
                           R);
  expect_frequencies_match(
      t, {{"design", "systematic"}, {"rate", 0.2}, {"strata", strata}, {"risk", risk}}, R);
  const json fixed = {
      {"by", {"agent_id", "day"}}, {"allocation", "fixed"}, {"counts", {{"default", 3}}}};
  expect_frequencies_match(t, {{"design", "reservoir"}, {"strata", fixed}}, R);
}

// Pareto πps reaches its target λ only approximately (Rosén 1997: the error is of order 1/n);
// over 8000 seeds the frequencies stay within 0.04 of λ here (the binomial standard error alone
// is up to 0.0056).
TEST(SamplingDraw, ParetoWithRiskWeightsIsCloseToItsTargets) {
  const ContactTable t = table_of(make_records(150, 3, 2));
  const json plan = {{"design", "pareto"},
                     {"rate", 0.2},
                     {"strata", {{"by", {"agent_id"}}}},
                     {"risk", {complaint_rule, low_csat_rule}}};
  const std::uint64_t R = 8000;
  const Frequencies f = frequencies(t, plan, R);
  double worst = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    ASSERT_GE(f.pi[i], 0.0);
    worst = std::max(worst, std::abs(static_cast<double>(f.counts[i]) / R - f.pi[i]));
  }
  EXPECT_LT(worst, 0.04);
  std::printf("Pareto πps: largest |frequency - λ| over %zu units: %.4f\n", t.size(), worst);
}

/// The same contacts with the same π (to rounding: strata sizes are computed afresh).
void expect_same(const std::vector<std::pair<std::string, double>>& a,
                 const std::vector<std::pair<std::string, double>>& b, const json& plan) {
  ASSERT_EQ(a.size(), b.size()) << plan.dump();
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first) << plan.dump();
    EXPECT_NEAR(a[i].second, b[i].second, 1e-12 * a[i].second) << plan.dump();
  }
}

std::vector<Rec> shuffled(std::vector<Rec> recs, unsigned seed) {
  std::mt19937 g(seed);
  std::shuffle(recs.begin(), recs.end(), g);
  return recs;
}

TEST(SamplingDraw, HashBasedDesignsIgnoreRowOrder) {
  const std::vector<Rec> recs = make_records(500, 6, 4);
  const ContactTable a = table_of(recs), b = table_of(shuffled(recs, 1)),
                     c = table_of(shuffled(recs, 2));
  const json strata = {{"by", {"agent_id", "day"}}, {"min", 1}, {"max", 8}};
  const json plans[] = {
      {{"design", "bernoulli"}, {"seed", 4}, {"rate", 0.15}},
      {{"design", "poisson"},
       {"seed", 4},
       {"rate", 0.15},
       {"strata", strata},
       {"risk", {complaint_rule}}},
      {{"design", "pareto"},
       {"seed", 4},
       {"rate", 0.15},
       {"strata", strata},
       {"risk", {complaint_rule}}},
      {{"design", "sequential_poisson"},
       {"seed", 4},
       {"size", 60},
       {"strata", {{"by", {"agent_id"}}, {"allocation", "neyman"}, {"sd", {{"default", 3}}}}}}};
  for (const json& p : plans) {
    const auto sa = selection(draw_sample(a, plan_of(p)), a);
    expect_same(sa, selection(draw_sample(b, plan_of(p)), b), p);
    expect_same(sa, selection(draw_sample(c, plan_of(p)), c), p);
  }
  // Systematic sampling is order-dependent, as documented.
  const json sys = {{"design", "systematic"}, {"seed", 4}, {"rate", 0.15}, {"strata", strata}};
  EXPECT_NE(selection(draw_sample(a, plan_of(sys)), a), selection(draw_sample(b, plan_of(sys)), b));
}

/// The union of the samples of parts equals the sample of the whole.
void expect_partition_law(const std::vector<Rec>& recs, const json& plan,
                          const std::function<int(std::size_t, const Rec&)>& part_of, int parts) {
  const ContactTable whole = table_of(recs);
  const auto expected = selection(draw_sample(whole, plan_of(plan)), whole);
  std::vector<std::pair<std::string, double>> united;
  for (int p = 0; p < parts; ++p) {
    std::vector<Rec> mine;
    for (std::size_t i = 0; i < recs.size(); ++i)
      if (part_of(i, recs[i]) == p) mine.push_back(recs[i]);
    const ContactTable t = table_of(mine);
    const auto s = selection(draw_sample(t, plan_of(plan)), t);
    united.insert(united.end(), s.begin(), s.end());
  }
  std::sort(united.begin(), united.end());
  expect_same(united, expected, plan);
}

TEST(SamplingDraw, HashBasedSelectionsAreIdenticalAcrossPartitionings) {
  const std::vector<Rec> recs = make_records(600, 5, 4);
  // Bernoulli: any split at all.
  expect_partition_law(
      recs, {{"design", "bernoulli"}, {"seed", 8}, {"rate", 0.15}},
      [](std::size_t i, const Rec&) { return static_cast<int>(i % 3); }, 3);
  // Designs with stratum sizes: splits that keep each stratum whole (here: by day, a strata key).
  auto by_day = [](std::size_t, const Rec& r) {
    return static_cast<int>((r.at_ms - 1772323200000LL) / 86'400'000LL);
  };
  const json strata = {{"by", {"agent_id", "day"}}};
  expect_partition_law(recs,
                       {{"design", "poisson"},
                        {"seed", 8},
                        {"rate", 0.15},
                        {"strata", strata},
                        {"risk", {complaint_rule, low_csat_rule}}},
                       by_day, 4);
  const json fixed = {
      {"by", {"agent_id", "day"}}, {"allocation", "fixed"}, {"counts", {{"default", 4}}}};
  for (const char* d : {"pareto", "sequential_poisson"})
    expect_partition_law(
        recs, {{"design", d}, {"seed", 8}, {"strata", fixed}, {"risk", {complaint_rule}}}, by_day,
        4);
}

TEST(SamplingDraw, EvaluatorQuotasPerDayWithCaps) {
  const ContactTable t = table_of(make_records(900, 6, 3));
  const json plan = {{"design", "pareto"},
                     {"seed", 2},
                     {"rate", 0.15},
                     {"strata", {{"by", {"agent_id", "day"}}}},
                     {"evaluators",
                      {{{"name", "QA1"}, {"share", 0.5}, {"cap_per_day", 20}},
                       {{"name", "QA2"}, {"share", 0.3}},
                       {{"name", "QA3"}, {"share", 0.2}, {"cap_per_day", 5}}}}};
  const Sample s = draw_sample(t, plan_of(plan));
  ASSERT_EQ(s.report.evaluator_days.size(), 3u);
  std::map<std::string, std::vector<std::int64_t>> seen; // day -> per evaluator
  for (const auto& c : s.contacts) {
    ASSERT_GE(c.evaluator, 0);
    auto& v = seen[c.day];
    v.resize(3, 0);
    ++v[static_cast<std::size_t>(c.evaluator)];
  }
  for (const auto& d : s.report.evaluator_days) {
    EXPECT_EQ(seen[d.day], d.assigned);
    EXPECT_LE(d.assigned[0], 20);
    EXPECT_LE(d.assigned[2], 5);
    EXPECT_EQ(std::accumulate(d.assigned.begin(), d.assigned.end(), std::int64_t{0}) +
                  static_cast<std::int64_t>(d.unassigned),
              static_cast<std::int64_t>(d.selected));
    EXPECT_EQ(d.unassigned, 0u);
    for (auto a : d.assigned)
      EXPECT_GT(a, 0); // every evaluator works every day
  }
  // A cap too tight for the day: the rest is reported unassigned, not dropped or forced.
  json tight = plan;
  tight["evaluators"] = {{{"name", "QA1"}, {"share", 1}, {"cap_per_day", 10}}};
  const Sample u = draw_sample(t, plan_of(tight));
  std::uint64_t unassigned = 0;
  for (const auto& d : u.report.evaluator_days) {
    EXPECT_EQ(d.assigned[0], 10);
    unassigned += d.unassigned;
  }
  EXPECT_EQ(unassigned, u.contacts.size() - 30);
  const std::string note =
      std::to_string(unassigned) +
      " selected contacts are beyond every evaluator's daily cap and unassigned";
  EXPECT_NE(std::find(u.report.notes.begin(), u.report.notes.end(), note), u.report.notes.end());
}

TEST(SamplingDraw, CoverageAndMarginOfError) {
  const ContactTable t = table_of(make_records(400, 5, 2));
  Sample s = draw_sample(t, plan_of({{"design", "pareto"},
                                     {"seed", 1},
                                     {"size", 2},
                                     {"report", {{"coverage", {"agent_id", "channel"}}}}}));
  ASSERT_EQ(s.report.coverage.size(), 2u);
  EXPECT_EQ(s.report.coverage[0].values, 5u);
  EXPECT_LE(s.report.coverage[0].covered, 2u);
  EXPECT_EQ(s.report.coverage[0].missing.size(), 5 - s.report.coverage[0].covered);
  EXPECT_EQ(s.report.coverage[1].values, 2u);
  // One stratum per agent with a minimum of 1: every agent is covered.
  s = draw_sample(t, plan_of({{"design", "pareto"},
                              {"seed", 1},
                              {"rate", 0.1},
                              {"strata", {{"by", {"agent_id"}}, {"min", 1}}}}));
  EXPECT_EQ(s.report.coverage[0].covered, 5u);
  EXPECT_TRUE(s.report.coverage[0].missing.empty());
  EXPECT_EQ(s.report.coverage[1].dimension, "peak");
  // Equal weights: the Wald margin with the finite-population correction at p = 0.5,
  // z = 1.959963984540054 (Cochran 1977, eq. 4.2 solved for d).
  for (const auto& st : s.report.strata) {
    const double n = static_cast<double>(st.achieved), N = static_cast<double>(st.population);
    const double moe = 1.959963984540054 * std::sqrt(0.25 / n) * std::sqrt((N - n) / (N - 1));
    ASSERT_TRUE(st.margin_of_error.has_value());
    EXPECT_NEAR(*st.margin_of_error, moe, 1e-12);
    EXPECT_NEAR(st.effective_size, n, 1e-9 * n);
  }
}

TEST(SamplingDraw, PlansTheDataCannotServeAreErrors) {
  const ContactTable t = table_of(make_records(50, 3, 2));
  EXPECT_EQ(error_of(t, {{"design", "pareto"},
                         {"seed", 1},
                         {"rate", 0.1},
                         {"strata", {{"by", {"agent_id", "region"}}}}}),
            "plan /strata/by/1: unknown dimension \"region\" (not a column of the input, a time "
            "key interval15, "
            "interval30, hour, day, week, month, or peak)");
  EXPECT_EQ(
      error_of(
          t,
          {{"design", "pareto"}, {"seed", 1}, {"rate", 0.1}, {"report", {{"coverage", {"slot"}}}}}),
      "plan /report/coverage/0: unknown dimension \"slot\" (not a column of the input, a time key "
      "interval15, interval30, hour, day, week, month, or peak)");
  EXPECT_EQ(error_of(t, {{"design", "poisson"},
                         {"seed", 1},
                         {"rate", 0.1},
                         {"risk",
                          {{{"name", "x"},
                            {"when", {{"field", "sentiment"}, {"op", "=="}, {"value", "bad"}}},
                            {"weight", 2}}}}}),
            "plan /risk/0/when/field: unknown field \"sentiment\" (not a numeric field such as "
            "csat, complaint or "
            "handle_s, nor a column of the input)");
  EXPECT_EQ(
      error_of(t, json::parse(
                      R"({"design": "pareto", "seed": 1, "rate": 0.1, "strata": {"by": ["agent_id"],
              "allocation": "neyman", "sd": {"values": [{"key": {"agent_id": "A10"}, "sd": 2}]}}})")),
      "plan /strata/sd: no standard deviation for 2 of 3 strata and no \"default\"");
  EXPECT_EQ(
      error_of(t, json::parse(R"({"design": "pareto", "seed": 1, "strata": {"by": ["agent_id"],
              "allocation": "fixed", "counts": {"values": [{"key": {"agent_id": "A11"}, "n": 2}]}}})")),
      "plan /strata/counts: no count for 2 of 3 strata and no \"default\"");
}

TEST(SamplingDraw, AnEmptyTableGivesAnEmptySample) {
  const ContactTable t = table_of({});
  const Sample s = draw_sample(
      t,
      plan_of(
          {{"design", "pareto"}, {"seed", 1}, {"rate", 0.1}, {"strata", {{"by", {"agent_id"}}}}}));
  EXPECT_TRUE(s.contacts.empty());
  EXPECT_EQ(s.report.population, 0u);
}

TEST(SamplingDraw, WritersShowTheSelection) {
  const ContactTable t = table_of(make_records(60, 2, 1));
  const SamplePlan plan = plan_of({{"design", "pareto"},
                                   {"seed", 1},
                                   {"size", 3},
                                   {"strata", {{"by", {"agent_id"}}}},
                                   {"risk", {complaint_rule}},
                                   {"evaluators", {{{"name", "QA1"}, {"share", 1}}}}});
  const Sample s = draw_sample(t, plan);
  const std::string csv = sample_to_csv(s, t, plan);
  EXPECT_EQ(
      csv.substr(0, csv.find('\n')),
      "contact_id,agent_id,inclusion_probability,design_weight,size_measure,risk,day,evaluator");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  const json j = json::parse(sample_to_json(s, t, plan, true));
  EXPECT_EQ(j["contacts"].size(), 3u);
  EXPECT_EQ(j["report"]["achieved"], 3);
  EXPECT_EQ(j["report"]["order_dependent"], false);
  const std::string report = report_to_text(s, plan);
  EXPECT_NE(
      report.find("Sample: pareto, seed 1; 60 contacts, 3 planned, expected 3.00, 3 selected"),
      std::string::npos);
}

} // namespace

namespace {

/// Every contact: its stratum, π and weight as the plan and the report state them, and the
/// documented order (stratum, then contact id, then row for equal ids).
void expect_ordered_and_consistent(const Sample& s, const ContactTable& t, const json& plan) {
  for (std::size_t j = 0; j < s.contacts.size(); ++j) {
    const SampledContact& c = s.contacts[j];
    EXPECT_EQ(c.design_weight, 1.0 / c.inclusion_probability) << plan;
    if (j == 0) continue;
    const SampledContact& p = s.contacts[j - 1];
    const auto before = std::make_tuple(p.stratum, t.contact_id[p.row], p.row);
    const auto here = std::make_tuple(c.stratum, t.contact_id[c.row], c.row);
    EXPECT_LT(before, here) << plan << " at " << j;
  }
  std::uint64_t achieved = 0;
  for (const auto& st : s.report.strata)
    achieved += st.achieved;
  EXPECT_EQ(achieved, s.contacts.size()) << plan;
}

} // namespace

TEST(SamplingDraw, ContactsComeInStratumThenIdThenRowOrderAndEqualIdsAreKeptApart) {
  // Ids repeat (every 7th record takes the id of the one before), so the row breaks ties.
  std::vector<Rec> recs = make_records(3000, 5, 3);
  for (std::size_t i = 7; i < recs.size(); i += 7)
    recs[i].id = recs[i - 1].id;
  const ContactTable t = table_of(shuffled(recs, 3));
  const json strata = {{"by", {"agent_id", "day"}}, {"min", 1}};
  const json plans[] = {
      {{"design", "bernoulli"}, {"seed", 2}, {"rate", 0.3}, {"strata", {{"by", {"agent_id"}}}}},
      {{"design", "poisson"},
       {"seed", 2},
       {"rate", 0.3},
       {"strata", strata},
       {"risk", {complaint_rule}}},
      {{"design", "pareto"},
       {"seed", 2},
       {"rate", 0.3},
       {"strata", strata},
       {"risk", {complaint_rule}}},
      {{"design", "sequential_poisson"}, {"seed", 2}, {"rate", 0.3}, {"strata", strata}},
      {{"design", "systematic"}, {"seed", 2}, {"rate", 0.3}, {"strata", strata}},
      {{"design", "reservoir"},
       {"seed", 2},
       {"strata", {{"by", {"agent_id"}}, {"allocation", "fixed"}, {"counts", {{"default", 40}}}}}}};
  for (const json& p : plans) {
    const Sample s = draw_sample(t, plan_of(p));
    ASSERT_FALSE(s.contacts.empty()) << p;
    expect_ordered_and_consistent(s, t, p);
  }
}

TEST(SamplingDraw, TheThreadCountDoesNotChangeTheSample) {
  // Above 2 × 65 536 rows the hashes are computed on two threads.
  const std::vector<Rec> recs = make_records(140'000, 8, 3);
  const ContactTable t = table_of(recs);
  const json plan = {{"design", "pareto"},
                     {"seed", 6},
                     {"rate", 0.1},
                     {"strata", {{"by", {"agent_id", "day"}}}},
                     {"risk", {complaint_rule, low_csat_rule}}};
  SamplePlan one = plan_of(plan), two = plan_of(plan);
  one.options.threads = 1;
  two.options.threads = 2;
  const Sample a = draw_sample(t, one), b = draw_sample(t, two);
  ASSERT_EQ(a.contacts.size(), b.contacts.size());
  for (std::size_t j = 0; j < a.contacts.size(); ++j) {
    EXPECT_EQ(a.contacts[j].row, b.contacts[j].row);
    EXPECT_EQ(a.contacts[j].inclusion_probability, b.contacts[j].inclusion_probability);
  }
  expect_ordered_and_consistent(a, t, plan);
}
