#ifndef KPISCORE_STATS_HPP
#define KPISCORE_STATS_HPP

// Inference on KPIs and QA samples: distributions, sample sizes, confidence intervals, tests,
// control charts, design-weighted estimates, bootstrap and trends. See docs/statistics.md.
// (normal.hpp, sample_size.hpp and nps.hpp are header-only; the rest needs the compiled library.)

#include "kpiscore/stats/bootstrap.hpp"
#include "kpiscore/stats/control_chart.hpp"
#include "kpiscore/stats/distributions.hpp"
#include "kpiscore/stats/interval.hpp"
#include "kpiscore/stats/mean.hpp"
#include "kpiscore/stats/normal.hpp"
#include "kpiscore/stats/nps.hpp"
#include "kpiscore/stats/proportion.hpp"
#include "kpiscore/stats/sample_size.hpp"
#include "kpiscore/stats/survey.hpp"
#include "kpiscore/stats/trend.hpp"

#endif // KPISCORE_STATS_HPP
