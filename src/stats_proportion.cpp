// Binomial proportion intervals and z-tests (include/kpiscore/stats/proportion.hpp). Each branch
// follows statsmodels/stats/proportion.py (0.15) operation by operation, so that results agree
// to the last few bits, not only to the formula.

#include "kpiscore/stats/proportion.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "kpiscore/stats/detail/validate.hpp"
#include "kpiscore/stats/distributions.hpp"
#include "kpiscore/stats/normal.hpp"

namespace kpiscore::stats {

ProportionMethod parse_proportion_method(std::string_view s) {
  if (s == "normal") return ProportionMethod::normal;
  if (s == "agresti_coull") return ProportionMethod::agresti_coull;
  if (s == "beta") return ProportionMethod::beta;
  if (s == "wilson") return ProportionMethod::wilson;
  if (s == "jeffreys") return ProportionMethod::jeffreys;
  detail::fail("method", "expected one of normal, agresti_coull, beta, wilson, jeffreys, got '" +
                             std::string(s) + "'");
}

std::string_view to_string(ProportionMethod m) noexcept {
  switch (m) {
  case ProportionMethod::agresti_coull:
    return "agresti_coull";
  case ProportionMethod::beta:
    return "beta";
  case ProportionMethod::wilson:
    return "wilson";
  case ProportionMethod::jeffreys:
    return "jeffreys";
  case ProportionMethod::normal:
    break;
  }
  return "normal";
}

namespace {

void check_count_nobs(const char* fn, double count, double nobs) {
  if (!(nobs > 0.0) || !std::isfinite(nobs))
    detail::fail(fn, "nobs must be positive and finite, got " + detail::num(nobs));
  if (!(count >= 0.0 && count <= nobs))
    detail::fail(fn, "count must be in [0, nobs] (nobs = " + detail::num(nobs) + "), got " +
                         detail::num(count));
}

} // namespace

Interval proportion_confint(double count, double nobs, double alpha, ProportionMethod method,
                            Alternative alternative) {
  constexpr const char* fn = "proportion_confint";
  check_count_nobs(fn, count, nobs);
  detail::check_alpha(fn, alpha);
  const double q = count / nobs;
  const double a = alternative == Alternative::two_sided ? alpha / 2.0 : alpha;
  Interval ci;
  switch (method) {
  case ProportionMethod::normal: {
    const double dist = normal_isf(a) * std::sqrt(q * (1 - q) / nobs);
    ci = {q - dist, q + dist};
    break;
  }
  case ProportionMethod::agresti_coull: {
    const double crit = normal_isf(a);
    const double nobs_c = nobs + crit * crit;
    const double q_c = (count + crit * crit / 2.0) / nobs_c;
    const double dist = crit * std::sqrt(q_c * (1.0 - q_c) / nobs_c);
    ci = {q_c - dist, q_c + dist};
    break;
  }
  case ProportionMethod::wilson: {
    const double crit = normal_isf(a);
    const double crit2 = crit * crit;
    const double denom = 1 + crit2 / nobs;
    const double center = (q + crit2 / (2 * nobs)) / denom;
    double dist = crit * std::sqrt(q * (1.0 - q) / nobs + crit2 / (4.0 * (nobs * nobs)));
    dist /= denom;
    ci = {center - dist, center + dist};
    break;
  }
  case ProportionMethod::beta:
    // Clopper-Pearson: the a-quantile of Beta(x, n - x + 1) and the upper a-quantile of
    // Beta(x + 1, n - x); the Beta with a zero shape is the point mass the bound degenerates to.
    ci.lower = q == 0 ? 0.0 : beta_quantile(a, count, nobs - count + 1);
    ci.upper = q == 1 || count == nobs ? 1.0 : beta_isf(a, count + 1, nobs - count);
    break;
  case ProportionMethod::jeffreys:
    ci = {beta_quantile(a, count + 0.5, nobs - count + 0.5),
          beta_isf(a, count + 0.5, nobs - count + 0.5)};
    break;
  }
  if (method == ProportionMethod::normal || method == ProportionMethod::agresti_coull ||
      method == ProportionMethod::wilson) {
    ci.lower = std::clamp(ci.lower, 0.0, 1.0);
    ci.upper = std::clamp(ci.upper, 0.0, 1.0);
  }
  if (alternative == Alternative::larger) ci.lower = 0;
  if (alternative == Alternative::smaller) ci.upper = 1;
  return ci;
}

TestResult proportions_ztest(std::span<const double> count, std::span<const double> nobs,
                             std::optional<double> value, Alternative alternative,
                             std::optional<double> prop_var) {
  constexpr const char* fn = "proportions_ztest";
  const std::size_t k = count.size();
  if (k != 1 && k != 2)
    detail::fail(fn, "count must hold one or two samples, got " + std::to_string(k));
  if (nobs.size() != 1 && nobs.size() != k)
    detail::fail(fn, "nobs must hold one value or one per sample (" + std::to_string(k) +
                         "), got " + std::to_string(nobs.size()));
  auto n_of = [&](std::size_t i) { return nobs.size() == 1 ? nobs[0] : nobs[i]; };
  for (std::size_t i = 0; i < k; ++i)
    check_count_nobs(fn, count[i], n_of(i));
  if (value && !std::isfinite(*value))
    detail::fail(fn, "value must be finite, got " + detail::num(*value));
  if (prop_var && !(*prop_var > 0.0 && *prop_var < 1.0))
    detail::fail(fn, "prop_var must be in (0, 1), got " + detail::num(*prop_var));

  double diff = 0;
  if (k == 1) {
    if (!value) detail::fail(fn, "value must be provided for a 1-sample test");
    diff = count[0] * 1.0 / n_of(0) - *value;
  } else {
    diff = count[0] * 1.0 / n_of(0) - count[1] * 1.0 / n_of(1) - value.value_or(0.0);
  }
  double count_sum = 0, nobs_sum = 0, nobs_fact = 0;
  for (std::size_t i = 0; i < k; ++i) {
    count_sum += count[i];
    nobs_sum += n_of(i);
    nobs_fact += 1.0 / n_of(i);
  }
  const double p_pooled = prop_var ? *prop_var : count_sum * 1.0 / nobs_sum;
  const double std_diff = std::sqrt(p_pooled * (1 - p_pooled) * nobs_fact);
  TestResult r;
  r.statistic = diff / std_diff;
  switch (alternative) {
  case Alternative::two_sided:
    r.pvalue = normal_sf(std::fabs(r.statistic)) * 2;
    break;
  case Alternative::larger:
    r.pvalue = normal_sf(r.statistic);
    break;
  case Alternative::smaller:
    r.pvalue = normal_cdf(r.statistic);
    break;
  }
  return r;
}

} // namespace kpiscore::stats
