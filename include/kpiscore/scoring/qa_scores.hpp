#ifndef KPISCORE_SCORING_QA_SCORES_HPP
#define KPISCORE_SCORING_QA_SCORES_HPP

#include <kpiscore/scoring/qa_evaluations.hpp>
#include <kpiscore/scoring/qa_form.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace kpiscore::scoring {

/// The score of one evaluation under a form, 0..100, unrounded.
///   1. Each section: the weighted mean of its items' fractions; N/A items drop out as 0 of 0
///      and the remaining weights renormalize; a section with every item N/A drops out and the
///      sections renormalize in turn. `base` = 100 × the weighted mean of the sections (NaN when
///      every item is N/A: the evaluation has no score).
///   2. `raw` = base − deductions (points per occurrence beyond `beyond`, each capped) + bonuses
///      (each capped), clamped to [0, 100]. No critical failure is applied to `raw`.
///   3. `score` (post-fail): a section-level critical failure scores its section 0 (then steps
///      1–2 again); an evaluation-level one scores the evaluation 0.
///   4. `passed`: score >= the form's pass mark and no evaluation-level critical failure.
struct EvaluationScore {
  double base = NAN, raw = NAN, score = NAN;
  double deducted = 0, bonus = 0;       ///< points actually taken / given (after caps)
  bool critical_fail = false;           ///< an evaluation-level critical failure
  std::vector<std::uint32_t> failed_sections; ///< sections voided by a section-level failure
  std::vector<double> sections;         ///< per section, 0..100 after section failures; NaN = N/A
  bool passed = false;
};

EvaluationScore score_evaluation(const QaForm& form, const EvaluationRecords& records, std::size_t row);
std::vector<EvaluationScore> score_evaluations(const QaForm& form, const EvaluationRecords& records);

/// The trace of one evaluation for people: each section and item (mark, fraction, weight, N/A),
/// deductions and bonuses with their caps, critical failures, raw and post-fail score.
/// Identifiers are the evaluation_id only (no customer data).
std::string explain_evaluation(const QaForm& form, const EvaluationRecords& records, std::size_t row);

} // namespace kpiscore::scoring

#endif
