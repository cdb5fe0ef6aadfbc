#ifndef KPISCORE_SCORING_DECISION_HPP
#define KPISCORE_SCORING_DECISION_HPP

#include <kpiscore/dsl/decision_table.hpp>

#include <cstdint>
#include <vector>

namespace kpiscore::scoring {

/// Where an input column of a scorecard's decision table reads its value for a group: a node
/// score (`score` is the overall node 0, `dimension.NAME` / `indicator.NAME` others), a KPI
/// slot, or a group-key slot of the scorecard.
struct TableInputRef {
  enum class Kind : std::uint8_t { node, kpi, key };
  Kind kind = Kind::kpi;
  std::uint32_t index = 0;
  bool operator==(const TableInputRef&) const = default;
};

/// A decision table (dsl::DecisionTable) bound to a scorecard: a grade and bonus table
/// (outputs `grade`, `bonus`) or an indicator's target table (output `target`).
struct BoundTable {
  dsl::DecisionTable table;
  std::vector<TableInputRef> inputs;
  bool operator==(const BoundTable&) const = default;
};

} // namespace kpiscore::scoring

#endif
