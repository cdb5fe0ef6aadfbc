// The DOMAIN.md monitoring indicator table, the worked rule, the tree with N/A
// renormalization, grades, fingerprints and every spec error with its pinned message.
#include "scoring/scoring_test_util.hpp"

#include <kpiscore/version.hpp>

#include <fstream>
#include <sstream>

namespace kpiscore::scoring {
namespace {

using test::Column;
using test::make_table;
using test::spec_error;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string examples = std::string(KPISCORE_FIXTURES) + "/../../examples/scorecards/";

KpiTable monitoring_row() {
  return make_table({"agent_id"}, {{"A1"}},
                    {{"first_response_s", KpiKind::mean_seconds, {35.0}},
                     {"aht_s", KpiKind::mean_seconds, {12 * 60.0}},
                     {"fcr", KpiKind::ratio, {0.78}},
                     {"forbidden_phrases_per_100", KpiKind::mean, {3.0}},
                     {"wrong_answers_per_100", KpiKind::mean, {0.0}},
                     {"process_violations_per_100", KpiKind::mean, {2.0}},
                     {"csat_top_box", KpiKind::ratio, {0.88}},
                     {"nps", KpiKind::nps, {25.0}}});
}

TEST(MonitoringTable, EveryRowScoresAsInTheTable) {
  const auto card = Scorecard::compile_text(read(examples + "monitoring_table.json"));
  const auto t = score(card, monitoring_row());
  const std::pair<const char*, double> rows[] = {
      {"response_time", 80}, {"handling_time", 75}, {"first_contact_resolution", 70}, {"forbidden_phrases", 85},
      {"wrong_answers", 100}, {"process_violations", 80}, {"csat", 88}, {"nps", 75}};
  for (const auto& [name, expected] : rows)
    EXPECT_NEAR(t.node(0, *card.find_node(name)), expected, 1e-9) << name;
  EXPECT_NEAR(t.node(0, *card.find_node("efficiency")), 75.0, 1e-9);
  EXPECT_NEAR(t.node(0, *card.find_node("quality")), (85.0 + 100.0 + 80.0) / 3.0, 1e-9);
  EXPECT_NEAR(t.node(0, *card.find_node("experience")), 81.5, 1e-9);
}

TEST(MonitoringTable, CompositeIsTheStatedFormulaNotTheTablesEightyOne) {
  const auto card = Scorecard::compile_text(read(examples + "monitoring_table.json"));
  const auto t = score(card, monitoring_row());
  const double expected = 0.3 * 75 + 0.5 * (85 + 100 + 80) / 3.0 + 0.2 * 81.5;
  EXPECT_NEAR(t.overall(0), expected, 1e-9);
  EXPECT_NEAR(t.overall(0), 82.97, 0.005);
  EXPECT_EQ(card.grades()[static_cast<std::size_t>(t.grade[0])].name, "good");
  EXPECT_EQ(t.bonus(0), 1.0);
  // Flags: every row below target is "to improve", wrong answers (0 <= 1) is not.
  EXPECT_TRUE(t.indicator(0, 0).to_improve);
  EXPECT_FALSE(t.indicator(0, 4).to_improve);
  EXPECT_EQ(t.library_version, KPISCORE_VERSION_STRING);
  EXPECT_EQ(card.fingerprint().size(), 16u);
}

TEST(MonitoringTable, WorkedRuleTenPointsPerTenSecondsOver) {
  // "target <= 30 s, actual 35 s, 5 s over; every 10 s over deducts 10 points: 100 - 5/10 x 10 = 95"
  const auto card = Scorecard::compile_text(R"({
    "inputs": {"first_response_s": "seconds"},
    "indicators": [{"kpi": "first_response_s", "direction": "lower", "target": "30s",
                    "rule": {"type": "deduct", "per": "10s", "points": 10}}]})");
  const auto t = score(card, make_table({}, {{}}, {{"first_response_s", KpiKind::mean_seconds, {35.0}}}));
  EXPECT_NEAR(t.overall(0), 95.0, 1e-12);
  EXPECT_EQ(t.indicator(0, 0).target, 30.0);
}

TEST(MonitoringTable, ExplanationNamesValueTargetRuleAndPointsLost) {
  const auto card = Scorecard::compile_text(read(examples + "monitoring_table.json"));
  const auto t = score(card, monitoring_row());
  const auto j = explain_json(t, 0);
  const auto& rt = j["indicators"][0];
  EXPECT_EQ(rt["name"], "response_time");
  EXPECT_EQ(rt["value"], 35.0);
  EXPECT_EQ(rt["target"], 30.0);
  EXPECT_EQ(rt["target_in_force"], "default");
  EXPECT_EQ(rt["rule"], "4 points per 1s over target (continuous)");
  EXPECT_NEAR(rt["points_lost"].get<double>(), 20.0, 1e-9);
  EXPECT_NEAR(rt["weight_in_overall"].get<double>(), 0.1, 1e-12);
  EXPECT_EQ(rt["shortfall"], 5.0);
  const std::string text = explain_text(t, 0);
  EXPECT_NE(text.find("first_response_s = 35s, target <= 30s (default); rule: 4 points per 1s over target "
                      "(continuous); points lost 20.00; TO IMPROVE: 5s over"),
            std::string::npos)
      << text;
  const auto all = to_json(t);
  EXPECT_EQ(all["library_version"], KPISCORE_VERSION_STRING);
  EXPECT_EQ(all["spec_fingerprint"], card.fingerprint());
  EXPECT_NEAR(all["groups"][0]["score"].get<double>(), 82.96666666666667, 1e-9);
}

const char* three_dims = R"({
  "inputs": {"a": "number", "b": "number", "c": "number", "d": "number"},
  "min_observations": 30,
  "dimensions": [
    {"name": "x", "weight": "50%", "indicators": [
      {"kpi": "a", "rule": {"type": "value"}, "weight": "75%"},
      {"kpi": "b", "rule": {"type": "value"}, "weight": "25%"}]},
    {"name": "y", "weight": "30%", "indicators": [{"kpi": "c", "rule": {"type": "value"}}]},
    {"name": "z", "weight": "20%", "indicators": [{"kpi": "d", "rule": {"type": "value"}}]}
  ]})";

