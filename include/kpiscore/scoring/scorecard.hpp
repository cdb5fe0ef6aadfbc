#ifndef KPISCORE_SCORING_SCORECARD_HPP
#define KPISCORE_SCORING_SCORECARD_HPP

#include <kpiscore/scoring/decision.hpp>
#include <kpiscore/scoring/indicator_rule.hpp>
#include <kpiscore/scoring/penalty.hpp>
#include <kpiscore/scoring/spec_error.hpp>
#include <kpiscore/scoring/target.hpp>
#include <kpiscore/scoring/units.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::scoring {

/// What to do with a node that has no score (N/A): drop it and renormalize the weights of the
/// level (default), or score it as a configured value.
struct NaHandling {
  enum class Policy : std::uint8_t { renormalize, score };
  Policy policy = Policy::renormalize;
  double score = 0;
  bool operator==(const NaHandling&) const = default;
};

/// Why an indicator is N/A for a group.
enum class NaReason : std::uint8_t {
  none,
  null_value,           ///< the KPI is null (its denominator is zero)
  too_few_observations, ///< fewer observations (the KPI's denominator) than min_observations
  no_target,            ///< the rule needs a target and no target entry is in force
  missing_kpi,          ///< the input table has no such KPI column
};
std::string_view name_of(NaReason r) noexcept;

struct Indicator {
  std::string name;
  std::string kpi;
  std::uint32_t kpi_slot = 0;
  Unit unit = Unit::number;
  Direction direction = Direction::higher_is_better;
  std::optional<Target> target;
  IndicatorRule rule;
  double min_observations = 0;
  NaHandling na;
  bool operator==(const Indicator&) const = default;
};

/// A node of the scorecard tree. Node 0 is the overall score; dimensions hold dimensions
/// and/or indicators; an indicator node is a leaf pointing into indicators().
struct Node {
  std::string name;
  std::optional<std::uint32_t> indicator; ///< set for leaves
  std::vector<std::uint32_t> children;
  std::vector<double> weights; ///< per child, summing to 1 (declared, normalized, or equal)
  std::optional<std::uint32_t> parent;
  NaHandling na;
  bool operator==(const Node&) const = default;
};

/// A grade band: scores >= min (unrounded) get this grade; grades are ordered best first and
/// the last may have no minimum. `bonus` is the share of the performance bonus it pays.
struct Grade {
  std::string name;
  double min = 0;
  bool has_min = true;
  std::optional<double> bonus;
  bool operator==(const Grade&) const = default;
};

/// A KPI the spec may use, with its unit: the engine's contact KPIs plus the spec's `inputs`
/// (extra indicator tables: QA aggregates, attendance, cost).
struct KpiInput {
  std::string name;
  Unit unit;
  bool operator==(const KpiInput&) const = default;
};
/// The engine's contact KPIs (with quantiles), as KpiInputs.
std::vector<KpiInput> contact_kpi_inputs();
/// The QA aggregates (qa_aggregates.hpp), as KpiInputs: a spec may use them without declaring
/// them under "inputs"; the scored table has them once evaluations are joined into it.
std::vector<KpiInput> qa_kpi_inputs();

/// A compiled scorecard: parsed and validated once, immutable, cheap to copy (shared) and safe
/// to use from several threads. docs/scoring.md documents the spec format.
class Scorecard {
public:
  /// Compiles a spec document; the first error is thrown as SpecError.
  static Scorecard compile(const nlohmann::json& spec);
  static Scorecard compile_text(std::string_view text);
  /// Every error of a spec (empty when it compiles). A malformed item is reported once and
  /// skipped, so one mistake does not hide the next.
  static std::vector<SpecError> check(const nlohmann::json& spec);
  static std::vector<SpecError> check_text(std::string_view text);

  const std::string& name() const noexcept;
  /// 64-bit FNV-1a of the spec in canonical form (keys sorted, no spaces), 16 hex digits.
  const std::string& fingerprint() const noexcept;
  const std::vector<Node>& nodes() const noexcept;
  const std::vector<Indicator>& indicators() const noexcept;
  const std::vector<Grade>& grades() const noexcept;
  /// The grade and bonus table (`"grade_table"`), or null: outputs `grade` (a grade name)
  /// and/or `bonus` (a ratio); inputs `score`, `dimension.NAME`, KPIs and group keys.
  const BoundTable* grade_table() const noexcept;
  const std::vector<Penalty>& penalties() const noexcept;
  /// KPI slots: every KPI an indicator, condition or penalty reads.
  const std::vector<KpiInput>& kpis() const noexcept;
  /// Key slots: every group key a condition reads.
  const std::vector<std::string>& keys() const noexcept;
  /// Node index of an indicator or dimension by name; nullopt when absent.
  std::optional<std::uint32_t> find_node(std::string_view name) const noexcept;
  /// Nodes in evaluation order (children before parents; the root last).
  const std::vector<std::uint32_t>& post_order() const noexcept;
  /// Display rounding for reports (-1: none). Scores themselves are never rounded.
  int decimals() const noexcept;

  struct Data;

private:
  std::shared_ptr<const Data> data_;
  explicit Scorecard(std::shared_ptr<const Data> d) : data_(std::move(d)) {}
};

/// The grade index of an unrounded score (-1 when the score is N/A or below every band).
int grade_of(const std::vector<Grade>& grades, double score) noexcept;
/// The grade of node scores (node 0 the overall) under the scorecard: by its grade table when
/// that decides the grade (KPI and key inputs are then null; `rule` receives the matched rule),
/// else by the grades' minimums. Roll-ups regrade with it.
int grade_by_table(const Scorecard& card, std::span<const double> node_scores, std::int32_t* rule = nullptr);

} // namespace kpiscore::scoring

#endif
