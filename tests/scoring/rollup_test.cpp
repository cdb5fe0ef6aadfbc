#include "scoring/scoring_test_util.hpp"

namespace kpiscore::scoring {
namespace {

using test::make_table;

TEST(Rollup, MeanAndContactWeightedOverMonthsSkippingNa) {
  const auto card = Scorecard::compile_text(R"({"inputs": {"a": "number"},
    "indicators": [{"kpi": "a", "rule": {"type": "value"}}],
    "grades": [{"name": "A", "min": 90}, {"name": "B"}]})");
  const auto t = make_table({"agent_id", "month"},
                            {{"x", "2026-01"}, {"x", "2026-02"}, {"x", "2026-03"}, {"y", "2026-01"}},
                            {{"a", KpiKind::mean, {90.0, 80.0, std::nullopt, 100.0}},
                             {"handled", KpiKind::count, {300.0, 100.0, 50.0, 10.0}}});
  const auto s = score(card, t);
  const std::vector<std::string> keep{"agent_id"};
  const auto mean = roll_up(s, keep);
  ASSERT_EQ(mean.size(), 2u);
  EXPECT_EQ(mean.keys[0][0], "x");
  EXPECT_DOUBLE_EQ(mean.overall(0), 85);
  EXPECT_EQ(mean.periods[0], 2u); // March is N/A: skipped, not a zero
  EXPECT_EQ(mean.grade[0], 1);
  const auto w = roll_up(s, keep, RollupMethod::weighted, weights_from(t, "handled"));
  EXPECT_DOUBLE_EQ(w.overall(0), (300 * 90 + 100 * 80) / 400.0);
  EXPECT_DOUBLE_EQ(w.weight[0], 400);
  EXPECT_DOUBLE_EQ(w.overall(1), 100);
  EXPECT_EQ(w.grade[1], 0);
  EXPECT_THROW(roll_up(s, keep, RollupMethod::weighted, std::vector<double>{1.0}), std::invalid_argument);
}

} // namespace
} // namespace kpiscore::scoring
