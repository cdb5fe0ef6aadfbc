#ifndef KPISCORE_SAMPLING_SAMPLE_HPP
#define KPISCORE_SAMPLING_SAMPLE_HPP

#include <kpiscore/sampling/sample_plan.hpp>
#include <kpiscore/table/contact_table.hpp>
#include <kpiscore/table/dictionary_column.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kpiscore::sampling {

/// One selected contact.
struct SampledContact {
  std::size_t row = 0;              ///< row of the input table (0-based)
  std::uint32_t stratum = 0;        ///< index into Sample::strata
  double inclusion_probability = 0; ///< π_i (the target λ_i for order sampling)
  double design_weight = 0;         ///< 1 / π_i
  double size_measure = 1;          ///< the risk weight (1 without risk rules)
  int risk_rule = -1;               ///< index into plan.risk of the rule that set it, -1 none
  int evaluator = -1;               ///< index into plan.evaluators, -1 unassigned or none
  std::string day;                  ///< local day "YYYY-MM-DD" (with evaluators only)
};

/// Planned against achieved for one stratum.
struct StratumReport {
  std::vector<std::string> key; ///< one label per strata dimension ("" for a null key)
  std::uint64_t population = 0; ///< N_h
  double expected = 0;          ///< planned size: Σ π_i over the stratum (exact for every design)
  std::optional<std::int64_t> planned; ///< whole-number plan (fixed-size designs)
  std::int64_t minimum = 0;            ///< the plan's minimum
  bool below_minimum = false;          ///< N_h < minimum: the stratum cannot supply it
  std::uint64_t achieved = 0;
  double effective_size = 0; ///< Kish: (Σ w)^2 / Σ w^2 over the selected, = achieved if equal w
  std::optional<double> margin_of_error; ///< at plan.p and plan.alpha, with N_h (none if empty)
};

/// Which values of a dimension the sample covers.
struct CoverageReport {
  std::string dimension;
  std::uint64_t values = 0;         ///< distinct non-null values in the input
  std::uint64_t covered = 0;        ///< of those, values with at least one selected contact
  std::vector<std::string> missing; ///< values without a selected contact, in label order
};

/// One day's evaluator assignments.
struct EvaluatorDay {
  std::string day;
  std::uint64_t selected = 0;
  std::vector<std::int64_t> assigned; ///< by plan.evaluators
  std::uint64_t unassigned = 0;       ///< over every cap: left for the lead to assign
};

struct SampleReport {
  std::uint64_t population = 0;
  double expected = 0;                   ///< Σ π_i
  std::optional<std::int64_t> planned;   ///< fixed-size designs: Σ planned
  std::optional<std::int64_t> requested; ///< the size the plan asked for before bounds
  std::uint64_t achieved = 0;
  std::vector<StratumReport> strata;
  std::vector<CoverageReport> coverage;
  std::vector<EvaluatorDay> evaluator_days;
  std::vector<std::string> notes; ///< plain-language findings (bounds that bind, short strata)
};

/// The drawn sample: selected contacts in stratum order, then by contact id.
struct Sample {
  std::vector<std::string> strata_by;
  std::vector<SampledContact> contacts;
  SampleReport report;
};

/// Draws the plan's sample from `table` (docs/sampling.md). Deterministic: the same table and
/// plan give the same sample; for hash-based designs also whatever the row order, and a table
/// split into parts that keep each stratum whole gives the union of the parts' samples (for
/// bernoulli, any split). Throws PlanError for a plan the data cannot serve (an unknown
/// dimension, a Neyman or fixed stratum without a value) and std::invalid_argument for a table
/// of the wrong shape.
Sample draw_sample(const ContactTable& table, const SamplePlan& plan);

/// The selected contacts as CSV: contact_id, the strata keys, inclusion_probability,
/// design_weight, size_measure, risk, and day and evaluator when the plan has evaluators.
std::string sample_to_csv(const Sample& sample, const ContactTable& table, const SamplePlan& plan);
/// {"design", "seed", "strata_by", "contacts": [...], "report": {...}}.
std::string sample_to_json(const Sample& sample, const ContactTable& table, const SamplePlan& plan,
                           bool with_report);
/// The report as a text table (strata, coverage, evaluator days, notes).
std::string report_to_text(const Sample& sample, const SamplePlan& plan);
std::string report_to_json(const Sample& sample, const SamplePlan& plan);
/// One row per stratum: keys, population, expected, planned, minimum, below_minimum, achieved,
/// effective_size, margin_of_error.
std::string report_to_csv(const Sample& sample, const SamplePlan& plan);

} // namespace kpiscore::sampling

#endif
