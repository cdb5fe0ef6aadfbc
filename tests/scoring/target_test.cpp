// Segment targets, effective dates, and conditions (three-valued).
#include "scoring/scoring_test_util.hpp"

namespace kpiscore::scoring {
namespace {

using test::make_table;

const char* spec = R"({
  "indicators": [{"kpi": "asa_s", "rule": {"type": "deduct", "per": "1s", "points": 1},
    "target": [
      {"value": "30s"},
      {"value": "25s", "from": "2026-03-01"},
      {"when": {"key": "channel", "value": "phone"}, "value": "15s"},
      {"when": {"key": "channel", "value": "phone"}, "value": "12s", "from": "2026-03-01", "until": "2026-05-01"},
      {"when": {"all": [{"key": "channel", "value": "phone"}, {"key": "peak", "value": "peak"}]}, "value": "20s"}
    ]}]})";

std::vector<double> targets(const KpiTable& t, EvaluationOptions o = {}) {
  const auto r = score(Scorecard::compile_text(spec), t, o);
  std::vector<double> out;
  for (std::size_t g = 0; g < r.size(); ++g) out.push_back(r.indicator(g, 0).target);
  return out;
}

TEST(Target, SegmentAndEffectiveDates) {
  const auto t = make_table({"channel", "month"},
                            {{"chat", "2026-02"}, {"chat", "2026-03"}, {"phone", "2026-02"}, {"phone", "2026-03"},
                             {"phone", "2026-05"}, {std::nullopt, "2026-04"}},
                            {{"asa_s", KpiKind::mean_seconds, {40.0, 40.0, 40.0, 40.0, 40.0, 40.0}}});
  // chat: default, then the dated default; phone: segment, then its dated entry until May;
  // a null channel matches no segment (unknown is not yes).
  EXPECT_EQ(targets(t), (std::vector<double>{30, 25, 15, 12, 15, 25}));
  const auto r = score(Scorecard::compile_text(spec), t);
  EXPECT_EQ(explain_json(r, 3)["indicators"][0]["target_in_force"],
            "segment channel == phone, from 2026-03-01, until 2026-05-01");
  EXPECT_DOUBLE_EQ(r.overall(3), 72); // 40 s against 12 s
}

TEST(Target, MostSpecificSegmentWins) {
  const auto t = make_table({"channel", "peak"}, {{"phone", "peak"}, {"phone", "off_peak"}},
                            {{"asa_s", KpiKind::mean_seconds, {40.0, 40.0}}});
  EXPECT_EQ(targets(t), (std::vector<double>{20, 15}));
}

TEST(Target, UndatedGroupsSeeUndatedEntriesOrTheAsOfDate) {
  const auto t = make_table({"channel"}, {{"chat"}}, {{"asa_s", KpiKind::mean_seconds, {40.0}}});
  EXPECT_EQ(targets(t), (std::vector<double>{30}));
  EvaluationOptions o;
  o.as_of = parse_date("2026-06-01");
  EXPECT_EQ(targets(t, o), (std::vector<double>{25}));
}

TEST(Target, NoTargetInForceIsNa) {
  const auto card = Scorecard::compile_text(R"({"indicators": [{"kpi": "asa_s", "rule": {"type": "proportional"},
    "target": [{"value": "20s", "when": {"key": "channel", "value": "phone"}}]}]})");
  const auto r = score(card, make_table({"channel"}, {{"chat"}}, {{"asa_s", KpiKind::mean_seconds, {40.0}}}));
  EXPECT_EQ(r.indicator(0, 0).na, NaReason::no_target);
}

TEST(Condition, ThreeValuedLogic) {
  const auto card = Scorecard::compile_text(R"({"indicators": [{"kpi": "fcr", "rule": {"type": "value"}}],
    "penalties": [
      {"name": "any", "when": {"any": [{"kpi": "complaint_rate", "op": ">", "value": "5%"}, {"key": "vendor", "op": "in", "value": ["V1", "V2"]}]}, "deduct": {"points": 1}},
      {"name": "not", "when": {"not": {"kpi": "complaint_rate", "op": "<=", "value": "5%"}}, "deduct": {"points": 10}}]})");
  const auto t = make_table({"vendor"}, {{"V1"}, {"V3"}, {"V3"}},
                            {{"fcr", KpiKind::ratio, {0.9, 0.9, 0.9}},
                             {"complaint_rate", KpiKind::ratio, {std::nullopt, std::nullopt, 0.06}}});
  const auto r = score(card, t);
  // V1: any = yes (vendor), not(unknown) = unknown → only "any"; V3 null: nothing; V3 6 %: both.
  EXPECT_DOUBLE_EQ(r.overall(0), 89);
  EXPECT_DOUBLE_EQ(r.overall(1), 90);
  EXPECT_DOUBLE_EQ(r.overall(2), 79);
}

} // namespace
} // namespace kpiscore::scoring
