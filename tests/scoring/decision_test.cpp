// Decision tables in scorecards: grade and bonus tables, target tables, their text form (the same
// model as the JSON form) and their errors at the line and column of the .kpi text.
#include "scoring_test_util.hpp"

#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/scorecard_text.hpp>
#include <kpiscore/scoring/rollup.hpp>
#include <kpiscore/scoring/score_table.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace {

using namespace kpiscore;
using namespace kpiscore::scoring;
using namespace kpiscore::scoring::test;
using nlohmann::json;

const char* card_text = R"(scorecard "Tables"
indicator asa kpi asa_s {
  target table first {
    channel  | peak    => target
    "phone"  | "peak"  => 20s
    "phone"  | -       => 15s
    -        | -       => 30s
  }
  rule deduct 10 per 10s
}
penalty leak veto max_grade C when complaint_rate > 15%
grade A
grade B
grade C
grades table priority {
  score     | complaint_rate => grade in C, B, A | bonus
  >= 90     | -              => A                | 120%
  [80..90)  | -              => B                | 100%
  < 80      | -              => C                | 50%
  -         | > 10%          => C                | 50%
}
)";

json card_json() {
  return json::parse(R"J({
  "name": "Tables",
  "indicators": [{"name": "asa", "kpi": "asa_s", "rule": {"type": "deduct", "points": 10, "per": "10s"},
    "target": {"table": {"hit_policy": "first", "inputs": ["channel", "peak"], "outputs": ["target"],
      "rules": [{"when": ["\"phone\"", "\"peak\""], "then": ["20s"]},
                {"when": ["\"phone\"", "-"], "then": ["15s"]},
                {"when": ["-", "-"], "then": ["30s"]}]}}}],
  "penalties": [{"name": "leak", "level": "overall", "veto": {"max_grade": "C"},
                 "when": {"kpi": "complaint_rate", "op": ">", "value": "15%"}}],
  "grades": [{"name": "A"}, {"name": "B"}, {"name": "C"}],
  "grade_table": {"hit_policy": "priority", "inputs": ["score", "complaint_rate"],
    "outputs": [{"name": "grade", "values": ["C", "B", "A"]}, "bonus"],
    "rules": [{"when": [">= 90", "-"], "then": ["A", "120%"]},
              {"when": ["[80..90)", "-"], "then": ["B", "100%"]},
              {"when": ["< 80", "-"], "then": ["C", "50%"]},
              {"when": ["-", "> 10%"], "then": ["C", "50%"]}]}
})J");
}

TEST(DecisionTables, TextAndJsonCompileToTheSameModel) {
  const json from_text = dsl::scorecard_text_to_json(card_text, "t.kpi");
  EXPECT_EQ(from_text, card_json());
  const Scorecard a = Scorecard::compile(from_text), b = Scorecard::compile(card_json());
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  EXPECT_EQ(a.indicators(), b.indicators());
  ASSERT_NE(a.grade_table(), nullptr);
  EXPECT_EQ(*a.grade_table(), *b.grade_table());
  EXPECT_EQ(a.grade_table()->table.rules().size(), 4u);
  EXPECT_EQ(a.indicators()[0].target->table->table.describe(0), "\"phone\" | \"peak\" => 20s");
}

KpiTable groups() {
  // Four groups: phone at peak, phone off-peak, chat, and phone with many complaints.
  return make_table({"channel", "peak"},
                    {{"phone", "off"}, {"phone", "off"}, {"chat", "off"}, {"phone", "off"}},
                    {{"asa_s", KpiKind::mean_seconds, {25.0, 25.0, 25.0, 10.0}},
                     {"complaint_rate", KpiKind::ratio, {0.01, 0.01, 0.12, 0.20}}});
}

TEST(DecisionTables, TargetTableChoosesTheRowPerGroup) {
  KpiTable t = groups();
  t.keys[0][1] = "peak";
  t.keys[1][1] = "off";
  t.keys[2][1] = "off";
  t.keys[3][1] = std::nullopt; // null peak: only `-` entries match
  const Scorecard card = Scorecard::compile(card_json());
  const ScoreTable s = score(card, t);
  EXPECT_EQ(s.indicator(0, 0).target, 20.0);
  EXPECT_EQ(s.indicator(0, 0).target_rule, 0);
  EXPECT_NEAR(s.indicator(0, 0).score, 95.0, 1e-9); // 5 s over at 10 points per 10 s
  EXPECT_EQ(s.indicator(1, 0).target, 15.0);
  EXPECT_EQ(s.indicator(1, 0).target_rule, 1);
  EXPECT_NEAR(s.indicator(1, 0).score, 90.0, 1e-9);
  EXPECT_EQ(s.indicator(2, 0).target, 30.0);
  EXPECT_EQ(s.indicator(2, 0).target_rule, 2);
  EXPECT_EQ(s.indicator(3, 0).target_rule, 1);
  EXPECT_TRUE(s.indicator(1, 0).to_improve);
  const std::string why = explain_text(s, 1);
  EXPECT_NE(why.find("asa_s = 25s, target <= 15s (target table rule 2: \"phone\" | - => 15s)"),
            std::string::npos)
      << why;
}

