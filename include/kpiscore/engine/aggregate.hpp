#ifndef KPISCORE_ENGINE_AGGREGATE_HPP
#define KPISCORE_ENGINE_AGGREGATE_HPP

#include <kpiscore/engine/grouped_kpi_state.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <span>
#include <string>

namespace kpiscore {

/// Aggregates every contact KPI of `table` per group of `by` (dimensions and time keys, see
/// grouping.hpp) under `options`. Rows are split into contiguous chunks, one per thread
/// (`options.threads`, 0 = all cores); each thread fills its own state and the states are
/// summed, so the result is bit-identical for any thread count.
GroupedKpiState aggregate(const ContactTable& table, std::span<const std::string> by,
                          const KpiOptions& options);

/// The same over a prebuilt group index (to aggregate one table under several option sets).
GroupedKpiState aggregate(const ContactTable& table, const GroupIndex& index,
                          const KpiOptions& options);

} // namespace kpiscore

#endif
