#ifndef KPISCORE_SAMPLING_SAMPLE_PLAN_HPP
#define KPISCORE_SAMPLING_SAMPLE_PLAN_HPP

#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/sampling/plan_error.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kpiscore::sampling {

/// How contacts are drawn (docs/sampling.md, "Designs").
enum class Design : std::uint8_t {
  bernoulli,          ///< each contact independently with the plan's rate; hash-based
  poisson,            ///< each contact independently with its own π (size measure); hash-based
  pareto,             ///< fixed size per stratum, Pareto order sampling (Rosén 1997); hash-based
  sequential_poisson, ///< fixed size per stratum, sequential Poisson (Ohlsson 1998); hash-based
  systematic,         ///< fixed size, systematic with a random start; ORDER-DEPENDENT
  reservoir,          ///< fixed count per stratum, Algorithm L (Li 1994); ORDER-DEPENDENT
};
std::string_view design_name(Design d) noexcept;
/// Whether a contact's selection depends only on its id, the seed and its stratum (not on the
/// position of its row).
constexpr bool is_hash_based(Design d) noexcept {
  return d != Design::systematic && d != Design::reservoir;
}

/// How a total sample size is shared among strata (Cochran 1977, §5.5 and §5.9).
enum class Allocation : std::uint8_t {
  proportional, ///< n_h ∝ N_h
  equal,        ///< n_h ∝ 1
  neyman,       ///< n_h ∝ N_h S_h, S_h from the plan
  fixed,        ///< n_h given by the plan
};
std::string_view allocation_name(Allocation a) noexcept;

/// A value per stratum given by a partial key: `key` names some of the strata dimensions; a
/// stratum takes the first entry whose key values all equal its own, else `fallback`.
struct StratumValues {
  struct Entry {
    std::vector<std::pair<std::string, std::string>> key;
    double value = 0;
  };
  std::vector<Entry> entries;
  std::optional<double> fallback; ///< the plan's "default"
};

/// One risk condition on a contact field (docs/sampling.md, "Risk weights").
struct RiskCondition {
  enum class Op : std::uint8_t { eq, ne, lt, le, gt, ge, in };
  /// Numeric fields: csat, nps, complaint, resolved_first_contact, converted, answered, inbound
  /// (0/1), wait_s, talk_s, hold_s, acw_s, handle_s (talk + hold + acw). Any other name is a
  /// dimension compared as text (== != in).
  std::string field;
  Op op = Op::eq;
  double number = 0;                ///< numeric fields
  std::vector<std::string> strings; ///< dimension fields: one value for == / !=, several for in
  bool numeric = true;
};

/// A risk rule: contacts meeting every condition get the size measure `weight` (the largest
/// weight of the rules a contact meets; 1 when it meets none).
struct RiskRule {
  std::string name;
  std::vector<RiskCondition> all;
  double weight = 1;
};

/// An evaluator's daily quota: a share of each day's sample and an optional cap per day.
struct Evaluator {
  std::string name;
  double share = 0;
  std::optional<std::int64_t> cap_per_day;
};

/// A validated sampling plan (docs/sampling.md, "Plan reference"). Immutable once parsed.
struct SamplePlan {
  Design design = Design::pareto;
  std::uint64_t seed = 0;
  std::optional<double> rate;       ///< share of contacts (expected share for bernoulli/poisson)
  std::optional<std::int64_t> size; ///< total sample size

  std::vector<std::string> strata_by; ///< empty: one stratum of all contacts
  Allocation allocation = Allocation::proportional;
  StratumValues sd;     ///< neyman
  StratumValues counts; ///< fixed
  std::int64_t min_per_stratum = 0;
  std::int64_t max_per_stratum = std::numeric_limits<std::int64_t>::max();
  bool has_max = false;

  std::vector<RiskRule> risk;
  std::vector<Evaluator> evaluators;

  std::vector<std::string> coverage{"agent_id", "peak"}; ///< report: dimensions to cover
  double alpha = 0.05; ///< report: margin of error at confidence 1 - alpha
  double p = 0.5;      ///< report: the proportion the margin of error assumes (0.5: widest)

  KpiOptions options; ///< timezone and peak hours of the time keys; threads

  /// Parses and validates a plan document; every error is a PlanError with the JSON path.
  static SamplePlan from_json(const nlohmann::json& doc);
  static SamplePlan from_json_text(std::string_view text);
  /// The normalized plan, every setting explicit.
  nlohmann::json to_json() const;
};

} // namespace kpiscore::sampling

#endif
