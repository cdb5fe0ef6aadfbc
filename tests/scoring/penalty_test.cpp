// Penalty rules: per occurrence beyond a threshold with a cap, veto, bonus, levels and order.
#include "scoring/scoring_test_util.hpp"

namespace kpiscore::scoring {
namespace {

using test::make_table;

const char* spec = R"({
  "inputs": {"a": "number", "b": "number", "forbidden": "number", "leaks": "number"},
  "dimensions": [
    {"name": "x", "weight": "50%", "indicators": [{"kpi": "a", "rule": {"type": "value"}}]},
    {"name": "y", "weight": "50%", "indicators": [{"kpi": "b", "rule": {"type": "value"}}]}],
  "grades": [{"name": "A", "min": 90}, {"name": "B", "min": 80}, {"name": "C", "min": 60}, {"name": "D"}],
  "penalties": [
    {"name": "overall_bonus", "bonus": {"points": 3}},
    {"name": "phrases", "level": "indicator", "target": "a", "deduct": {"points": 5, "per": "forbidden", "beyond": 2, "cap": 12}},
    {"name": "dim_y", "level": "dimension", "target": "y", "when": {"kpi": "b", "op": "<", "value": 50}, "veto": {"score": 0}},
    {"name": "leak", "when": {"kpi": "leaks", "op": ">", "value": 0}, "veto": {"max_grade": "C"}},
    {"name": "overall_deduct", "deduct": {"points": 200}}
  ]})";

KpiTable table(double a, double b, double forbidden, double leaks) {
  return make_table({}, {{}}, {{"a", KpiKind::mean, {a}}, {"b", KpiKind::mean, {b}},
                               {"forbidden", KpiKind::mean, {forbidden}}, {"leaks", KpiKind::mean, {leaks}}});
}

TEST(Penalty, PerOccurrenceBeyondThresholdWithCap) {
  const auto card = Scorecard::compile_text(R"({"inputs": {"a": "number", "forbidden": "number"},
    "indicators": [{"kpi": "a", "rule": {"type": "value"}}],
    "penalties": [{"name": "phrases", "level": "indicator", "target": "a", "deduct": {"points": 5, "per": "forbidden", "beyond": 2, "cap": 12}}]})");
  auto run = [&](double forbidden) {
    return score(card, make_table({}, {{}}, {{"a", KpiKind::mean, {100.0}}, {"forbidden", KpiKind::mean, {forbidden}}})).overall(0);
  };
  EXPECT_DOUBLE_EQ(run(2), 100);  // not beyond: not fired
  EXPECT_DOUBLE_EQ(run(3), 95);
  EXPECT_DOUBLE_EQ(run(4), 90);
  EXPECT_DOUBLE_EQ(run(10), 88); // capped at 12
}

TEST(Penalty, LevelsApplyBottomUpAndInDeclaredOrderWithFloorZero) {
  const auto card = Scorecard::compile_text(spec);
  const auto t = score(card, table(90, 40, 4, 1));
  // a: 90 - 2 x 5 = 80; y: 40 vetoed to 0; overall (80 + 0)/2 = 40, +3 bonus = 43, then -200 → 0.
  ASSERT_EQ(t.penalty_offsets[1] - t.penalty_offsets[0], 5u);
  const std::vector<std::string> order{"phrases", "dim_y", "overall_bonus", "leak", "overall_deduct"};
  for (std::size_t k = 0; k < order.size(); ++k) EXPECT_EQ(card.penalties()[t.penalties[k].penalty].name, order[k]);
  EXPECT_DOUBLE_EQ(t.indicator(0, 0).rule_score, 90);
  EXPECT_DOUBLE_EQ(t.indicator(0, 0).score, 80);
  EXPECT_DOUBLE_EQ(t.node(0, *card.find_node("y")), 0);
  EXPECT_DOUBLE_EQ(t.penalties[2].after, 43);
  EXPECT_DOUBLE_EQ(t.penalties[4].points, -200);
  EXPECT_DOUBLE_EQ(t.overall(0), 0);
  const auto j = explain_json(t, 0);
  EXPECT_EQ(j["penalties"][0]["why"], "always; forbidden 4 (2 beyond 2): deduct 5 points each, at most 12");
  EXPECT_EQ(j["penalties"][1]["why"], "when b < 50; veto: score capped at 0");
}

TEST(Penalty, GradeCapVeto) {
  const auto card = Scorecard::compile_text(R"({"inputs": {"a": "number", "leaks": "number"},
    "indicators": [{"kpi": "a", "rule": {"type": "value"}}],
    "grades": [{"name": "A", "min": 90}, {"name": "B", "min": 80}, {"name": "C", "min": 60}, {"name": "D"}],
    "penalties": [{"name": "leak", "when": {"kpi": "leaks", "op": ">", "value": 0}, "veto": {"max_grade": "C"}}]})");
  auto grade = [&](double a, double leaks) {
    return score(card, make_table({}, {{}}, {{"a", KpiKind::mean, {a}}, {"leaks", KpiKind::mean, {leaks}}})).grade[0];
  };
  EXPECT_EQ(grade(95, 0), 0);
  EXPECT_EQ(grade(95, 1), 2); // A capped at C
  EXPECT_EQ(grade(50, 1), 3); // D stays D
}

TEST(Penalty, NotAppliedToNaNodes) {
  const auto card = Scorecard::compile_text(spec);
  auto t = make_table({}, {{}}, {{"a", KpiKind::mean, {std::nullopt}}, {"b", KpiKind::mean, {std::nullopt}},
                                 {"forbidden", KpiKind::mean, {9.0}}, {"leaks", KpiKind::mean, {0.0}}});
  const auto r = score(card, t);
  EXPECT_TRUE(std::isnan(r.overall(0)));
  EXPECT_EQ(r.penalties.size(), 0u);
}

} // namespace
} // namespace kpiscore::scoring
