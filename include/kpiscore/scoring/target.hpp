#ifndef KPISCORE_SCORING_TARGET_HPP
#define KPISCORE_SCORING_TARGET_HPP

#include <kpiscore/scoring/condition.hpp>
#include <kpiscore/scoring/decision.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kpiscore::scoring {

/// One target value with where and when it applies: a segment condition (`when`, typically on
/// group keys such as channel, category, queue, peak or vendor) and effective dates
/// [from, until) in days since 1970-01-01.
struct TargetEntry {
  double value = 0;
  std::optional<Condition> when;
  std::optional<std::int32_t> from, until;
  bool operator==(const TargetEntry&) const = default;
};

/// The targets of one indicator. The entry in force for a group is chosen among the entries
/// whose `when` holds (`yes`; unknown does not hold) and whose dates contain the group's period
/// date (the first day of its time key; an undated group only sees undated entries):
///   1. the most specific segment (most key comparisons in `when`; no `when` is 0),
///   2. then the latest `from` (no `from` is the oldest),
///   3. then the entry written last.
/// So history is scored by the target in force then, and a segment target beats the default.
struct Target {
  std::vector<TargetEntry> entries;
  /// Or a decision table whose output `target` is the value (`"target": {"table": {...}}`,
  /// e.g. by channel × tenure band); then `entries` is empty.
  std::optional<BoundTable> table;

  /// Index of the entry in force, or -1 when none applies.
  int resolve(const GroupView& g, std::optional<std::int32_t> day) const;
  bool operator==(const Target&) const = default;
};

} // namespace kpiscore::scoring

#endif
