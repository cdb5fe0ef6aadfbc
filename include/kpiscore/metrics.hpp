#ifndef KPISCORE_METRICS_HPP
#define KPISCORE_METRICS_HPP

#include <kpiscore/metrics/contact_counters.hpp>
#include <kpiscore/metrics/contact_kpi_state.hpp>
#include <kpiscore/metrics/contact_kpis.hpp>
#include <kpiscore/metrics/contact_rules.hpp>
#include <kpiscore/metrics/duration_histogram.hpp>
#include <kpiscore/metrics/kpi_options.hpp>

#endif
