// Student t, beta and chi-square functions on Boost.Math
// (include/kpiscore/stats/distributions.hpp). Arguments are checked here so that Boost's own error
// policy is never reached with a domain error; its default overflow policy cannot trigger for
// quantiles of p in (0, 1).

#include "kpiscore/stats/distributions.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "kpiscore/stats/detail/validate.hpp"

namespace kpiscore::stats {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

void check_positive(const char* fn, const char* name, double v) {
  if (!(v > 0.0) || !std::isfinite(v))
    detail::fail(fn, std::string(name) + " must be positive and finite, got " + detail::num(v));
}

void check_not_nan(const char* fn, const char* name, double v) {
  if (std::isnan(v)) detail::fail(fn, std::string(name) + " must not be NaN");
}

} // namespace

double student_t_cdf(double t, double df) {
  check_not_nan("student_t_cdf", "t", t);
  check_positive("student_t_cdf", "df", df);
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  return boost::math::cdf(boost::math::students_t_distribution<double>(df), t);
}

double student_t_sf(double t, double df) {
  check_not_nan("student_t_sf", "t", t);
  check_positive("student_t_sf", "df", df);
  if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
  return boost::math::cdf(
      boost::math::complement(boost::math::students_t_distribution<double>(df), t));
}

double student_t_quantile(double p, double df) {
  detail::check_probability("student_t_quantile", "p", p);
  check_positive("student_t_quantile", "df", df);
  if (p == 0.0) return -inf;
  if (p == 1.0) return inf;
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

double beta_quantile(double p, double a, double b) {
  detail::check_probability("beta_quantile", "p", p);
  check_positive("beta_quantile", "a", a);
  check_positive("beta_quantile", "b", b);
  return boost::math::quantile(boost::math::beta_distribution<double>(a, b), p);
}

double beta_isf(double q, double a, double b) {
  detail::check_probability("beta_isf", "q", q);
  check_positive("beta_isf", "a", a);
  check_positive("beta_isf", "b", b);
  return boost::math::quantile(
      boost::math::complement(boost::math::beta_distribution<double>(a, b), q));
}

double chi_squared_sf(double x, double df) {
  check_not_nan("chi_squared_sf", "x", x);
  check_positive("chi_squared_sf", "df", df);
  if (x <= 0.0) return 1.0;
  if (std::isinf(x)) return 0.0;
  return boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double>(df), x));
}

double chi_squared_quantile(double p, double df) {
  detail::check_probability("chi_squared_quantile", "p", p);
  check_positive("chi_squared_quantile", "df", df);
  if (p == 1.0) return inf;
  return boost::math::quantile(boost::math::chi_squared_distribution<double>(df), p);
}

} // namespace kpiscore::stats
