#ifndef KPISCORE_STATS_SURVEY_HPP
#define KPISCORE_STATS_SURVEY_HPP

// Design-weighted estimates from a QA sample: totals and means (pass rates are means of 0/1
// values) with their variances, for the two designs kpiscore's sampler draws.
//
// Poisson (and Bernoulli) designs: unit k is drawn independently with probability pi_k, so the
// joint inclusion probability of two distinct units is pi_k pi_l.
//  - Horvitz-Thompson total Y_HT = sum_s y_k / pi_k (D. G. Horvitz, D. J. Thompson (1952), "A
//    generalization of sampling without replacement from a finite universe", JASA 47, 663-685).
//    Its variance under the design is V = sum_U (1 - pi_k) y_k^2 / pi_k, and with pi_kl = pi_k pi_l
//    the Horvitz-Thompson variance estimator reduces to v = sum_s (1 - pi_k) y_k^2 / pi_k^2, which
//    is exactly unbiased: E[v] = V (C.-E. Sarndal, B. Swensson, J. Wretman (1992), Model Assisted
//    Survey Sampling, Springer, sec. 2.8 and 3.5 on Poisson sampling).
//  - Hajek mean ybar = Y_HT / N_HT with N_HT = sum_s 1 / pi_k (J. Hajek (1971), comment in
//    Foundations of Statistical Inference, Holt, Rinehart and Winston, p. 236), with the Taylor
//    linearization variance v = sum_s (1 - pi_k) ((y_k - ybar) / pi_k)^2 / N_HT^2 (Sarndal et al.
//    1992, sec. 5.7), the estimator R's survey::svymean gives for a Poisson design.
// Stratified simple random sampling without replacement: n_h of N_h units in stratum h.
//  - Y_st = sum_h N_h ybar_h, v(Y_st) = sum_h N_h^2 (1 - n_h / N_h) s_h^2 / n_h with s_h^2 the
//    sample variance (ddof 1), and the mean Y_st / N with v / N^2, N = sum_h N_h
//    (W. G. Cochran (1977), Sampling Techniques, 3rd ed., Wiley, sec. 5.3, Theorems 5.1-5.3).
//    A stratum sampled completely (n_h = N_h) adds no variance; a stratum with one sampled unit
//    out of more has no variance estimate and is an error (R survey's lonely.psu = "fail").
// Intervals are estimate +/- z_{1-alpha/2} SE (the normal interval of R's confint.svystat).

#include <cstdint>
#include <span>

#include "kpiscore/stats/interval.hpp"

namespace kpiscore::stats {

/// A design-based estimate with its estimated variance.
struct SurveyEstimate {
  double estimate = 0;
  double variance = 0;
  double std_error = 0; ///< sqrt(variance)
  bool operator==(const SurveyEstimate&) const = default;
};

/// Horvitz-Thompson total and its unbiased variance estimate under Poisson sampling.
/// y and pi have one entry per sampled unit; 0 < pi_k <= 1; y finite; otherwise
/// std::invalid_argument. An empty sample gives 0 with variance 0.
SurveyEstimate ht_total_poisson(std::span<const double> y, std::span<const double> pi);

/// Hajek (ratio) mean and its linearization variance under Poisson sampling; needs at least one
/// sampled unit.
SurveyEstimate hajek_mean_poisson(std::span<const double> y, std::span<const double> pi);

/// Stratified SRSWOR total: stratum[k] in [0, H) is the stratum of sampled unit k and
/// population[h] = N_h >= the number sampled in h. Every stratum with N_h > 0 must be sampled.
SurveyEstimate stratified_total(std::span<const double> y, std::span<const std::int64_t> stratum,
                                std::span<const std::int64_t> population);

/// Stratified SRSWOR mean: stratified_total / N with variance / N^2.
SurveyEstimate stratified_mean(std::span<const double> y, std::span<const std::int64_t> stratum,
                               std::span<const std::int64_t> population);

/// The normal interval estimate +/- z_{1-alpha/2} std_error.
Interval survey_confint(const SurveyEstimate& e, double alpha = 0.05);

} // namespace kpiscore::stats

#endif // KPISCORE_STATS_SURVEY_HPP
