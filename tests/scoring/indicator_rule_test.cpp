// Each rule type on hand-computed cases.
#include "scoring/scoring_test_util.hpp"

namespace kpiscore::scoring {
namespace {

constexpr auto lower = Direction::lower_is_better;
constexpr auto higher = Direction::higher_is_better;

IndicatorRule deduct(double per, double points, StepRounding r = StepRounding::none) {
  IndicatorRule rule;
  rule.type = IndicatorRule::Type::deduct;
  rule.per = per;
  rule.points = points;
  rule.rounding = r;
  return rule;
}

TEST(IndicatorRule, DeductIsContinuousByDefault) {
  EXPECT_DOUBLE_EQ(deduct(10, 10).score(35, 30, lower), 95);
  EXPECT_DOUBLE_EQ(deduct(10, 10).score(30, 30, lower), 100);
  EXPECT_DOUBLE_EQ(deduct(10, 10).score(20, 30, lower), 100); // better than target: full marks
  EXPECT_DOUBLE_EQ(deduct(10, 10).score(500, 30, lower), 0);  // floor 0
}

TEST(IndicatorRule, DeductStepRounding) {
  EXPECT_DOUBLE_EQ(deduct(10, 10, StepRounding::floor).score(35, 30, lower), 100);
  EXPECT_DOUBLE_EQ(deduct(10, 10, StepRounding::ceil).score(35, 30, lower), 90);
  EXPECT_DOUBLE_EQ(deduct(10, 10, StepRounding::floor).score(50, 30, lower), 80);
  // 0.85 - 0.80 is 0.04999999999999993 in binary: still two whole steps of 2.5 %.
  EXPECT_DOUBLE_EQ(deduct(0.025, 10, StepRounding::floor).score(0.80, 0.85, higher), 80);
  EXPECT_DOUBLE_EQ(deduct(0.025, 10, StepRounding::ceil).score(0.78, 0.85, higher), 70);
}

TEST(IndicatorRule, ValueAsScore) {
  IndicatorRule r;
  r.type = IndicatorRule::Type::value;
  r.scale = 100;
  EXPECT_DOUBLE_EQ(r.score(0.88, NAN, higher), 88);
  r.scale = 1;
  EXPECT_DOUBLE_EQ(r.score(140, NAN, higher), 100); // capped
}

TEST(IndicatorRule, ProportionalCapped) {
  IndicatorRule r;
  r.type = IndicatorRule::Type::proportional;
  EXPECT_DOUBLE_EQ(r.score(0.68, 0.85, higher), 80);
  EXPECT_DOUBLE_EQ(r.score(0.95, 0.85, higher), 100);
  EXPECT_DOUBLE_EQ(r.score(40, 30, lower), 75);
  EXPECT_DOUBLE_EQ(r.score(0, 30, lower), 100);
}

TEST(IndicatorRule, TiersFirstMatchWinsAndNoMatchIsTheFloor) {
  const auto card = Scorecard::compile_text(R"({"indicators": [{"kpi": "asa_s", "rule": {"type": "tiers", "floor": 10,
    "tiers": [{"max": "20s", "score": 100}, {"above": "20s", "below": "40s", "score": 70}, {"min": "40s", "max": "60s", "score": 40}]}}]})");
  const IndicatorRule& r = card.indicators()[0].rule;
  EXPECT_DOUBLE_EQ(r.score(20, NAN, lower), 100);
  EXPECT_DOUBLE_EQ(r.score(20.001, NAN, lower), 70);
  EXPECT_DOUBLE_EQ(r.score(40, NAN, lower), 40);
  EXPECT_DOUBLE_EQ(r.score(61, NAN, lower), 10);
  EXPECT_EQ(r.describe(Unit::seconds, lower), "tiers: [<=20s -> 100] [>20s <40s -> 70] [>=40s <=1min -> 40], within [10, 100]");
}

TEST(IndicatorRule, BandsArePiecewiseLinearAndFlatBeyondTheEnds) {
  const auto card = Scorecard::compile_text(R"({"indicators": [{"kpi": "abandon_rate",
    "rule": {"type": "bands", "points": [["5%", 100], ["15%", 60], ["30%", 0]]}}]})");
  const IndicatorRule& r = card.indicators()[0].rule;
  EXPECT_DOUBLE_EQ(r.score(0.01, NAN, lower), 100);
  EXPECT_NEAR(r.score(0.10, NAN, lower), 80, 1e-12);
  EXPECT_NEAR(r.score(0.20, NAN, lower), 40, 1e-12);
  EXPECT_DOUBLE_EQ(r.score(0.5, NAN, lower), 0);
}

TEST(IndicatorRule, FloorAndCap) {
  IndicatorRule r = deduct(1, 10);
  r.floor = 40;
  r.cap = 90;
  EXPECT_DOUBLE_EQ(r.score(30, 30, lower), 90);
  EXPECT_DOUBLE_EQ(r.score(40, 30, lower), 40);
}

TEST(IndicatorRule, Describe) {
  EXPECT_EQ(deduct(10, 10).describe(Unit::seconds, lower), "10 points per 10s over target (continuous)");
  EXPECT_EQ(deduct(60, 10).describe(Unit::seconds, lower), "10 points per 1min over target (continuous)");
  EXPECT_EQ(deduct(0.025, 10, StepRounding::ceil).describe(Unit::ratio, higher),
            "10 points per 2.5% short of target (started steps)");
}

} // namespace
} // namespace kpiscore::scoring
