#ifndef KPISCORE_STATS_SAMPLE_SIZE_HPP
#define KPISCORE_STATS_SAMPLE_SIZE_HPP

// How many contacts a QA sample needs to estimate a proportion (a pass rate, a top-box share) to a
// given margin of error, and the margin an achieved sample supports.
//
// Source: W. G. Cochran (1977), Sampling Techniques, 3rd ed., Wiley, sec. 4.4 (eq. 4.2 and the
// finite-population correction of sec. 4.5): with z = z_{1-alpha/2} the two-sided normal critical
// value,
//
//     n0 = z^2 p (1 - p) / e^2                 (infinite population)
//     n  = n0 / (1 + (n0 - 1) / N)             (population of N units, sampled without replacement)
//
// The correction is applied to the UNROUNDED n0 and n is rounded up once, at the end: rounding n0
// first can overstate n by one (e.g. p = 0.5, e = 0.05, N = 1000: n0 = 384.146, n = 277.7 -> 278,
// whereas ceil(n0) = 385 would give 278.06 -> 279).
//
// margin_of_error inverts the same relation for an achieved n:
//
//     e = z sqrt(p (1 - p) / n) * sqrt((N - n) / (N - 1))     (the second factor only with N)
//
// which is the half-width of the Wald interval with the finite-population correction.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "kpiscore/stats/detail/validate.hpp"
#include "kpiscore/stats/normal.hpp"

namespace kpiscore::stats {

/// Cochran's sample size for estimating a proportion p to within +/- margin at confidence
/// 1 - alpha, with the finite-population correction when population is given (see the header
/// comment for the formula). Returns ceil(n), never more than the population.
///
/// - p in [0, 1] is the planning value (0.5 gives the largest, conservative size); p = 0 or 1
///   gives n0 = 0 and hence 0.
/// - margin > 0 (an absolute proportion: 0.05 is five percentage points), alpha in (0, 1),
///   population >= 1.
/// Throws std::invalid_argument for arguments outside these ranges and std::out_of_range when the
/// size without a population does not fit in int64 (a margin of about 1e-9 or less).
inline std::int64_t sample_size_proportion(double p, double margin, double alpha = 0.05,
                                           std::optional<std::int64_t> population = std::nullopt) {
  constexpr const char* fn = "sample_size_proportion";
  detail::check_probability(fn, "p", p);
  if (!(margin > 0.0) || !std::isfinite(margin))
    detail::fail(fn, "margin must be positive and finite, got " + detail::num(margin));
  detail::check_alpha(fn, alpha);
  if (population && *population < 1)
    detail::fail(fn, "population must be at least 1, got " + detail::num(*population));

  const double z = normal_critical_two_sided(alpha, fn);
  const double n0 = z * z * p * (1.0 - p) / (margin * margin);
  if (n0 == 0.0) return 0;
  if (!population) {
    // 2^63 is exactly representable; anything at or above it does not fit.
    if (!(n0 < 9223372036854775808.0))
      throw std::out_of_range(std::string(fn) + ": the sample size " + detail::num(n0) +
                              " does not fit in a 64-bit integer");
    return static_cast<std::int64_t>(std::ceil(n0));
  }
  const auto big_n = static_cast<double>(*population);
  // n0 = inf (margin so small that e^2 underflows) means a census.
  const double n = std::isfinite(n0) ? n0 / (1.0 + (n0 - 1.0) / big_n) : big_n;
  const double up = std::ceil(n);
  // Mathematically n < N whenever n0 is finite; rounding in the last bit must not push past N.
  return up >= big_n ? *population : static_cast<std::int64_t>(up);
}

/// The margin of error (half-width of the Wald interval at confidence 1 - alpha) that a simple
/// random sample of n units supports for a proportion p, with the finite-population correction
/// when population is given (n == population gives 0: a census has no sampling error).
/// p in [0, 1], n >= 1, alpha in (0, 1), population >= n; otherwise std::invalid_argument.
inline double margin_of_error(double p, std::int64_t n, double alpha = 0.05,
                              std::optional<std::int64_t> population = std::nullopt) {
  constexpr const char* fn = "margin_of_error";
  detail::check_probability(fn, "p", p);
  if (n < 1) detail::fail(fn, "n must be at least 1, got " + detail::num(n));
  detail::check_alpha(fn, alpha);
  if (population && *population < n)
    detail::fail(fn, "population must be at least n (" + detail::num(n) + "), got " +
                         detail::num(*population));

  const double z = normal_critical_two_sided(alpha, fn);
  const auto dn = static_cast<double>(n);
  double variance = p * (1.0 - p) / dn;
  if (population) {
    if (*population == n) return 0.0;
    const auto big_n = static_cast<double>(*population);
    variance *= (big_n - dn) / (big_n - 1.0);
  }
  return z * std::sqrt(variance);
}

} // namespace kpiscore::stats

#endif // KPISCORE_STATS_SAMPLE_SIZE_HPP
