#ifndef KPISCORE_STATS_HPP
#define KPISCORE_STATS_HPP

// Inference on KPIs and QA samples: distributions, sample sizes, confidence intervals, tests,
// control charts, design-weighted estimates, bootstrap and trends. See docs/statistics.md.

#include "kpiscore/stats/normal.hpp"
#include "kpiscore/stats/sample_size.hpp"

#endif // KPISCORE_STATS_HPP