TEST(DecisionTables, GradeTableDecidesGradeAndBonusAndVetoesStillCap) {
  KpiTable t = groups();
  for (auto& k : t.keys)
    k[1] = "off";
  const Scorecard card = Scorecard::compile(card_json());
  const ScoreTable s = score(card, t);
  // Scores: phone 90 (25 s vs 15 s), phone 90, chat 100, phone 100.
  EXPECT_EQ(s.grade[0], 0); // A: >= 90
  EXPECT_EQ(s.grade_rule[0], 0);
  EXPECT_EQ(s.bonus(0), 1.2);
  EXPECT_EQ(s.grade[2], 2); // 100 points but complaints above 10 %: C has the higher priority
  EXPECT_EQ(s.grade_rule[2], 3);
  EXPECT_EQ(s.bonus(2), 0.5);
  EXPECT_EQ(s.grade[3], 2); // complaints above 15 %: the table gives C and the veto caps at C
  const nlohmann::ordered_json j = explain_json(s, 2);
  EXPECT_EQ(
      j["grade_table"].dump(),
      R"({"grade":"C","hit_policy":"priority","rule":"rule 4: - | > 10% => C | 50%","bonus":0.5,"capped_by_veto":false})");
  EXPECT_EQ(j["grade_table"]["bonus"], 0.5);
  const std::string text = explain_text(s, 0);
  EXPECT_NE(text.find("grade table (priority): rule 1: >= 90 | - => A | 120%\n"), std::string::npos)
      << text;
}

TEST(DecisionTables, AGroupWithoutAScoreGetsNoGradeAndNoBonus) {
  const Scorecard card = Scorecard::compile(card_json());
  const KpiTable t = make_table({"channel", "peak"}, {{"phone", "off"}},
                                {{"asa_s", KpiKind::mean_seconds, {std::nullopt}},
                                 {"complaint_rate", KpiKind::ratio, {0.2}}});
  const ScoreTable s = score(card, t);
  EXPECT_TRUE(std::isnan(s.overall(0)));
  EXPECT_EQ(s.grade[0], -1);
  EXPECT_EQ(s.grade_rule[0], dsl::DecisionTable::no_match); // rule 4 (`-`, > 10%) is not consulted
  EXPECT_FALSE(s.bonus(0).has_value());
}

TEST(DecisionTables, RollUpRegradesWithTheTable) {
  const Scorecard card = Scorecard::compile(card_json());
  const ScoreTable s = score(card, groups()); // scores 90, 90, 100, 100
  const std::vector<std::string> keep = {"peak"};
  const RolledUpScores r = roll_up(s, keep);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_NEAR(r.overall(0), 95.0, 1e-9);
  EXPECT_EQ(r.grade[0],
            0); // the table's A (its complaint-rate input is null in a roll-up: `-` rows only)
  std::vector<double> nodes(card.nodes().size(), 85.0);
  std::int32_t rule = -9;
  EXPECT_EQ(grade_by_table(card, nodes, &rule), 1);
  EXPECT_EQ(rule, 1);
}

TEST(DecisionTables, VetoCapReplacesTheTablesBonusWithTheCappedGrades) {
  json spec = card_json();
  spec["grades"] = json::parse(
      R"([{"name": "A", "bonus": "120%"}, {"name": "B", "bonus": "100%"}, {"name": "C", "bonus": "10%"}])");
  spec["grade_table"]["rules"][3]["when"][1] = "> 50%"; // the table itself no longer caps
  const Scorecard card = Scorecard::compile(spec);
  KpiTable t = groups();
  const ScoreTable s = score(card, t);
  EXPECT_EQ(s.grade[3], 2); // the veto at 20 % complaints caps A at C
  EXPECT_TRUE(s.grade_capped[3]);
  EXPECT_EQ(s.bonus(3), 0.1); // the capped grade's bonus, not the table's 120 %
}

