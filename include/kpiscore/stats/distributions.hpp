#ifndef KPISCORE_STATS_DISTRIBUTIONS_HPP
#define KPISCORE_STATS_DISTRIBUTIONS_HPP

// Student t, beta and chi-square distribution functions needed by the intervals and tests.
// Compiled in src/stats_distributions.cpp with Boost.Math (the same code SciPy's beta and t
// quantiles use since SciPy 1.9/1.15), so installed consumers need no Boost headers.
// The normal distribution is header-only: normal.hpp.
//
// Arguments outside the domain (p outside [0, 1], non-positive degrees of freedom or shape)
// throw std::invalid_argument naming the function and the argument.

namespace kpiscore::stats {

/// P(T <= t) for Student's t with df > 0 degrees of freedom (df may be fractional).
double student_t_cdf(double t, double df);
/// P(T > t), computed without cancellation.
double student_t_sf(double t, double df);
/// The p-quantile of Student's t; p = 0 and 1 give -inf and +inf.
double student_t_quantile(double p, double df);

/// The p-quantile of Beta(a, b), a > 0, b > 0 (the inverse regularized incomplete beta).
double beta_quantile(double p, double a, double b);
/// The upper q-quantile of Beta(a, b): x with P(X > x) = q (scipy.stats.beta.isf).
double beta_isf(double q, double a, double b);

/// P(X > x) for a chi-square with df > 0 degrees of freedom; x <= 0 gives 1.
double chi_squared_sf(double x, double df);
/// The p-quantile of a chi-square with df > 0 degrees of freedom.
double chi_squared_quantile(double p, double df);

} // namespace kpiscore::stats

#endif // KPISCORE_STATS_DISTRIBUTIONS_HPP
