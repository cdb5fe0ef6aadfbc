#ifndef KPISCORE_ENGINE_KPI_TABLE_HPP
#define KPISCORE_ENGINE_KPI_TABLE_HPP

#include <kpiscore/engine/grouped_kpi_state.hpp>
#include <kpiscore/metrics/contact_kpis.hpp>
#include <kpiscore/stats/interval.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kpiscore {

/// Finalized KPIs: one row per group (in the state's sorted key order), one KpiValue per KPI.
struct KpiTable {
  std::vector<std::string> key_names;
  std::vector<std::vector<std::optional<std::string>>> keys; ///< [group][key part]
  std::vector<KpiDefinition> kpis;
  std::vector<std::vector<KpiValue>> values; ///< [group][kpi]
  /// Confidence intervals [group][kpi], filled by add_intervals() (engine/kpi_intervals.hpp);
  /// empty unless asked for. Then every KPI of an interval kind (kpi_has_interval) has an entry
  /// per group, nullopt where no interval is defined; other KPIs are always nullopt.
  std::vector<std::vector<std::optional<stats::Interval>>> intervals;

  std::size_t size() const noexcept { return keys.size(); }
  /// Column index of a KPI by name; throws std::out_of_range when absent.
  std::size_t kpi_index(std::string_view name) const;
};

KpiTable finalize(const GroupedKpiState& state);

} // namespace kpiscore

#endif