TEST(Scorecard, NaIndicatorIsDroppedAndItsLevelRenormalized) {
  const auto card = Scorecard::compile_text(three_dims);
  // b is null: x = a alone; d has 10 observations < 30: z drops out, weights 50/30 renormalize.
  const auto t = score(card, make_table({}, {{}},
                                        {{"a", KpiKind::mean, {80.0}},
                                         {"b", KpiKind::mean, {std::nullopt}},
                                         {"c", KpiKind::mean, {60.0}},
                                         {"d", KpiKind::mean, {100.0}, {10.0}}}));
  EXPECT_EQ(t.indicator(0, 1).na, NaReason::null_value);
  EXPECT_EQ(t.indicator(0, 3).na, NaReason::too_few_observations);
  EXPECT_NEAR(t.node(0, *card.find_node("x")), 80.0, 1e-12);
  EXPECT_TRUE(std::isnan(t.node(0, *card.find_node("z"))));
  EXPECT_NEAR(t.overall(0), (0.5 * 80 + 0.3 * 60) / 0.8, 1e-12);
  const auto j = explain_json(t, 0);
  EXPECT_EQ(j["nodes"][0]["renormalized"], true);
  EXPECT_NEAR(j["nodes"][0]["children"][0]["effective_weight"].get<double>(), 0.625, 1e-12);
  EXPECT_EQ(j["nodes"][0]["children"][2]["na"], "dropped");
  EXPECT_EQ(j["indicators"][3]["na_reason"], "fewer observations (10) than the minimum 30");
}

TEST(Scorecard, NothingScoredMeansNaOverallWithoutGrade) {
  const auto card = Scorecard::compile_text(three_dims);
  const auto t = score(card, make_table({}, {{}},
                                        {{"a", KpiKind::mean, {std::nullopt}},
                                         {"b", KpiKind::mean, {std::nullopt}},
                                         {"c", KpiKind::mean, {std::nullopt}},
                                         {"d", KpiKind::mean, {std::nullopt}}}));
  EXPECT_TRUE(std::isnan(t.overall(0)));
  EXPECT_EQ(t.grade[0], -1);
  EXPECT_TRUE(to_json(t)["groups"][0]["score"].is_null());
}

