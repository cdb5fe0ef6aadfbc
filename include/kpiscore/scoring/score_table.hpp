#ifndef KPISCORE_SCORING_SCORE_TABLE_HPP
#define KPISCORE_SCORING_SCORE_TABLE_HPP

#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/scoring/scorecard.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kpiscore::scoring {

/// One indicator of one group: what was read, the target in force, and the points.
struct IndicatorResult {
  double value = NAN;        ///< the KPI value (NaN when null or absent)
  double observations = 0;   ///< the KPI's denominator
  double numerator = NAN;    ///< the KPI's numerator (NaN when absent)
  double target = NAN;       ///< the target in force (NaN: none)
  double rule_score = NAN;   ///< the rule's score before penalties (NaN: N/A)
  double score = NAN;        ///< the score the dimension used (NaN: dropped as N/A)
  std::int16_t target_entry = -1; ///< index into Indicator::target->entries
  std::int32_t target_rule = -1;  ///< the target table's rule that matched (-1: none or no table)
  NaReason na = NaReason::none;
  bool substituted = false;  ///< N/A scored as the configured value
  bool to_improve = false;   ///< misses its target
};

/// One application of a penalty rule.
struct PenaltyApplication {
  std::uint32_t penalty = 0;  ///< index into Scorecard::penalties()
  double occurrences = 0;     ///< the counted KPI beyond the threshold (1 without `per`)
  double points = 0;          ///< signed change requested (negative for deductions)
  double before = 0, after = 0;
};

/// Scores of every group of a KpiTable under one scorecard. Scores are unrounded; NaN is N/A.
struct ScoreTable {
  Scorecard card;
  std::string library_version;
  std::vector<std::string> key_names;
  std::vector<std::vector<std::optional<std::string>>> keys; ///< [group][key part]
  std::vector<IndicatorResult> indicators;  ///< [group * card.indicators().size() + i]
  std::vector<double> node_scores;          ///< [group * card.nodes().size() + n]; n = 0 overall
  std::vector<std::uint8_t> node_substituted; ///< same layout: N/A scored as configured value
  std::vector<int> grade;                   ///< per group; -1: none
  std::vector<std::int32_t> grade_rule;     ///< per group: the grade table's rule that matched (-1: none; empty without a table)
  std::vector<double> table_bonus;          ///< per group: the grade table's `bonus` output (NaN: none; empty without one)
  std::vector<std::uint8_t> grade_capped;   ///< per group: a veto capped the grade
  std::vector<double> grade_inputs;         ///< [group * inputs + c]: the grade table's numeric inputs (explanations)
  std::vector<PenaltyApplication> penalties;
  std::vector<std::uint32_t> penalty_offsets; ///< group g's applications: [offsets[g], offsets[g+1])

  std::size_t size() const noexcept { return keys.size(); }
  double overall(std::size_t g) const noexcept { return node_scores[g * card.nodes().size()]; }
  double node(std::size_t g, std::size_t n) const noexcept {
    return node_scores[g * card.nodes().size() + n];
  }
  const IndicatorResult& indicator(std::size_t g, std::size_t i) const noexcept {
    return indicators[g * card.indicators().size() + i];
  }
  /// The bonus share of the group: the grade table's `bonus` output when it has one and no
  /// veto capped the grade, else the grade's bonus (nullopt: no grade or no bonus configured).
  std::optional<double> bonus(std::size_t g) const noexcept;
};

struct EvaluationOptions {
  /// The group key whose labels date each group (month, week, day, ...) for effective-dated
  /// targets. Empty: the first of month, week, day, hour, interval30, interval15 in the table.
  std::string period_key;
  /// The date of groups without a period key (days since 1970-01-01).
  std::optional<std::int32_t> as_of;
};

/// Scores every group of `table`: indicators column by column, then the tree level by level
/// in matrix form. A KPI the scorecard needs and the table lacks makes its indicators N/A
/// (reason missing_kpi); conditions on it are unknown.
ScoreTable score(const Scorecard& card, const KpiTable& table, const EvaluationOptions& options = {});

struct OutputOptions {
  int decimals = -1;   ///< display rounding (-1: the scorecard's; still -1: none)
  bool trace = true;   ///< include the trace in JSON
  /// explain_text/explain_json show the arithmetic too: each KPI's numerator and denominator,
  /// each child's contribution (effective weight × score) and each dimension's sum
  /// (`kpiscore explain`).
  bool arithmetic = false;
};

/// {"library_version", "scorecard", "spec_fingerprint", "groups": [{keys..., "score", "grade",
/// "bonus", "dimensions", "indicators", "penalties", "trace"}]}
nlohmann::ordered_json to_json(const ScoreTable& t, const OutputOptions& o = {});
/// One row per group: keys, score, grade, bonus, each dimension, each indicator's score.
std::string to_csv(const ScoreTable& t, const OutputOptions& o = {});
/// An aligned table for people (2 decimals unless configured).
std::string to_text(const ScoreTable& t, const OutputOptions& o = {});
/// The trace of one group as JSON: per node its score, children with declared and effective
/// weights, N/A and renormalization; per indicator value, target in force, rule, points lost;
/// each penalty applied and why.
nlohmann::ordered_json explain_json(const ScoreTable& t, std::size_t group, const OutputOptions& o = {});
/// The same trace as readable text.
std::string explain_text(const ScoreTable& t, std::size_t group, const OutputOptions& o = {});

/// A condition of the scorecard evaluated for one group of `table` (the table the scores came
/// from), part by part: {"expr", "truth": "yes"|"no"|"unknown", "value" (KPI or key leaves),
/// "parts": [...]} — why a penalty fired or did not, or why a segment target applied.
nlohmann::ordered_json explain_condition(const Condition& c, const Scorecard& card, const KpiTable& table,
                                         std::size_t group);
/// The same as one line: `(complaint_rate > 15% [no: 7.08%] and ...)`.
std::string explain_condition_text(const Condition& c, const Scorecard& card, const KpiTable& table, std::size_t group);

} // namespace kpiscore::scoring

#endif
