#ifndef KPISCORE_SCORING_QA_EVALUATIONS_HPP
#define KPISCORE_SCORING_QA_EVALUATIONS_HPP

#include <kpiscore/io/reject.hpp>
#include <kpiscore/scoring/qa_form.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::scoring {

/// QA evaluation records, one row per evaluation of a contact, columnar. Item marks are the
/// evaluator's marks on the item's scale (NaN: N/A); counts are whole numbers (a count column
/// the source lacked is empty and its per-100 rate null).
struct EvaluationRecords {
  std::vector<std::string> evaluation_id, contact_id, agent_id, evaluator;
  std::vector<std::int64_t> evaluated_at_ms; ///< UTC epoch milliseconds
  std::vector<double> marks;                 ///< [row * form.items().size() + item]; NaN = N/A
  std::array<std::vector<std::int64_t>, 3> counts; ///< by QaCount; empty when the column is absent
  std::vector<std::uint8_t> flags;           ///< [row * form.critical_flags().size() + f], 0|1
  std::vector<double> bonus_units;           ///< [row * form.bonuses().size() + b]
  std::vector<std::uint8_t> calibration;     ///< 1: a calibration evaluation (not an agent's record)
  std::vector<std::uint64_t> line;           ///< the physical line of each record

  std::size_t size() const noexcept { return evaluation_id.size(); }
  bool has(QaCount c) const noexcept { return !counts[static_cast<std::size_t>(c)].empty() || size() == 0; }
};

struct EvaluationReadResult {
  EvaluationRecords records;
  std::vector<Reject> rejects;
  std::uint64_t rows_read = 0;
  std::uint64_t blank_lines = 0;
  std::uint64_t accepted() const noexcept { return records.size(); }
};

/// Reads evaluation records from CSV text with a header (RFC 4180 quoting, LF or CRLF, optional
/// UTF-8 BOM), checked against `form`:
///   required  evaluation_id, contact_id, agent_id, evaluated_at, one column per form item, one per
///             critical flag, one per bonus, and each count a deduction of the form reads
///   optional  evaluator, forbidden_phrases, wrong_answers, process_violations, calibration (0|1)
/// Other columns are ignored. A malformed record is rejected with (line, field, reason) and the
/// rest goes on: accepted + rejected = rows_read. Reasons never quote the value. Offset-less
/// timestamps are local time in `timezone` (IANA). A missing or duplicate required column
/// throws kpiscore::InputError.
EvaluationReadResult read_evaluations_csv(std::string_view text, const QaForm& form,
                                          const std::string& timezone = "UTC");
EvaluationReadResult read_evaluations_csv_file(const std::string& path, const QaForm& form,
                                               const std::string& timezone = "UTC");

} // namespace kpiscore::scoring

#endif
