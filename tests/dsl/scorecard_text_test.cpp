// `.kpi` scorecards: the text form translates into the JSON spec and compiles to the same model.
#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/scorecard_text.hpp>
#include <kpiscore/scoring/scorecard.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace {

using kpiscore::scoring::Scorecard;
using nlohmann::json;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
const std::string examples = std::string(KPISCORE_FIXTURES) + "/../../examples/scorecards/";

json translate(const std::string& text) {
  return kpiscore::dsl::scorecard_text_to_json(text, "s.kpi");
}

std::string error_of(const std::string& text) {
  try {
    translate(text);
  } catch (const kpiscore::dsl::CompileError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ScorecardText, DefaultKpiCompilesToTheSameScorecardAsDefaultJson) {
  const std::string text = read(examples + "default.kpi");
  ASSERT_FALSE(text.empty());
  const json from_text = translate(text);
  const json from_json = json::parse(read(examples + "default.json"));
  EXPECT_EQ(from_text, from_json); // the same spec document, so the same fingerprint
  const Scorecard a = Scorecard::compile(from_text);
  const Scorecard b = Scorecard::compile(from_json);
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  EXPECT_EQ(a.name(), b.name());
  EXPECT_EQ(a.nodes(), b.nodes());
  EXPECT_EQ(a.indicators(), b.indicators());
  EXPECT_EQ(a.grades(), b.grades());
  EXPECT_EQ(a.penalties(), b.penalties());
  EXPECT_EQ(a.kpis(), b.kpis());
  EXPECT_EQ(a.keys(), b.keys());
  EXPECT_EQ(a.decimals(), b.decimals());
  EXPECT_TRUE(kpiscore::dsl::is_scorecard_text(text));
}

TEST(ScorecardText, EveryConstructHasItsJsonForm) {
  const std::string text = R"(# comment
scorecard "Every construct"
description "d"
min_observations 3
normalize true
na score 50
decimals 1
input attendance number

template handling {
  indicator aht kpi aht_s {
    target 5min
    rule deduct 10 per 1min step_rounding ceil floor 20 cap 90
  }
}

dimension eff weight 60% na renormalize {
  dimension nested weight 50% use handling
  indicator att kpi attendance weight 50% direction higher min_observations 2 {
    target 95 from 2026-01-01 until 2026-07-01
    target 90 from 2026-07-01 when channel in ["phone", "chat"]
    rule proportional cap 100
  }
}
indicator csat kpi csat_top_box weight 30% { # inline comment
  description "top box"
  target 90%
  rule tiers min 90% score 100, above 80% below 90% score 70, floor 10
}
indicator v kpi qa_mean_score weight 10% na score 0 {
  rule value scale 1
}

penalty red on dimension eff deduct 2 per forbidden_phrases_per_100 beyond 2 cap 10 when channel != "chat" and not (nps < 0)
penalty plus on indicator csat bonus 5 cap 5 when csat_top_box >= 95%
penalty stop veto score 0 when complaint_rate between 20% and 100%

grade A min 90 bonus 120%
grade B bonus 0%
)";
  const json expected = json::parse(R"({
    "name": "Every construct", "description": "d", "min_observations": 3, "normalize": true,
    "na": {"score": 50}, "display": {"decimals": 1}, "inputs": {"attendance": "number"},
    "templates": {"handling": {"indicators": [{"name": "aht", "kpi": "aht_s", "target": "5min",
      "rule": {"type": "deduct", "points": 10, "per": "1min", "step_rounding": "ceil", "floor": 20, "cap": 90}}]}},
    "dimensions": [{"name": "eff", "weight": "60%", "na": "renormalize",
      "dimensions": [{"name": "nested", "weight": "50%", "use": "handling"}],
      "indicators": [{"name": "att", "kpi": "attendance", "weight": "50%", "direction": "higher", "min_observations": 2,
        "target": [{"value": 95, "from": "2026-01-01", "until": "2026-07-01"},
                   {"value": 90, "from": "2026-07-01", "when": {"key": "channel", "op": "in", "value": ["phone", "chat"]}}],
        "rule": {"type": "proportional", "cap": 100}}]}],
    "indicators": [
      {"name": "csat", "kpi": "csat_top_box", "weight": "30%", "description": "top box", "target": "90%",
       "rule": {"type": "tiers", "tiers": [{"min": "90%", "score": 100}, {"above": "80%", "below": "90%", "score": 70}], "floor": 10}},
      {"name": "v", "kpi": "qa_mean_score", "weight": "10%", "na": {"score": 0}, "rule": {"type": "value", "scale": 1}}],
    "penalties": [
      {"name": "red", "level": "dimension", "target": "eff",
       "deduct": {"points": 2, "per": "forbidden_phrases_per_100", "beyond": 2, "cap": 10},
       "when": {"all": [{"key": "channel", "op": "!=", "value": "chat"}, {"not": {"kpi": "nps", "op": "<", "value": 0}}]}},
      {"name": "plus", "level": "indicator", "target": "csat", "bonus": {"points": 5, "cap": 5},
       "when": {"kpi": "csat_top_box", "op": ">=", "value": "95%"}},
      {"name": "stop", "level": "overall", "veto": {"score": 0},
       "when": {"all": [{"kpi": "complaint_rate", "op": ">=", "value": "20%"}, {"kpi": "complaint_rate", "op": "<=", "value": "100%"}]}}],
    "grades": [{"name": "A", "min": 90, "bonus": "120%"}, {"name": "B", "bonus": "0%"}]
  })");
  const json actual = translate(text);
  EXPECT_EQ(actual, expected) << actual.dump(2);
  for (const auto& e : Scorecard::check(actual))
    ADD_FAILURE() << e.what();
}

