#ifndef KPISCORE_DSL_CUSTOM_KPI_HPP
#define KPISCORE_DSL_CUSTOM_KPI_HPP

#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/program.hpp>
#include <kpiscore/dsl/types.hpp>
#include <kpiscore/engine/custom_accumulators.hpp>
#include <kpiscore/engine/grouped_kpi_state.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/metrics/contact_kpis.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::dsl {

/// One custom KPI of a rules file: `kpi NAME = EXPR [where COND]`.
struct CustomKpi {
  std::string name;
  Type type = Type::number;     ///< integer, number, duration, ratio or points
  KpiKind kind = KpiKind::mean; ///< how KpiTable output shows it (integer → count, …)
  SourceRange range;            ///< the statement's expression
};

/// The custom KPIs of a rules file (docs/rules.md, "Custom KPIs"), compiled once: immutable and
/// safe to share across threads.
///
///     kpi short_calls = count(handle_s < 30s) / handled
///     kpi phone_asa = mean(wait_s) where channel == "phone" and answered
///
/// The arguments of the aggregate functions `count`, `sum`, `mean` and the `where` filter are
/// record expressions, evaluated with the vector engine (Program) over the contact table and
/// accumulated per group into exact integer accumulators (CustomAccumulators), which travel in
/// the GroupedKpiState: they merge with `+=` and serialize with it. The rest of each formula is
/// a group expression (over the built-in KPIs, the group keys and earlier custom KPIs),
/// evaluated by `finalize` on the merged state.
///
///     auto kpis = CustomKpis::compile(text, by, /*extra dimension columns*/ {});
///     GroupIndex idx = build_group_index(table, by, options);
///     GroupedKpiState s = aggregate(table, idx, options);
///     s.set_custom(kpis.accumulate(table, idx));      // … merge states with += …
///     std::vector<Column> cols = kpis.finalize(s);     // one column per kpi, one row per group
class CustomKpis {
public:
  /// Compiles the `let` and `kpi` statements of `source` (a `rule` statement is E0112).
  /// `key_names` are the group keys (names a formula may use outside aggregates), `dimensions`
  /// the extra dimension columns of the contact table (record fields). Throws CompileError.
  static CustomKpis compile(std::string_view source, const std::vector<std::string>& key_names,
                            const std::vector<std::string>& dimensions = {},
                            const CompileOptions& options = {});
  /// Every diagnostic (empty when the file compiles).
  static std::vector<Diagnostic> check(std::string_view source,
                                       const std::vector<std::string>& key_names,
                                       const std::vector<std::string>& dimensions = {},
                                       const CompileOptions& options = {});
  /// Recompiles the program a state was aggregated with (its text is stored in the state).
  /// std::invalid_argument when the state has no custom KPIs.
  static CustomKpis from_state(const GroupedKpiState& state);

  /// 64-bit FNV-1a of "kpiscore custom kpis 1\n" followed by the rules text: any edit of the
  /// text, even of a comment, gives another fingerprint, and states of different fingerprints
  /// refuse to merge.
  std::uint64_t fingerprint() const noexcept;
  const std::string& source() const noexcept;
  const std::vector<CustomKpi>& kpis() const noexcept;
  /// Number of aggregate function calls (accumulators) over all KPIs.
  std::size_t aggregate_count() const noexcept;
  /// The record program that computes the aggregate arguments and `where` filters.
  const Program& record_program() const noexcept;

  /// Accumulates every aggregate over the rows of `table` into the groups of `index` (built from
  /// the same table). Throws BudgetExceeded / Cancelled, and std::domain_error for a value
  /// beyond ±1e18 (outside the exact fixed-point range).
  CustomAccumulators accumulate(const ContactTable& table, const GroupIndex& index,
                                const EvalOptions& options = {}) const;

  /// The custom KPI columns (one per kpi, in file order) of the groups of `state`, whose
  /// accumulators must come from this program (std::invalid_argument otherwise: the
  /// fingerprints are compared).
  std::vector<Column> finalize(const GroupedKpiState& state) const;
  /// The same with the state's finalized built-in KPIs already at hand.
  std::vector<Column> finalize(const GroupedKpiState& state, const KpiTable& builtin) const;
  /// Appends the custom KPI columns to `table` (finalized from `state`, same groups in the same
  /// order). The table's KPI names refer to this object, which must outlive the table's use.
  void add_columns(KpiTable& table, const GroupedKpiState& state) const;

  struct Impl;

private:
  explicit CustomKpis(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

} // namespace kpiscore::dsl

#endif
