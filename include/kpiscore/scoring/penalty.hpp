#ifndef KPISCORE_SCORING_PENALTY_HPP
#define KPISCORE_SCORING_PENALTY_HPP

#include <kpiscore/scoring/condition.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace kpiscore::scoring {

/// A penalty (or bonus) rule applied to a node of the scorecard after the node is scored:
///   {"name": "complaints", "level": "overall",                  (or "dimension" / "indicator"
///    "when": {...},                                              with "target": NAME)
///    "deduct": {"points": 5, "per": "complaints", "beyond": 2, "cap": 20}}
///   "veto":  {"score": 0}  or  {"max_grade": "C"}    (max_grade at the overall level only)
///   "bonus": {"points": 2, ...same keys as deduct}
/// With `per`, the points apply per occurrence of that KPI beyond `beyond` (default 0);
/// without it, once. `cap` bounds the points of one application. Indicator penalties apply
/// right after the indicator is scored, dimension penalties after the dimension is aggregated
/// (so before its parent uses it), overall ones last; rules at the same node apply in the order
/// written. After each application the score is clamped to [0, 100]. A rule whose condition is
/// not `yes`, or whose node is N/A for the group, does not apply.
struct Penalty {
  enum class Effect : std::uint8_t { deduct, bonus, veto };
  enum class Level : std::uint8_t { indicator, dimension, overall };
  std::string name;
  Level level = Level::overall;
  std::uint32_t node = 0; ///< node index in the scorecard (0 = overall)
  std::optional<Condition> when;
  Effect effect = Effect::deduct;
  double points = 0;
  std::optional<std::uint32_t> per_slot; ///< KPI slot counted per occurrence
  double beyond = 0;
  std::optional<double> cap;
  std::optional<double> veto_score;        ///< veto: the score is capped at this (0 = forced to 0)
  std::optional<std::uint32_t> max_grade;  ///< veto: grade index no better than this

  bool operator==(const Penalty&) const = default;
};

std::string_view name_of(Penalty::Level l) noexcept;

} // namespace kpiscore::scoring

#endif
