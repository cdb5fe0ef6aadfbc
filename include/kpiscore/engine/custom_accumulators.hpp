#ifndef KPISCORE_ENGINE_CUSTOM_ACCUMULATORS_HPP
#define KPISCORE_ENGINE_CUSTOM_ACCUMULATORS_HPP

#include <kpiscore/detail/int128.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kpiscore {

/// The per-group accumulators of the custom KPIs of a rules file (docs/rules.md, "Custom KPIs"),
/// carried inside a GroupedKpiState so that they merge, compare and serialize with it
/// (docs/state-format.md, version 2). This is data only: `dsl::CustomKpis` (dsl/custom_kpi.hpp)
/// fills and finalizes it.
///
/// Every aggregate function of the program owns one accumulator `a` with, per dense group id g:
///  - `counts[a][g]`: the rows that contributed (for `count(c)`: where `c` is true; for
///    `sum(x)`, `mean(x)`, `min(x)`, `max(x)`: where `x` is not null), and
///  - `sums[a][g]`: for `ops[a] == sum`, the exact sum of the contributing values in fixed
///    point: integers and booleans as they are, every other numeric type in units of 10⁻⁹
///    (nanoseconds for durations), each value rounded half away from zero once before it is
///    added; for `min` / `max`, the smallest / largest such value (meaningless while the count
///    is 0).
/// All are integers combined by +, min or max, so merging is exact, commutative and
/// associative: any split of the rows merged gives the same bits as one pass.
struct CustomAccumulators {
  enum class Op : std::uint8_t { sum, min, max };

  std::uint64_t fingerprint = 0;       ///< of the rules text (dsl::CustomKpis::fingerprint)
  std::string program;                 ///< the rules text, so a merged state can be finalized
  std::vector<std::string> dimensions; ///< extra record fields the program reads
  std::vector<std::string> names;      ///< one label per accumulator ("short_calls#0")
  std::vector<Op> ops;                 ///< how `sums` combine, one per accumulator
  std::vector<std::vector<std::int64_t>> counts; ///< [accumulator][group]
  std::vector<std::vector<int128_t>> sums;       ///< [accumulator][group]

  /// Empty accumulators of `groups` groups for these names.
  void resize(std::size_t groups);
  std::size_t groups() const noexcept { return counts.empty() ? 0 : counts.front().size(); }
  /// Adds group `g` of `other` into group `target` of this.
  void add(std::size_t target, const CustomAccumulators& other, std::size_t g);
  bool operator==(const CustomAccumulators&) const = default;
};

} // namespace kpiscore

#endif