TEST(Scorecard, NaScoredAsConfiguredValueAtIndicatorAndDimension) {
  const auto card = Scorecard::compile_text(R"({
    "inputs": {"a": "number", "b": "number"},
    "dimensions": [
      {"name": "x", "weight": "50%", "indicators": [{"kpi": "a", "rule": {"type": "value"}, "na": {"score": 60}}]},
      {"name": "y", "weight": "50%", "na": {"score": 40}, "indicators": [{"kpi": "b", "rule": {"type": "value"}}]}]})");
  const auto t = score(card, make_table({}, {{}}, {{"a", KpiKind::mean, {std::nullopt}}, {"b", KpiKind::mean, {std::nullopt}}}));
  EXPECT_TRUE(t.indicator(0, 0).substituted);
  EXPECT_NEAR(t.overall(0), 50.0, 1e-12);
  EXPECT_EQ(explain_json(t, 0)["indicators"][0]["na_handling"], "scored as 60");
}

TEST(Scorecard, MissingKpiColumnIsNaNotAnError) {
  const auto card = Scorecard::compile_text(three_dims);
  const auto t = score(card, make_table({}, {{}}, {{"a", KpiKind::mean, {70.0}}}));
  EXPECT_EQ(t.indicator(0, 2).na, NaReason::missing_kpi);
  EXPECT_NEAR(t.overall(0), 70.0, 1e-12);
}

TEST(Scorecard, EqualMeanNestedDimensionsAndNormalize) {
  const auto card = Scorecard::compile_text(R"({
    "inputs": {"a": "number", "b": "number", "c": "number"},
    "normalize": true,
    "dimensions": [
      {"name": "outer", "weight": 3, "dimensions": [
        {"name": "inner", "indicators": [{"kpi": "a", "rule": {"type": "value"}}, {"kpi": "b", "rule": {"type": "value"}}]}],
       "indicators": [{"kpi": "c", "rule": {"type": "value"}}]},
      {"name": "other", "weight": 1, "indicators": [{"name": "c2", "kpi": "c", "rule": {"type": "value"}}]}]})");
  const auto t = score(card, make_table({}, {{}}, {{"a", KpiKind::mean, {90.0}}, {"b", KpiKind::mean, {70.0}},
                                                   {"c", KpiKind::mean, {40.0}}}));
  EXPECT_NEAR(t.node(0, *card.find_node("inner")), 80.0, 1e-12);
  EXPECT_NEAR(t.node(0, *card.find_node("outer")), 60.0, 1e-12);
  EXPECT_NEAR(t.overall(0), 0.75 * 60 + 0.25 * 40, 1e-12);
}

TEST(Scorecard, GradesCompareUnroundedScores) {
  const auto card = Scorecard::compile_text(R"({
    "inputs": {"a": "number"}, "indicators": [{"kpi": "a", "rule": {"type": "value"}}],
    "grades": [{"name": "A", "min": 90}, {"name": "B", "min": 80}, {"name": "C"}], "display": {"decimals": 0}})");
  const auto t = score(card, make_table({}, {{}, {}, {}}, {{"a", KpiKind::mean, {89.9999, 90.0, 79.0}}}));
  EXPECT_EQ(t.grade[0], 1); // 89.9999 displays as 90 but is a B
  EXPECT_EQ(t.grade[1], 0);
  EXPECT_EQ(t.grade[2], 2);
  EXPECT_EQ(to_json(t)["groups"][0]["score"], 90.0);
}

TEST(Scorecard, FingerprintIgnoresKeyOrderAndWhitespace) {
  const auto a = Scorecard::compile_text(R"({"inputs": {"a": "number"}, "indicators": [{"kpi": "a", "rule": {"type": "value"}}]})");
  const auto b = Scorecard::compile_text(R"({"indicators":[{"rule":{"type":"value"},"kpi":"a"}],"inputs":{"a":"number"}})");
  const auto c = Scorecard::compile_text(R"({"inputs": {"a": "number"}, "indicators": [{"kpi": "a", "rule": {"type": "value", "scale": 2}}]})");
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  EXPECT_NE(a.fingerprint(), c.fingerprint());
}

