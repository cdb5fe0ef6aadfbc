#ifndef KPISCORE_STATS_BOOTSTRAP_HPP
#define KPISCORE_STATS_BOOTSTRAP_HPP

// Bootstrap confidence intervals for any statistic of n units, e.g. a composite score computed
// from a sample of evaluated contacts: percentile and BCa.
//
// The resamples are an explicit B x n matrix of unit indices, so a result is exact and
// reproducible: tests pass a fixed matrix; bootstrap_indices draws one from a seed with a
// generator whose output is the same on every platform (SplitMix64, G. L. Steele, D. Lea,
// C. H. Flood (2014), "Fast splittable pseudorandom number generators", OOPSLA, with Lemire's
// unbiased bounded integers, D. Lemire (2019), "Fast random integer generation in an interval",
// ACM TOMACS 29(1)). std::uniform_int_distribution is not used: its output differs between
// standard libraries.
//
// - percentile: the alpha/2 and 1 - alpha/2 quantiles of the B replicates (B. Efron,
//   R. J. Tibshirani (1993), An Introduction to the Bootstrap, Chapman & Hall, ch. 13).
// - BCa: B. Efron (1987), "Better bootstrap confidence intervals", JASA 82(397), 171-185;
//   Efron & Tibshirani (1993) ch. 14.3 and eq. 14.15:
//     z0 = Phi^-1(share of replicates below theta_hat, ties counted half),
//     a  = sum U_i^3 / (6 (sum U_i^2)^{3/2}), U_i = theta_(.) - theta_(i) from the n jackknife
//          (leave-one-out) values theta_(i) and their mean theta_(.),
//     alpha_1 = Phi(z0 + (z0 + z_{a}) / (1 - a (z0 + z_{a}))) with z_a = Phi^-1(alpha/2), and
//     alpha_2 likewise with Phi^-1(1 - alpha/2); the interval is the alpha_1 and alpha_2
//     quantiles of the replicates.
// Quantiles interpolate linearly between order statistics (Hyndman & Fan type 7, NumPy's and
// SciPy's default), and z0 counts ties as SciPy's scipy.stats.bootstrap does, so results match
// SciPy given the same replicates. Degenerate cases (every replicate on one side of theta_hat,
// or all jackknife values equal) give NaN bounds, where SciPy warns and returns NaN.

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "kpiscore/stats/interval.hpp"

namespace kpiscore::stats {

enum class BootstrapMethod { percentile, bca };

/// "percentile" or "bca" (SciPy's names); otherwise std::invalid_argument.
BootstrapMethod parse_bootstrap_method(std::string_view s);

/// The statistic of a (re)sample given as the indices of its units, 0 <= index < n, repeats
/// allowed.
using BootstrapStatistic = std::function<double(std::span<const std::int64_t>)>;

struct BootstrapResult {
  double estimate = 0;            ///< the statistic on the original sample (indices 0..n-1)
  Interval interval;              ///< NaN bounds in the degenerate cases of the header comment
  double bias_correction = 0;     ///< z0 (BCa only; 0 for percentile)
  double acceleration = 0;        ///< a (BCa only; 0 for percentile)
  std::vector<double> replicates; ///< the statistic on each resample, in row order
};

/// B x n row-major resample indices from a seed: row b holds n indices drawn uniformly with
/// replacement from [0, n). The same (n, resamples, seed) gives the same matrix everywhere.
std::vector<std::int64_t> bootstrap_indices(std::int64_t n, std::int64_t resamples,
                                            std::uint64_t seed);

/// Bootstrap interval of statistic over n units at confidence 1 - alpha, from the resamples in
/// `indices` (row-major, indices.size() a positive multiple of n, every index in [0, n)).
/// BCa needs n >= 2 (for the jackknife). Bad arguments throw std::invalid_argument.
BootstrapResult bootstrap_confint(std::int64_t n, const BootstrapStatistic& statistic,
                                  std::span<const std::int64_t> indices, double alpha = 0.05,
                                  BootstrapMethod method = BootstrapMethod::bca);

/// The p-quantile of values by linear interpolation between order statistics (type 7); values
/// need not be sorted. NaN p gives NaN.
double quantile_linear(std::span<const double> values, double p);

} // namespace kpiscore::stats

#endif // KPISCORE_STATS_BOOTSTRAP_HPP
