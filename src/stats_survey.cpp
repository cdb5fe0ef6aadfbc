// Horvitz-Thompson, Hajek and stratified estimators (include/kpiscore/stats/survey.hpp).

#include "kpiscore/stats/survey.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "kpiscore/stats/detail/validate.hpp"
#include "kpiscore/stats/normal.hpp"

namespace kpiscore::stats {

namespace {

void check_poisson(const char* fn, std::span<const double> y, std::span<const double> pi) {
  if (y.size() != pi.size())
    detail::fail(fn, "y and pi must have the same length, got " + std::to_string(y.size()) +
                         " and " + std::to_string(pi.size()));
  for (std::size_t k = 0; k < y.size(); ++k) {
    if (!std::isfinite(y[k]))
      detail::fail(fn, "y[" + std::to_string(k) + "] must be finite, got " + detail::num(y[k]));
    if (!(pi[k] > 0.0 && pi[k] <= 1.0))
      detail::fail(fn,
                   "pi[" + std::to_string(k) + "] must be in (0, 1], got " + detail::num(pi[k]));
  }
}

SurveyEstimate with_variance(double estimate, double variance) {
  return {estimate, variance, std::sqrt(variance)};
}

} // namespace

SurveyEstimate ht_total_poisson(std::span<const double> y, std::span<const double> pi) {
  check_poisson("ht_total_poisson", y, pi);
  double total = 0, variance = 0;
  for (std::size_t k = 0; k < y.size(); ++k) {
    const double expanded = y[k] / pi[k];
    total += expanded;
    variance += (1.0 - pi[k]) * expanded * expanded;
  }
  return with_variance(total, variance);
}

SurveyEstimate hajek_mean_poisson(std::span<const double> y, std::span<const double> pi) {
  constexpr const char* fn = "hajek_mean_poisson";
  check_poisson(fn, y, pi);
  if (y.empty()) detail::fail(fn, "needs at least one sampled unit");
  double total = 0, n_hat = 0;
  for (std::size_t k = 0; k < y.size(); ++k) {
    total += y[k] / pi[k];
    n_hat += 1.0 / pi[k];
  }
  const double mean = total / n_hat;
  // Linearized variable u_k = (y_k - mean) / N_HT; its HT variance under Poisson sampling.
  double variance = 0;
  for (std::size_t k = 0; k < y.size(); ++k) {
    const double e = (y[k] - mean) / pi[k];
    variance += (1.0 - pi[k]) * e * e;
  }
  return with_variance(mean, variance / (n_hat * n_hat));
}

SurveyEstimate stratified_total(std::span<const double> y, std::span<const std::int64_t> stratum,
                                std::span<const std::int64_t> population) {
  constexpr const char* fn = "stratified_total";
  if (y.size() != stratum.size())
    detail::fail(fn, "y and stratum must have the same length, got " + std::to_string(y.size()) +
                         " and " + std::to_string(stratum.size()));
  const std::size_t strata = population.size();
  std::vector<std::int64_t> n(strata, 0);
  std::vector<double> sum(strata, 0.0), ss(strata, 0.0);
  for (std::size_t k = 0; k < y.size(); ++k) {
    if (stratum[k] < 0 || static_cast<std::size_t>(stratum[k]) >= strata)
      detail::fail(fn, "stratum[" + std::to_string(k) + "] must be in [0, " +
                           std::to_string(strata) + "), got " + detail::num(stratum[k]));
    if (!std::isfinite(y[k]))
      detail::fail(fn, "y[" + std::to_string(k) + "] must be finite, got " + detail::num(y[k]));
    ++n[static_cast<std::size_t>(stratum[k])];
    sum[static_cast<std::size_t>(stratum[k])] += y[k];
  }
  for (std::size_t h = 0; h < strata; ++h) {
    if (population[h] < n[h])
      detail::fail(fn, "population[" + std::to_string(h) + "] must be at least the " +
                           std::to_string(n[h]) + " units sampled in it, got " +
                           detail::num(population[h]));
    if (population[h] > 0 && n[h] == 0)
      detail::fail(fn, "stratum " + std::to_string(h) + " has " + detail::num(population[h]) +
                           " units but none sampled: its total cannot be estimated");
    if (n[h] == 1 && population[h] > 1)
      detail::fail(fn, "stratum " + std::to_string(h) + " has one sampled unit out of " +
                           detail::num(population[h]) + ": its variance cannot be estimated");
  }
  // Two passes: the stratum means first, then the squared deviations from them.
  for (std::size_t k = 0; k < y.size(); ++k) {
    const auto h = static_cast<std::size_t>(stratum[k]);
    const double d = y[k] - sum[h] / static_cast<double>(n[h]);
    ss[h] += d * d;
  }
  double total = 0, variance = 0;
  for (std::size_t h = 0; h < strata; ++h) {
    if (n[h] == 0) continue;
    const double big_n = static_cast<double>(population[h]);
    const double nh = static_cast<double>(n[h]);
    total += big_n * (sum[h] / nh);
    if (n[h] > 1 && n[h] < population[h])
      variance += big_n * big_n * (1.0 - nh / big_n) * (ss[h] / (nh - 1.0)) / nh;
  }
  return with_variance(total, variance);
}

SurveyEstimate stratified_mean(std::span<const double> y, std::span<const std::int64_t> stratum,
                               std::span<const std::int64_t> population) {
  double big_n = 0;
  for (std::int64_t v : population)
    big_n += static_cast<double>(v);
  if (!(big_n > 0)) detail::fail("stratified_mean", "the population is empty");
  const SurveyEstimate t = stratified_total(y, stratum, population);
  return with_variance(t.estimate / big_n, t.variance / (big_n * big_n));
}

Interval survey_confint(const SurveyEstimate& e, double alpha) {
  const double half = normal_critical_two_sided(alpha, "survey_confint") * e.std_error;
  return {e.estimate - half, e.estimate + half};
}

} // namespace kpiscore::stats
