// t intervals for means (include/kpiscore/stats/mean.hpp), following
// statsmodels/stats/weightstats.py (DescrStatsW.std_mean, _tconfint_generic) step by step.

#include "kpiscore/stats/mean.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "kpiscore/stats/detail/validate.hpp"
#include "kpiscore/stats/distributions.hpp"

namespace kpiscore::stats {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

// _tconfint_generic: the bounds from mean, std_mean and dof; no degree of freedom -> NaN.
Interval t_interval(double mean, double std_mean, double dof, double alpha, Alternative alt) {
  if (!(dof > 0) || std::isnan(std_mean)) {
    switch (alt) {
    case Alternative::two_sided:
      return {nan, nan};
    case Alternative::larger:
      return {nan, inf};
    case Alternative::smaller:
      return {-inf, nan};
    }
  }
  switch (alt) {
  case Alternative::larger: {
    const double tcrit = student_t_quantile(alpha, dof);
    return {mean + tcrit * std_mean, inf};
  }
  case Alternative::smaller: {
    const double tcrit = student_t_quantile(1 - alpha, dof);
    return {-inf, mean + tcrit * std_mean};
  }
  case Alternative::two_sided:
    break;
  }
  const double tcrit = student_t_quantile(1 - alpha / 2.0, dof);
  return {mean - tcrit * std_mean, mean + tcrit * std_mean};
}

} // namespace

MeanConfint mean_confint(std::span<const double> values, double alpha,
                         std::span<const double> weights, Alternative alternative) {
  constexpr const char* fn = "mean_confint";
  detail::check_alpha(fn, alpha);
  if (values.empty()) detail::fail(fn, "values must not be empty");
  if (!weights.empty() && weights.size() != values.size())
    detail::fail(fn, "weights must have one entry per value (" + std::to_string(values.size()) +
                         "), got " + std::to_string(weights.size()));
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      detail::fail(fn, "values[" + std::to_string(i) + "] must be finite, got " +
                           detail::num(values[i]));
  double sum_w = 0, sum_wx = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    if (!(w >= 0.0) || !std::isfinite(w))
      detail::fail(fn, "weights[" + std::to_string(i) + "] must be non-negative and finite, got " +
                           detail::num(w));
    sum_w += w;
    sum_wx += values[i] * w;
  }
  if (!(sum_w > 0)) detail::fail(fn, "weights must have a positive sum");
  MeanConfint r;
  r.mean = sum_wx / sum_w;
  double ss = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double d = values[i] - r.mean;
    ss += d * d * (weights.empty() ? 1.0 : weights[i]);
  }
  r.dof = sum_w - 1;
  r.std_mean = r.dof > 0 ? std::sqrt(ss / sum_w) / std::sqrt(r.dof) : nan;
  r.interval = t_interval(r.mean, r.std_mean, r.dof, alpha, alternative);
  return r;
}

MeanConfint mean_confint_from_sums(std::int64_t n, std::int64_t sum, int128_t sum_sq, double alpha,
                                   double scale) {
  constexpr const char* fn = "mean_confint_from_sums";
  detail::check_alpha(fn, alpha);
  if (n < 1) detail::fail(fn, "n must be at least 1, got " + detail::num(n));
  if (!std::isfinite(scale) || scale == 0)
    detail::fail(fn, "scale must be finite and non-zero, got " + detail::num(scale));
  const double dn = static_cast<double>(n);
  MeanConfint r;
  r.mean = static_cast<double>(sum) / dn * scale;
  r.dof = dn - 1;
  // D = n sum_sq - sum^2 = n SS >= 0 (Cauchy-Schwarz), exact while n sum_sq fits in 128 bits
  // (always for contact data: 10^9 hour-long calls give 1.3e34 < 1.7e38); otherwise long double.
  const int128_t sum2 = int128_t{sum} * sum;
  int128_t n_sumsq = 0;
  double big_d = 0;
  if (!__builtin_mul_overflow(int128_t{n}, sum_sq, &n_sumsq)) {
    const int128_t d = n_sumsq - sum2;
    if (d < 0) detail::fail(fn, "sum_sq is smaller than sum^2 / n: not the moments of real data");
    big_d = static_cast<double>(d);
  } else {
    const long double d = static_cast<long double>(n) * static_cast<long double>(sum_sq) -
                          static_cast<long double>(sum2);
    big_d = static_cast<double>(d < 0 ? 0 : d);
  }
  // statsmodels: std_mean = sqrt(SS / n) / sqrt(n - 1) with SS = D / n.
  r.std_mean = n > 1 ? std::sqrt(big_d) / dn / std::sqrt(r.dof) * std::fabs(scale) : nan;
  r.interval = t_interval(r.mean, r.std_mean, r.dof, alpha, Alternative::two_sided);
  return r;
}

} // namespace kpiscore::stats