TEST(Scorecard, ExampleDefaultCompilesAndScoresTheEngineKpis) {
  const auto card = Scorecard::compile_text(read(examples + "default.json"));
  EXPECT_EQ(card.indicators().size(), 11u);
  EXPECT_TRUE(Scorecard::check_text(read(examples + "default.json")).empty());
}

// ---- spec errors: every message pinned ----

TEST(SpecErrors, Messages) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"indicators": [{"kpi": "fcr", "rule": {"type": "value"}}], "colour": 1})",
       "spec /colour: unknown key (expected one of: name, description, inputs, normalize, na, min_observations, "
       "dimensions, indicators, templates, grades, grade_table, penalties, display)"},
      {R"({"indicators": [{"kpi": "fcr", "rule": {"type": "value"}, "wieght": 1}]})",
       "spec /indicators/0/wieght: unknown key (expected one of: name, kpi, weight, direction, target, rule, "
       "min_observations, na, description)"},
      {R"({"indicators": [{"kpi": "ash_s", "rule": {"type": "value"}}]})",
       "spec /indicators/0/kpi: unknown KPI \"ash_s\" (not a contact KPI; declare other KPIs under \"inputs\")"},
      {R"({"indicators": [{"kpi": "asa_s", "target": "30%", "rule": {"type": "proportional"}}]})",
       "spec /indicators/0/target: expected a duration, actual a percentage \"30%\""},
      {R"({"indicators": [{"kpi": "asa_s", "target": "30 sec", "rule": {"type": "proportional"}}]})",
       "spec /indicators/0/target: unknown duration unit in \"30 sec\" (expected ms, s, min or h)"},
      {R"({"indicators": [{"kpi": "fcr", "target": 85, "rule": {"type": "proportional"}}]})",
       "spec /indicators/0/target: expected a fraction 0..1 or a percentage such as \"85%\", actual 85"},
      {R"({"indicators": [{"kpi": "nps", "target": "30%", "rule": {"type": "proportional"}}]})",
       "spec /indicators/0/target: expected a plain number (this KPI has no unit), actual \"30%\""},
      {R"({"indicators": [{"kpi": "fcr", "weight": true, "rule": {"type": "value"}}]})",
       "spec /indicators/0/weight: expected a non-negative weight such as \"30%\" or 0.3, actual true"},
      {R"({"dimensions": [{"name": "a", "weight": "30%", "indicators": [{"kpi": "fcr", "rule": {"type": "value"}}]},
                          {"name": "b", "weight": "60%", "indicators": [{"kpi": "nps", "rule": {"type": "value"}}]}]})",
       "spec /dimensions: weights add up to 90% (expected 100%, or set \"normalize\": true)"},
      {R"({"dimensions": [{"name": "a", "weight": "30%", "indicators": [{"kpi": "fcr", "rule": {"type": "value"}}]},
                          {"name": "b", "indicators": [{"kpi": "nps", "rule": {"type": "value"}}]}]})",
       "spec /dimensions: give a weight to every item of this level or to none (none: equal weights)"},
      {R"({"indicators": [{"kpi": "fcr", "rule": {"type": "value"}}, {"kpi": "fcr", "rule": {"type": "value"}}]})",
       "spec /indicators/1/kpi: duplicate name \"fcr\" (dimension and indicator names must be unique)"},
      {R"({"indicators": [{"kpi": "fcr", "rule": {"type": "linear"}}]})",
       "spec /indicators/0/rule/type: expected one of \"deduct\", \"value\", \"proportional\", \"tiers\", \"bands\", actual \"linear\""},
      {R"({"indicators": [{"kpi": "fcr", "rule": {"type": "deduct", "per": "1%", "points": 2}}]})",
       "spec /indicators/0: missing required key \"target\" (the rule compares with a target)"},
      {R"({"inputs": {"x": "number"}, "indicators": [{"kpi": "x", "target": 3, "rule": {"type": "proportional"}}]})",
       "spec /indicators/0: missing required key \"direction\" (\"higher\" or \"lower\" is better for KPI \"x\")"},
      {R"({"inputs": {"x": "percent"}, "indicators": [{"kpi": "fcr", "rule": {"type": "value"}}]})",
       "spec /inputs/x: expected a unit: \"seconds\", \"ratio\" or \"number\", actual \"percent\""},
      {R"({"indicators": [{"kpi": "fcr", "target": "85%", "rule": {"type": "deduct", "per": "1%", "points": 2, "step_rounding": "round"}}]})",
       "spec /indicators/0/rule/step_rounding: expected one of \"none\", \"floor\", \"ceil\", actual \"round\""},
      {R"({"indicators": [{"kpi": "fcr", "rule": {"type": "bands", "points": [["80%", 0], ["70%", 100]]}}]})",
       "spec /indicators/0/rule/points/1/0: expected values in strictly increasing order"},
      {R"({"indicators": [{"kpi": "fcr", "target": [{"value": "85%", "from": "2026-02-30"}], "rule": {"type": "value"}}]})",
       "spec /indicators/0/target/0/from: expected a date \"YYYY-MM-DD\""},
      {R"({"indicators": [{"kpi": "fcr", "target": [{"value": "85%", "when": {"key": "channel", "op": ">", "value": "x"}}], "rule": {"type": "value"}}]})",
       "spec /indicators/0/target/0/when/op: expected one of \"==\", \"!=\", \"in\", actual \">\""},
      {R"({"indicators": [{"kpi": "fcr", "rule": {"type": "value"}}], "grades": [{"name": "A", "min": 80}, {"name": "B", "min": 90}]})",
       "spec /grades/1/min: expected grades best first, each minimum below the one before"},
      {R"({"templates": {"a": {"dimensions": [{"use": "b"}]}, "b": {"dimensions": [{"use": "a"}]}},
          "dimensions": [{"use": "a"}]})",
       "spec /templates/b/dimensions/0/use: cyclic reference: a -> b -> a"},
      {R"({"dimensions": [{"use": "nope"}]})", "spec /dimensions/0/use: unknown template \"nope\""},
      {R"({"indicators": [{"kpi": "fcr", "rule": {"type": "value"}}],
          "penalties": [{"name": "p", "level": "dimension", "target": "quality", "deduct": {"points": 1}}]})",
       "spec /penalties/0/target: no dimension named \"quality\""},
      {R"({"indicators": [{"kpi": "fcr", "rule": {"type": "value"}}],
          "penalties": [{"name": "p", "deduct": {"points": 1}, "veto": {"score": 0}}]})",
       "spec /penalties/0: expected exactly one of \"deduct\", \"bonus\", \"veto\""},
      {R"({"indicators": [{"kpi": "fcr", "rule": {"type": "value"}}],
          "penalties": [{"name": "p", "when": {"kpi": "complaint_rate", "op": "=>", "value": "5%"}, "deduct": {"points": 1}}]})",
       "spec /penalties/0/when/op: expected one of \"<\", \"<=\", \">\", \">=\", \"==\", \"!=\", actual \"=>\""},
      {R"({"name": "x"})", "spec /: expected \"dimensions\" or \"indicators\" (a level needs at least one item)"},
      {R"({"indicators": [)", "spec /: not valid JSON: [json.exception.parse_error.101] parse error at line 1, column 17: "
                              "syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"},
  };
  for (const auto& [spec, message] : cases) EXPECT_EQ(spec_error(spec), message) << spec;
}

TEST(SpecErrors, CheckReportsEveryErrorNotJustTheFirst) {
  const auto errors = Scorecard::check_text(R"({
    "dimensions": [
      {"name": "a", "weight": "50%", "indicators": [{"kpi": "ash_s", "rule": {"type": "value"}}]},
      {"name": "b", "weight": "50%", "indicators": [{"kpi": "fcr", "rule": {"type": "value", "scale": -1}}]}],
    "grades": [{"name": "A"}, {"name": "B", "min": 1}]})");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].path(), "/grades/0");
  EXPECT_EQ(errors[1].path(), "/dimensions/0/indicators/0/kpi");
  EXPECT_EQ(errors[2].path(), "/dimensions/1/indicators/0/rule/scale");
}

} // namespace
} // namespace kpiscore::scoring