TEST(ScorecardText, MistakesArePinnedWithPositionCaretAndCode) {
  EXPECT_EQ(
      error_of("scorecard x\ndimension eff weight 30% {\n  indicator asa kpi asa_s wieght 30% {\n"),
      "s.kpi:3:27: error[E0501]: unexpected `wieght` in an indicator; expected `kpi`, `weight`, "
      "`direction`, "
      "`min_observations`, `na` or `description`\n"
      "  3 |   indicator asa kpi asa_s wieght 30% {\n"
      "    |                           ^^^^^^\n"
      "    = hint: did you mean `weight`?\n");
  EXPECT_EQ(error_of("scorecard x\nindicator asa kpi asa_s {\n  target 30s when asa_s > 30\n  rule "
                     "value\n}\n"),
            "s.kpi:3:27: error[E0505]: a number without a unit where a duration is expected (did "
            "you mean `30s`?)\n"
            "  3 |   target 30s when asa_s > 30\n"
            "    |                           ^\n");
  EXPECT_EQ(error_of("scorecard x\nindicator asa kpi asa_s {\n  rule deduct 10 per 10s\n"),
            "s.kpi:2:25: error[E0503]: block not closed: expected `}`\n"
            "  2 | indicator asa kpi asa_s {\n"
            "    |                         ^\n");
  EXPECT_EQ(error_of("scorecard x\nindicator fcr {\n  rule band 5% 100, 15% 60\n}\n"),
            "s.kpi:3:8: error[E0501]: unknown rule type `band`; expected `deduct`, `value`, "
            "`proportional`, `tiers` "
            "or `bands`\n"
            "  3 |   rule band 5% 100, 15% 60\n"
            "    |        ^^^^\n"
            "    = hint: did you mean `bands`?\n");
  EXPECT_EQ(error_of("scorecard x\nindicator fcr {\n  rule bands 5% 100 15% 60\n}\n"),
            "s.kpi:3:21: error[E0501]: expected `,` between points, actual `15%`\n"
            "  3 |   rule bands 5% 100 15% 60\n"
            "    |                     ^^^\n");
  EXPECT_EQ(error_of("scorecard x\n}\n"),
            "s.kpi:2:1: error[E0503]: `}` without an open block\n  2 | }\n    | ^\n");
  EXPECT_EQ(error_of("scorecard x\nindicator fcr {\n  target 85%\n}\n"),
            "s.kpi:2:11: error[E0507]: indicator `fcr` has no `rule`\n  2 | indicator fcr {\n    | "
            "          ^^^\n");
  EXPECT_EQ(
      error_of("scorecard \"x\nindicator fcr\n"),
      "s.kpi:1:11: error[E0506]: unterminated string\n  1 | scorecard \"x\n    |           ^^\n");
}