TEST(DecisionTables, GradesByTableHaveNoMinimums) {
  json spec = card_json();
  spec["grades"][0]["min"] = 90;
  EXPECT_EQ(spec_error(spec.dump()),
            "spec /grades/0/min: the grade table decides the grade: a grade has no \"min\"");
  spec = card_json();
  spec["grade_table"]["rules"][2]["then"][0] = "D";
  EXPECT_EQ(spec_error(spec.dump()),
            "spec /grade_table/rules/2/then/0: `D` is not one of the values of `grade` (C, B, A)");
}

/// The spec's errors of a .kpi text, as `kpiscore check` prints them.
std::string text_errors(const std::string& text) {
  dsl::SpecSourceMap where;
  const json spec = dsl::scorecard_text_to_json(text, "t.kpi", &where);
  std::string out;
  for (const auto& e : Scorecard::check(spec))
    out += dsl::format(
        dsl::Diagnostic{
            e.code().empty() ? "E0510" : e.code(), e.what(), dsl::locate(where, e.path()), {}},
        "t.kpi", text);
  return out;
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

TEST(DecisionTables, ErrorsPointAtTheCellInTheText) {
  std::string text = card_text;
  replace_once(text, "[80..90)", "(80..90)");
  EXPECT_EQ(text_errors(text), "t.kpi:15:1: error[E0605]: spec /grade_table: the table has a gap: "
                               "no rule matches score = 80, "
                               "complaint_rate = -90% (any value in (-inf..10%)) (add a rule, a "
                               "last rule with `-`, or set allow_gaps)\n"
                               "  15 | grades table priority {\n"
                               "     | ^^^^^^\n");
  text = card_text;
  replace_once(text, "\"phone\"  | -       => 15s", "\"phone\"  | -       => 15");
  EXPECT_EQ(text_errors(text),
            "t.kpi:6:27: error[E0602]: spec /indicators/0/target/table/rules/1/then/0: a number "
            "without a unit where a "
            "duration is expected (did you mean `15s`?) (output `target`)\n"
            "  6 |     \"phone\"  | -       => 15\n"
            "    |                           ^^\n");
  text = card_text;
  replace_once(text, "-        | -       => 30s", "\"chat\"   | -       => 30s");
  EXPECT_EQ(
      text_errors(text),
      "t.kpi:3:3: error[E0605]: spec /indicators/0/target/table: the table has a gap: no rule "
      "matches channel = (any other value), peak = \"peak\" (add a rule, a last rule with `-`, or "
      "set allow_gaps)\n"
      "  3 |   target table first {\n"
      "    |   ^^^^^^\n");
}

TEST(DecisionTables, TextSyntaxMistakes) {
  auto err = [](const std::string& text) {
    try {
      (void)dsl::scorecard_text_to_json(text, "t.kpi");
    } catch (const dsl::CompileError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(err("scorecard \"x\"\ngrades table firts {\n}\n"),
            "t.kpi:2:14: error[E0501]: unknown hit policy `firts`; expected `unique`, `first`, "
            "`priority` or `collect`\n"
            "  2 | grades table firts {\n"
            "    |              ^^^^^\n"
            "    = hint: did you mean `first`?\n");
  EXPECT_EQ(err("scorecard \"x\"\ngrades table first {\n  score => grade\n  >= 90 A\n}\n"),
            "t.kpi:4:3: error[E0501]: a rule needs `=>` between the inputs and the outputs\n"
            "  4 |   >= 90 A\n"
            "    |   ^^^^^^^\n");
  EXPECT_EQ(err("scorecard \"x\"\ngrades table first {\n  score => grade\n"),
            "t.kpi:2:20: error[E0503]: table not closed: expected `}`\n"
            "  2 | grades table first {\n"
            "    |                    ^\n");
}

TEST(DecisionTables, ManualKpiScoresAndUsesTables) {
  std::ifstream in(std::string(KPISCORE_FIXTURES) + "/../../examples/scorecards/manual.kpi");
  std::stringstream ss;
  ss << in.rdbuf();
  const json spec = dsl::scorecard_text_to_json(ss.str(), "manual.kpi");
  const Scorecard card = Scorecard::compile(spec);
  ASSERT_NE(card.grade_table(), nullptr);
  EXPECT_EQ(card.grade_table()->table.hit_policy(), dsl::HitPolicy::priority);
  // Round trip: the compiled tables write back the JSON the text made.
  EXPECT_EQ(card.grade_table()->table.rules().size(), spec["grade_table"]["rules"].size());
}

} // namespace
