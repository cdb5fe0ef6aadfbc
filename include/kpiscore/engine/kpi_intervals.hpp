#ifndef KPISCORE_ENGINE_KPI_INTERVALS_HPP
#define KPISCORE_ENGINE_KPI_INTERVALS_HPP

// Confidence intervals for the finalized KPIs, computed from a grouped state's exact counts, sums
// and 128-bit sums of squares (docs/statistics.md, "KPI intervals"):
//  - ratio KPIs (service_level, abandon_rate, connect_rate, fcr, csat_top_box, complaint_rate,
//    conversion_rate): proportion_confint(numerator, denominator) with the options' method
//    (default wilson) at the options' alpha (default 0.05);
//  - mean KPIs (asa_s, aht_s, avg_talk_s, avg_hold_s, avg_acw_s, csat_mean): the t interval
//    from n, the sum and the sum of squares (mean_confint_from_sums);
//  - nps: the trinomial Wald interval (nps_confint) on the -100..100 scale.
// Counts and quantiles carry none. An interval is nullopt where it is not defined: an empty
// denominator, a mean of one observation, an NPS whose answers all fall in one class.

#include <kpiscore/engine/grouped_kpi_state.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/metrics/kpi_options.hpp>

#include <optional>
#include <vector>

namespace kpiscore {

/// Whether KPIs of this kind carry an interval (ratio, mean, mean_seconds, nps).
bool kpi_has_interval(KpiKind kind) noexcept;

/// The intervals [group][kpi] of finalize(state), in its group and KPI order.
std::vector<std::vector<std::optional<stats::Interval>>>
kpi_intervals(const GroupedKpiState& state, const KpiOptions::Intervals& how);

/// Fills table.intervals from the state it was finalized from (same groups in the same order,
/// same KPIs; otherwise std::invalid_argument), with the state's interval options unless `how`
/// is given.
void add_intervals(KpiTable& table, const GroupedKpiState& state,
                   const std::optional<KpiOptions::Intervals>& how = std::nullopt);

} // namespace kpiscore

#endif
