#ifndef KPISCORE_ENGINE_HPP
#define KPISCORE_ENGINE_HPP

#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/custom_accumulators.hpp>
#include <kpiscore/engine/grouped_kpi_state.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/engine/kpi_intervals.hpp>
#include <kpiscore/engine/kpi_table.hpp>

#endif
