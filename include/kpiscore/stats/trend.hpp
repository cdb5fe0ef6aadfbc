#ifndef KPISCORE_STATS_TREND_HPP
#define KPISCORE_STATS_TREND_HPP

// Vertical analysis of a KPI over consecutive periods (months, weeks):
//  - persistent shortfalls: N consecutive periods on the wrong side of the target (the QA manuals'
//    "below target for 2 consecutive months is a persistent problem, not noise");
//  - the least-squares slope over the last k periods with its t interval (ordinary least
//    squares, simple regression: slope = Sxy / Sxx, SE = sqrt(SSE / (k - 2) / Sxx), interval
//    slope -/+ t_{1-alpha/2, k-2} SE; e.g. N. R. Draper, H. Smith (1998), Applied Regression
//    Analysis, 3rd ed., Wiley, sec. 1.4). Sums are centred (two passes), which is as accurate as
//    a QR fit for one regressor and needs no matrix library.

#include <cstddef>
#include <span>
#include <vector>

#include "kpiscore/stats/interval.hpp"

namespace kpiscore::stats {

/// Which side of the target is a shortfall.
enum class TargetDirection {
  at_least, ///< higher is better (FCR, CSAT): a period is short when value < target
  at_most,  ///< lower is better (AHT, ASA, complaint rate): a period is short when value > target
};

struct ShortfallRuns {
  std::vector<std::size_t> run_length; ///< shortfall periods in a row ending at each period
  std::vector<bool> persistent;        ///< the period belongs to a run of at least N periods
  bool persistent_now = false;         ///< the last period ends a run of at least N periods
};

/// Runs of periods on the wrong side of the target. A period exactly at the target meets it; a
/// NaN value (a period without data) is not a shortfall and breaks a run, since nothing shows
/// the shortfall continued. periods >= 1 and a finite target, otherwise std::invalid_argument.
ShortfallRuns consecutive_shortfalls(std::span<const double> values, double target,
                                     std::size_t periods,
                                     TargetDirection direction = TargetDirection::at_least);

struct TrendSlope {
  double slope = 0;     ///< change per unit of x (per period with the default x)
  double intercept = 0; ///< fitted value at x = 0
  double std_error = 0; ///< NaN for k = 2 (no residual degree of freedom)
  double dof = 0;       ///< k - 2
  Interval interval;    ///< t interval of the slope; NaN bounds for k = 2
};

/// Least-squares slope of the last k values against x (the last k entries of x; by default the
/// period numbers 0, 1, ..., so the slope is per period). 2 <= k <= values.size(), finite values
/// and x, x not all equal, alpha in (0, 1); otherwise std::invalid_argument.
TrendSlope trend_slope(std::span<const double> values, std::size_t k, double alpha = 0.05,
                       std::span<const double> x = {});

} // namespace kpiscore::stats

#endif // KPISCORE_STATS_TREND_HPP
