#include "dsl/dsl_test_util.hpp"
#include "scoring/scoring_test_util.hpp"

namespace kpiscore::test {
namespace {

using dsl::condition_to_json;

TEST(DslConditionJson, TranslatesToTheStructuredForm) {
  EXPECT_EQ(condition_to_json("channel == \"phone\""),
            R"({"key":"channel","op":"==","value":"phone"})");
  EXPECT_EQ(condition_to_json("asa_s > 1h30m"), R"({"kpi":"asa_s","op":">","value":"5400s"})");
  EXPECT_EQ(condition_to_json("85% <= fcr"), R"({"kpi":"fcr","op":">=","value":"85%"})");
  EXPECT_EQ(condition_to_json("fcr < 0.85"), R"({"kpi":"fcr","op":"<","value":0.85})");
  EXPECT_EQ(
      condition_to_json("nps < 30 and (asa_s > 30s and aht_s < 10min) or not team == \"T1\""),
      R"({"any":[{"all":[{"kpi":"nps","op":"<","value":30.0},{"kpi":"asa_s","op":">","value":"30s"},)"
      R"({"kpi":"aht_s","op":"<","value":"600s"}]},{"not":{"key":"team","op":"==","value":"T1"}}]})");
  EXPECT_EQ(
      condition_to_json("team not in [\"T1\", \"T2\"] or nps between 0 and 30"),
      R"({"any":[{"not":{"key":"team","op":"in","value":["T1","T2"]}},)"
      R"({"all":[{"kpi":"nps","op":">=","value":0.0},{"kpi":"nps","op":"<=","value":30.0}]}]})");
  EXPECT_THROW(condition_to_json("a or b == 1"), std::invalid_argument);
}

TEST(DslConditionJson, ErrorsNameTheColumn) {
  auto message = [](const std::string& e) {
    try {
      condition_to_json(e);
    } catch (const std::invalid_argument& x) {
      return std::string(x.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("asa_s > 30"),
            "column 9: a number without a unit where a duration is expected (did you mean `30s`?)");
  EXPECT_EQ(message("fcr >= 85"),
            "column 8: a number above 1 where a ratio is expected (did you mean `85%`?)");
  EXPECT_EQ(message("asa_s > aht_s"),
            "column 1: a condition compares a KPI or key with a constant");
  EXPECT_EQ(message("asa_s >"), "column 8: expected an expression, found the end of the text");
  EXPECT_EQ(message("channel in [\"a\", 1]"), "column 18: `in` takes a list of strings");
}

// A spec whose conditions are expression strings scores exactly as its structured twin
// (tests/scoring/target_test.cpp's segment targets).
TEST(DslConditionJson, ScorecardConditionsAcceptExpressionStrings) {
  const char* structured = R"({
    "indicators": [{"kpi": "asa_s", "rule": {"type": "deduct", "per": "1s", "points": 1},
      "target": [
        {"value": "30s"},
        {"when": {"key": "channel", "value": "phone"}, "value": "15s"},
        {"when": {"all": [{"key": "channel", "value": "phone"}, {"key": "peak", "value": "peak"}]}, "value": "20s"}
      ]}],
    "penalties": [{"name": "slow", "when": {"kpi": "asa_s", "op": ">", "value": "35s"}, "deduct": {"points": 5}}]})";
  const char* text = R"({
    "indicators": [{"kpi": "asa_s", "rule": {"type": "deduct", "per": "1s", "points": 1},
      "target": [
        {"value": "30s"},
        {"when": "channel == \"phone\"", "value": "15s"},
        {"when": "channel == \"phone\" and peak == \"peak\"", "value": "20s"}
      ]}],
    "penalties": [{"name": "slow", "when": "asa_s > 35s", "deduct": {"points": 5}}]})";
  const auto t = scoring::test::make_table(
      {"channel", "peak"}, {{"phone", "peak"}, {"phone", "off_peak"}, {"chat", "peak"}},
      {{"asa_s", KpiKind::mean_seconds, {40.0, 18.0, 33.0}}});
  const auto a = scoring::score(scoring::Scorecard::compile_text(structured), t);
  const auto b = scoring::score(scoring::Scorecard::compile_text(text), t);
  for (std::size_t g = 0; g < 3; ++g) {
    EXPECT_EQ(a.overall(g), b.overall(g)) << g;
    EXPECT_EQ(a.indicator(g, 0).target, b.indicator(g, 0).target) << g;
  }
  EXPECT_EQ(b.indicator(0, 0).target, 20);
  EXPECT_EQ(b.overall(0), 75); // 100 - 20 points, then the penalty (40 s > 35 s) deducts 5
  try {
    scoring::Scorecard::compile_text(
        R"({"indicators": [{"kpi": "asa_s", "rule": {"type": "proportional"},
      "target": [{"value": "20s", "when": "asa_s > 30"}]}]})");
    FAIL();
  } catch (const scoring::SpecError& e) {
    EXPECT_STREQ(e.what(),
                 "spec /indicators/0/target/0/when: expression: column 9: a number without a "
                 "unit where a duration is expected (did you mean `30s`?)");
  }
}

} // namespace
} // namespace kpiscore::test
