// Per-evaluation scores: weights, scales, N/A renormalization (items and sections), critical
// items at section and evaluation level, critical flags, raw beside post-fail score, capped
// per-occurrence deductions and bonuses, the pass mark, the explanation.
#include "scoring/qa_test_util.hpp"

#include <kpiscore/scoring/qa_scores.hpp>

#include <gtest/gtest.h>

namespace kpiscore::scoring {
namespace {

using test::qa_form;
using test::qa_records;

EvaluationScore one(const std::string& marks_and_rest) {
  const auto r = qa_records("e1,c1,A1,E1,2026-03-02T10:00:00Z," + marks_and_rest + "\n");
  EXPECT_EQ(r.size(), 1u) << marks_and_rest;
  return score_evaluation(qa_form(), r, 0);
}

TEST(QaScores, WeightedItemsAndSections) {
  // open 100; main 0.6 x 80 % + 0.4 x 0 = 48; comp 0.5 x 100 + 0.5 x 75 = 87.5
  const auto s = one("yes,8,no,yes,4,0,0,0,0");
  EXPECT_NEAR(s.sections[0], 100, 1e-12);
  EXPECT_NEAR(s.sections[1], 48, 1e-12);
  EXPECT_NEAR(s.sections[2], 87.5, 1e-12);
  EXPECT_NEAR(s.base, 0.2 * 100 + 0.5 * 48 + 0.3 * 87.5, 1e-12); // 70.25
  EXPECT_NEAR(s.raw, 70.25, 1e-12);
  EXPECT_NEAR(s.score, 70.25, 1e-12);
  EXPECT_FALSE(s.passed);
  EXPECT_FALSE(s.critical_fail);
}

TEST(QaScores, NaItemDropsOutAsZeroOfZeroAndItsSectionRenormalizes) {
  // handover N/A: main is accuracy alone, 80
  const auto s = one("1,8,NA,1,4,0,0,0,0");
  EXPECT_NEAR(s.sections[1], 80, 1e-12);
  EXPECT_NEAR(s.score, 20 + 0.5 * 80 + 26.25, 1e-12); // 86.25
  EXPECT_TRUE(s.passed);
}

TEST(QaScores, SectionWithEveryItemNaDropsOutAndTheSectionsRenormalize) {
  const auto s = one("yes,n/a,,yes,4,0,0,0,0");
  EXPECT_TRUE(std::isnan(s.sections[1]));
  EXPECT_NEAR(s.score, (0.2 * 100 + 0.3 * 87.5) / 0.5, 1e-12); // 92.5
}

TEST(QaScores, SectionCriticalItemVoidsItsSectionOnlyAndRawKeepsTheItems) {
  // verified "no": comp raw 0.5 x 0 + 0.5 x 75 = 37.5 → raw 20 + 44 + 11.25; post-fail comp 0
  const auto s = one("yes,8,yes,no,4,0,0,0,0");
  EXPECT_NEAR(s.raw, 75.25, 1e-12);
  EXPECT_NEAR(s.score, 64.0, 1e-12);
  EXPECT_EQ(s.sections[2], 0.0);
  ASSERT_EQ(s.failed_sections.size(), 1u);
  EXPECT_EQ(s.failed_sections[0], 2u);
  EXPECT_FALSE(s.critical_fail);
}

TEST(QaScores, EvaluationCriticalFlagScoresZeroWhateverTheItems) {
  const auto s = one("yes,10,yes,yes,5,1,0,0,0");
  EXPECT_NEAR(s.raw, 100, 1e-12);
  EXPECT_EQ(s.score, 0.0);
  EXPECT_TRUE(s.critical_fail);
  EXPECT_FALSE(s.passed);
}

TEST(QaScores, EvaluationCriticalItem) {
  const auto f = QaForm::compile_text(R"({"sections": [{"name": "s", "items": [
      {"name": "no_leak", "scale": "yes_no", "critical": "evaluation"}, {"name": "b", "scale": "0-10"}]}]})");
  const auto r = read_evaluations_csv("evaluation_id,contact_id,agent_id,evaluated_at,no_leak,b\n"
                                      "e1,c1,A1,2026-03-02,no,10\ne2,c2,A1,2026-03-02,yes,10\n",
                                      f)
                     .records;
  const auto s = score_evaluations(f, r);
  EXPECT_NEAR(s[0].raw, 50, 1e-12);
  EXPECT_EQ(s[0].score, 0.0);
  EXPECT_TRUE(s[0].critical_fail);
  EXPECT_EQ(s[1].score, 100.0);
  EXPECT_TRUE(s[1].passed);
}

TEST(QaScores, DeductionPerOccurrenceIsCapped) {
  EXPECT_NEAR(one("yes,10,yes,yes,5,0,0,2,0").score, 90, 1e-12);  // 2 x 5
  EXPECT_NEAR(one("yes,10,yes,yes,5,0,0,3,0").score, 88, 1e-12);  // 15, capped at 12
  EXPECT_NEAR(one("yes,10,yes,yes,5,0,0,3,0").deducted, 12, 1e-12);
  EXPECT_NEAR(one("no,0,no,no,1,0,0,9,0").score, 0, 1e-12);       // floor 0
}

TEST(QaScores, BonusIsCappedAndTheScoreClampedAt100) {
  EXPECT_NEAR(one("yes,10,yes,yes,5,0,1,1,0").score, 98, 1e-12);  // 100 - 5 + 3
  EXPECT_NEAR(one("yes,10,yes,yes,5,0,2,0,0").bonus, 3, 1e-12);   // 2 x 3, capped at 3
  EXPECT_NEAR(one("yes,10,yes,yes,5,0,2,0,0").score, 100, 1e-12); // clamped
}

TEST(QaScores, PassMarkIsInclusive) {
  // 20 + 0.5 x (0.6 x 100 + 0) + 0.3 x 100 = 80
  const auto s = one("yes,10,no,yes,5,0,0,0,0");
  EXPECT_NEAR(s.score, 80, 1e-12);
  EXPECT_TRUE(s.passed);
}

TEST(QaScores, ExplanationShowsItemsNaDeductionsAndFailures) {
  const auto r = qa_records("e1,c1,A1,E1,2026-03-02T10:00:00Z,yes,8,NA,no,4,0,0,3,0\n");
  const std::string text = explain_evaluation(qa_form(), r, 0);
  EXPECT_NE(text.find("evaluation e1 (form \"test form\")"), std::string::npos) << text;
  EXPECT_NE(text.find("handover [yes_no] N/A (dropped, weights renormalized)"), std::string::npos) << text;
  EXPECT_NE(text.find("VOIDED by a section-level critical failure"), std::string::npos) << text;
  EXPECT_NE(text.find("forbidden_phrases: 3, 5 points each beyond 0: -12.00 (capped)"), std::string::npos) << text;
  EXPECT_EQ(text.find("c1"), std::string::npos) << "no contact id in the trace";
}

} // namespace
} // namespace kpiscore::scoring
