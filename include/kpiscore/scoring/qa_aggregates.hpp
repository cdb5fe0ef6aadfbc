#ifndef KPISCORE_SCORING_QA_AGGREGATES_HPP
#define KPISCORE_SCORING_QA_AGGREGATES_HPP

#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/metrics/contact_kpis.hpp>
#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/scoring/qa_evaluations.hpp>
#include <kpiscore/scoring/qa_scores.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kpiscore::scoring {

/// The QA aggregates per group, usable as scorecard indicators (the scorecard knows them, with
/// their units, without declaring them under "inputs"):
///   qa_evaluations               count   evaluations used
///   qa_mean_score                number  mean post-fail score (evaluations with a score)
///   qa_raw_mean_score            number  mean raw score (before critical failures)
///   qa_pass_rate                 ratio   passed / evaluations with a score
///   qa_critical_fail_rate        ratio   evaluation-level critical failures / evaluations
///   forbidden_phrases_per_100    number  100 × occurrences / evaluations recording the count
///   wrong_answers_per_100        number  (likewise)
///   process_violations_per_100   number  (likewise)
inline std::span<const KpiDefinition> qa_kpi_definitions() {
  static constexpr KpiDefinition defs[] = {
      {"qa_evaluations", KpiKind::count},          {"qa_mean_score", KpiKind::mean},
      {"qa_raw_mean_score", KpiKind::mean},        {"qa_pass_rate", KpiKind::ratio},
      {"qa_critical_fail_rate", KpiKind::ratio},   {"forbidden_phrases_per_100", KpiKind::mean},
      {"wrong_answers_per_100", KpiKind::mean},    {"process_violations_per_100", KpiKind::mean},
  };
  return defs;
}

/// Which period (time key) an evaluation belongs to.
enum class QaPeriod : std::uint8_t {
  contact_arrival, ///< its contact's arrived_at (default: the contact's month, as for its KPIs)
  evaluated_at,    ///< when it was evaluated
};

struct QaAggregateOptions {
  QaPeriod period = QaPeriod::contact_arrival;
};

/// What happened to each evaluation record on the way into the aggregates.
enum class QaUse : std::uint8_t {
  used,
  calibration,      ///< a calibration evaluation: never in agent (or any group) aggregates
  superseded,       ///< a later evaluation of the same contact wins
  unknown_contact,  ///< its contact_id is not among the accepted contacts
  agent_mismatch,   ///< its agent_id differs from the contact's agent_id
};
std::string_view name_of(QaUse u) noexcept;

/// QA aggregates per group of the `by` keys: group keys come from each evaluation's contact
/// (dimensions, and time keys of its arrived_at or of evaluated_at), so they join the contact
/// KPIs of the same keys.
struct QaTable {
  std::vector<std::string> key_names;
  std::vector<std::vector<std::optional<std::string>>> keys; ///< [group][key part], sorted
  std::vector<std::vector<KpiValue>> values;                 ///< [group][qa_kpi_definitions()]
  std::vector<QaUse> use;                                    ///< per evaluation record
  std::size_t size() const noexcept { return keys.size(); }
  std::size_t count(QaUse u) const noexcept;
};

/// Selects the evaluations (calibration excluded; the latest evaluated_at per contact wins, a tie
/// going to the later record; the contact must exist and, when both name an agent, be the same
/// agent's) and aggregates their scores per group.
QaTable aggregate_qa(const EvaluationRecords& records, std::span<const EvaluationScore> scores,
                     const ContactTable& contacts, std::span<const std::string> by,
                     const KpiOptions& options, const QaAggregateOptions& qa = {});

/// Adds the QA columns to `table` by group key (null where a group has no evaluation; a group
/// with evaluations and no contacts is added with null contact KPIs, keeping the key order).
/// The key names must be equal (std::invalid_argument otherwise).
void join(KpiTable& table, const QaTable& qa);

} // namespace kpiscore::scoring

#endif