TEST(ScorecardText, InvalidUtf8IsRejectedBeforeItReachesTheJson) {
  // Found by fuzz/scorecard_text_fuzz.cpp: a stray byte in a word made the spec unprintable.
  EXPECT_EQ(error_of("scorecard x\xff\n"),
            "s.kpi:1:12: error[E0506]: invalid UTF-8\n  1 | scorecard x\xff\n    |            ^\n");
  EXPECT_EQ(error_of("scorecard \"\xed\xa0\x80\"\n").substr(0, 40),
            "s.kpi:1:12: error[E0506]: invalid UTF-8\n");
  EXPECT_NO_THROW(translate("scorecard \"Qualit\xc3\xa4t \xe2\x9c\x93\"\n"));
}

TEST(ScorecardText, SpecErrorsComeFromTheSameChecksAsJson) {
  // Units, names and weights are the spec's checks: the same errors, with the JSON path.
  const json spec =
      translate("scorecard x\nindicator asa kpi asa_s weight 50% {\n  rule deduct 10 per 10\n}\n");
  const auto errors = Scorecard::check(spec);
  ASSERT_FALSE(errors.empty());
  EXPECT_STREQ(errors.front().what(),
               Scorecard::check(json::parse(R"({"name": "x", "indicators": [{"name": "asa",
    "kpi": "asa_s", "weight": "50%", "rule": {"type": "deduct", "points": 10, "per": 10}}]})"))
                   .front()
                   .what());
}

TEST(ScorecardText, SpecErrorPathsMapToTheTextThatWroteThem) {
  const std::string text = "scorecard x\n"
                           "dimension a weight 30% {\n"
                           "  indicator asa kpi asa_s {\n"
                           "    target 30s\n"
                           "    rule deduct 10 per 10%\n"
                           "  }\n"
                           "}\n"
                           "penalty p veto max_grade Z when asa_s > 30s\n"
                           "grade A min 90\n";
  kpiscore::dsl::SpecSourceMap where;
  const json spec = kpiscore::dsl::scorecard_text_to_json(text, "s.kpi", &where);
  const auto errors = Scorecard::check(spec);
  ASSERT_EQ(errors.size(), 3u);
  std::string out;
  for (const auto& e : errors)
    out += kpiscore::dsl::format(
        kpiscore::dsl::Diagnostic{"E0510", e.what(), kpiscore::dsl::locate(where, e.path()), {}},
        "s.kpi", text);
  EXPECT_EQ(
      out,
      "s.kpi:5:24: error[E0510]: spec /dimensions/0/indicators/0/rule/per: expected a duration, "
      "actual a "
      "percentage \"10%\"\n"
      "  5 |     rule deduct 10 per 10%\n"
      "    |                        ^^^\n"
      "s.kpi:2:1: error[E0510]: spec /dimensions: weights add up to 30% (expected 100%, or set "
      "\"normalize\": true)\n"
      "  2 | dimension a weight 30% {\n"
      "    | ^^^^^^^^^\n"
      "s.kpi:8:26: error[E0510]: spec /penalties/0/veto/max_grade: no grade named \"Z\"\n"
      "  8 | penalty p veto max_grade Z when asa_s > 30s\n"
      "    |                          ^\n");
  // A path the text never wrote falls back to its nearest recorded parent.
  EXPECT_EQ(kpiscore::dsl::locate(where, "/dimensions/0/indicators/0/rule/tiers/3").begin,
            where.at("/dimensions/0/indicators/0/rule").begin);
}

TEST(ScorecardText, RecognisesScorecardsAmongKpiFiles) {
  EXPECT_TRUE(kpiscore::dsl::is_scorecard_text("# c\n\n  scorecard x\n"));
  EXPECT_FALSE(kpiscore::dsl::is_scorecard_text("rule x = asa_s > 30s\n"));
  EXPECT_FALSE(kpiscore::dsl::is_scorecard_text("scorecards x\n"));
  EXPECT_FALSE(kpiscore::dsl::is_scorecard_text(""));
}

} // namespace
