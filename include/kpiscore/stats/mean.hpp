#ifndef KPISCORE_STATS_MEAN_HPP
#define KPISCORE_STATS_MEAN_HPP

// The t confidence interval for a mean (AHT, ASA, QA scores), as
// statsmodels.stats.weightstats.DescrStatsW(values, weights).tconfint_mean(alpha, alternative)
// computes it (0.15): weights are frequency weights, W = sum of weights,
//
//     mean = sum w x / W,   SS = sum w (x - mean)^2,
//     std_mean = sqrt(SS / W) / sqrt(W - 1),   dof = W - 1,
//     two-sided: mean -/+ t_{1-alpha/2, dof} std_mean.
//
// A total weight of 1 or less leaves no degree of freedom: std_mean and the bounds are NaN, as in
// statsmodels (there is no interval, which the KPI table shows as a missing bound).
// Source: W. S. Gosset ("Student") (1908), "The probable error of a mean", Biometrika 6, 1-25.

#include <cstdint>
#include <span>

#include "kpiscore/detail/int128.hpp"
#include "kpiscore/stats/interval.hpp"

namespace kpiscore::stats {

/// A mean with its standard error, degrees of freedom and t interval.
struct MeanConfint {
  double mean = 0;
  double std_mean = 0; ///< standard error of the mean
  double dof = 0;      ///< W - 1
  Interval interval;   ///< one-sided intervals have an infinite bound (statsmodels' convention)
  bool operator==(const MeanConfint&) const = default;
};

/// t interval for the (weighted) mean of values at confidence 1 - alpha. weights empty means
/// unweighted; otherwise one finite non-negative weight per value with a positive sum. values
/// must be non-empty and finite; otherwise std::invalid_argument.
MeanConfint mean_confint(std::span<const double> values, double alpha = 0.05,
                         std::span<const double> weights = {},
                         Alternative alternative = Alternative::two_sided);

/// The same interval from exact integer moments of n unweighted observations: their sum and
/// their sum of squares (as the KPI states keep them, e.g. milliseconds and milliseconds^2).
/// SS = (n sum_sq - sum^2) / n is formed exactly in 128-bit integers, so no precision is lost
/// to cancellation. scale multiplies the mean, its standard error and the bounds (1e-3 turns
/// milliseconds into seconds). n >= 1 and sum_sq >= sum^2 / n, otherwise std::invalid_argument;
/// n = 1 gives NaN std_mean and bounds.
MeanConfint mean_confint_from_sums(std::int64_t n, std::int64_t sum, int128_t sum_sq,
                                   double alpha = 0.05, double scale = 1.0);

} // namespace kpiscore::stats

#endif // KPISCORE_STATS_MEAN_HPP
