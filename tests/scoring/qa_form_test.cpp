// QA evaluation forms: compilation, weights, scales, critical items and every form error with
// its pinned message.
#include <kpiscore/scoring/qa_form.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace kpiscore::scoring {
namespace {

std::string form_error(const std::string& text) {
  try {
    (void)QaForm::compile_text(text);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(compiled)";
}

TEST(QaForm, HandbookExampleCompilesWithTheManualsWeights) {
  std::ifstream in(std::string(KPISCORE_FIXTURES) + "/../../examples/forms/handbook_form.json");
  std::ostringstream s;
  s << in.rdbuf();
  const QaForm f = QaForm::compile_text(s.str());
  ASSERT_EQ(f.sections().size(), 7u);
  const std::pair<const char*, double> weights[] = {{"greeting", 0.1}, {"need_confirmation", 0.2}, {"solution", 0.3},
                                                    {"closing", 0.1}};
  for (const auto& [name, w] : weights) {
    bool found = false;
    for (const auto& sec : f.sections())
      if (sec.name == name) {
        found = true;
        EXPECT_NEAR(sec.weight, w, 1e-12) << name;
      }
    EXPECT_TRUE(found) << name;
  }
  EXPECT_EQ(f.critical_flags().front().name, "leaked_customer_data");
  EXPECT_EQ(f.critical_flags().front().scope, CriticalScope::evaluation);
  ASSERT_FALSE(f.deductions().empty());
  EXPECT_EQ(f.deductions().front().count, QaCount::forbidden_phrases);
  EXPECT_EQ(f.deductions().front().cap, 20.0);
  EXPECT_TRUE(f.deducts(QaCount::forbidden_phrases));
  EXPECT_FALSE(f.deducts(QaCount::wrong_answers));
  EXPECT_EQ(f.pass_mark(), 80.0);
  EXPECT_EQ(f.fingerprint().size(), 16u);
}

TEST(QaForm, EqualItemWeightsWhenNoneGivenAndScalesToFractions) {
  const QaForm f = QaForm::compile_text(R"({"sections": [{"name": "s", "items": [
      {"name": "a", "scale": "yes_no"}, {"name": "b", "scale": "1-5"}, {"name": "c", "scale": "0-10"},
      {"name": "d", "scale": {"points": 4}}]}]})");
  ASSERT_EQ(f.items().size(), 4u);
  for (const auto& it : f.items()) EXPECT_NEAR(it.weight, 0.25, 1e-12);
  EXPECT_EQ(f.sections()[0].weight, 1.0);
  EXPECT_EQ(f.items()[0].fraction(1), 1.0);
  EXPECT_EQ(f.items()[1].fraction(1), 0.0);
  EXPECT_EQ(f.items()[1].fraction(4), 0.75);
  EXPECT_EQ(f.items()[2].fraction(7), 0.7);
  EXPECT_EQ(f.items()[3].fraction(3), 0.75);
  EXPECT_EQ(f.pass_mark(), 80.0);
}

TEST(QaForm, NormalizeScalesWeightsThatDoNotAddUp) {
  const QaForm f = QaForm::compile_text(R"({"normalize": true, "sections": [
      {"name": "s", "weight": 3, "items": [{"name": "a", "scale": "yes_no"}]},
      {"name": "t", "weight": 1, "items": [{"name": "b", "scale": "yes_no"}]}]})");
  EXPECT_NEAR(f.sections()[0].weight, 0.75, 1e-12);
}

TEST(QaFormErrors, Messages) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "yes_no"}]}], "colour": 1})",
       "spec /colour: unknown key (expected one of: name, description, pass_mark, normalize, sections, critical_flags, "
       "deductions, bonuses)"},
      {R"({"name": "f"})", "spec /: missing required key \"sections\""},
      {R"({"sections": []})", "spec /sections: expected a non-empty array of sections"},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "1-10"}]}]})",
       "spec /sections/0/items/0/scale: expected \"yes_no\", \"1-5\", \"0-10\" or {\"points\": MAX}, actual \"1-10\""},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": {"points": 0}}]}]})",
       "spec /sections/0/items/0/scale/points: expected a maximum greater than 0"},
      {R"({"sections": [{"name": "s", "weight": "60%", "items": [{"name": "a", "scale": "yes_no"}]},
                        {"name": "t", "weight": "30%", "items": [{"name": "b", "scale": "yes_no"}]}]})",
       "spec /sections: weights add up to 90% (expected 100%, or set \"normalize\": true)"},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "weight": "50%", "scale": "yes_no"},
                                                {"name": "b", "scale": "yes_no"}]}]})",
       "spec /sections/0/items: give a weight to every item of this level or to none (none: equal weights)"},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "1-5", "critical": "evaluation"}]}]})",
       "spec /sections/0/items/0/critical: a critical item needs the \"yes_no\" scale (\"no\" is the failure)"},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "yes_no", "critical": "call"}]}]})",
       "spec /sections/0/items/0/critical: expected \"evaluation\" or \"section\" (what a fail voids), actual \"call\""},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "yes_no"}, {"name": "a", "scale": "yes_no"}]}]})",
       "spec /sections/0/items/1/name: duplicate column \"a\" (item, flag and bonus names must be unique)"},
      {R"({"sections": [{"name": "s", "items": [{"name": "calibration", "scale": "yes_no"}]}]})",
       "spec /sections/0/items/0/name: \"calibration\" is a standard column of the evaluation records"},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "yes_no", "na": "yes"}]}]})",
       "spec /sections/0/items/0/na: expected true or false (may the item be marked N/A)"},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "yes_no"}]}],
           "critical_flags": [{"name": "leak", "scope": "section", "section": "t"}]})",
       "spec /critical_flags/0/section: no section named \"t\""},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "yes_no"}]}],
           "deductions": [{"count": "swear_words", "points": 5}]})",
       "spec /deductions/0/count: expected \"forbidden_phrases\", \"wrong_answers\" or \"process_violations\", actual "
       "\"swear_words\""},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "yes_no"}]}],
           "deductions": [{"count": "forbidden_phrases", "points": -5}]})",
       "spec /deductions/0/points: expected a non-negative number of points, actual -5"},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "yes_no"}]}], "pass_mark": 120})",
       "spec /pass_mark: expected a score 0..100"},
      {R"({"sections": [{"name": "s", "items": [{"name": "a", "scale": "yes_no"}]}], "bonuses": [{"name": "a", "points": 1}]})",
       "spec /bonuses/0/name: duplicate column \"a\" (item, flag and bonus names must be unique)"},
  };
  for (const auto& [text, message] : cases) EXPECT_EQ(form_error(text), message) << text;
}

TEST(QaFormErrors, CheckReportsEveryError) {
  const auto errors = QaForm::check_text(R"({"sections": [
      {"name": "s", "items": [{"name": "a", "scale": "x"}]},
      {"name": "t", "items": [{"name": "b", "scale": "yes_no", "critical": 1}]}]})");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].path(), "/sections/0/items/0/scale");
  EXPECT_EQ(errors[1].path(), "/sections/1/items/0/critical");
  EXPECT_EQ(QaForm::check_text("{").front().path(), "/");
}

} // namespace
} // namespace kpiscore::scoring
