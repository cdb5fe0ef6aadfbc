#ifndef KPISCORE_TESTS_SCORING_QA_TEST_UTIL_HPP
#define KPISCORE_TESTS_SCORING_QA_TEST_UTIL_HPP

// A small QA form and evaluation records for the QA tests.
#include <kpiscore/scoring/qa_evaluations.hpp>
#include <kpiscore/scoring/qa_form.hpp>

#include <string>

namespace kpiscore::scoring::test {

/// open 20 % (greet), main 50 % (accuracy 0-10 60 %, handover yes/no 40 %), comp 30 %
/// (verified yes/no, section-critical, 50 %; courtesy 1-5 50 %); a leak voids the evaluation;
/// 5 points per forbidden phrase, at most 12; 3 bonus points for praise, at most 3.
inline const char* qa_form_text = R"({"name": "test form", "pass_mark": 80, "sections": [
  {"name": "open", "weight": "20%", "items": [{"name": "greet", "scale": "yes_no", "na": false}]},
  {"name": "main", "weight": "50%", "items": [
    {"name": "accuracy", "weight": "60%", "scale": "0-10"},
    {"name": "handover", "weight": "40%", "scale": "yes_no"}]},
  {"name": "comp", "weight": "30%", "items": [
    {"name": "verified", "weight": "50%", "scale": "yes_no", "critical": "section"},
    {"name": "courtesy", "weight": "50%", "scale": "1-5"}]}],
  "critical_flags": [{"name": "leak"}],
  "deductions": [{"count": "forbidden_phrases", "points": 5, "cap": 12}],
  "bonuses": [{"name": "praise", "points": 3, "cap": 3}]})";

inline const char* qa_header =
    "evaluation_id,contact_id,agent_id,evaluator,evaluated_at,greet,accuracy,handover,verified,courtesy,leak,praise,"
    "forbidden_phrases,calibration\n";

inline QaForm qa_form() { return QaForm::compile_text(qa_form_text); }

/// Records from rows after the header.
inline EvaluationRecords qa_records(const std::string& rows) {
  return read_evaluations_csv(std::string(qa_header) + rows, qa_form()).records;
}

} // namespace kpiscore::scoring::test

#endif
