#ifndef KPISCORE_STATS_PROPORTION_HPP
#define KPISCORE_STATS_PROPORTION_HPP

// Confidence intervals and z-tests for binomial proportions (pass rates, top-box shares, FCR,
// service level), with the names, arguments and results of statsmodels 0.15
// (statsmodels.stats.proportion.proportion_confint and proportions_ztest), boundary handling
// included. docs/statistics.md lists every formula.
//
// Sources:
//  - normal (Wald): Laplace (1812); the textbook interval p +/- z sqrt(p (1 - p) / n).
//  - wilson: E. B. Wilson (1927), "Probable inference, the law of succession, and statistical
//    inference", JASA 22, 209-212.
//  - agresti_coull: A. Agresti, B. A. Coull (1998), "Approximate is better than 'exact' for
//    interval estimation of binomial proportions", The American Statistician 52(2), 119-126.
//  - beta (Clopper-Pearson): C. J. Clopper, E. S. Pearson (1934), "The use of confidence or
//    fiducial limits illustrated in the case of the binomial", Biometrika 26, 404-413.
//  - jeffreys: L. D. Brown, T. T. Cai, A. DasGupta (2001), "Interval estimation for a binomial
//    proportion", Statistical Science 16(2), 101-133, sec. 4.1.2.
//  - Comparison and published values: R. G. Newcombe (1998), "Two-sided confidence intervals for
//    the single proportion: comparison of seven methods", Statistics in Medicine 17, 857-872.

#include <optional>
#include <span>
#include <string_view>

#include "kpiscore/stats/interval.hpp"

namespace kpiscore::stats {

/// The interval methods of statsmodels' proportion_confint (its "binom_test" is not offered).
enum class ProportionMethod { normal, agresti_coull, beta, wilson, jeffreys };

/// "normal", "agresti_coull", "beta", "wilson" or "jeffreys" (statsmodels' spellings; "jeffreys"
/// exactly, not statsmodels' lenient "jeff..." prefix); otherwise std::invalid_argument.
ProportionMethod parse_proportion_method(std::string_view s);
std::string_view to_string(ProportionMethod m) noexcept;

/// Confidence interval for a binomial proportion count / nobs at confidence 1 - alpha,
/// identical to statsmodels.stats.proportion.proportion_confint (0.15):
/// - two-sided intervals use alpha / 2 in each tail; a one-sided interval uses alpha and, as in
///   statsmodels, "larger" returns [0, upper] and "smaller" returns [lower, 1];
/// - normal, agresti_coull and wilson are clipped to [0, 1];
/// - beta sets the lower bound to 0 when count / nobs == 0 and the upper bound to 1 when it is 1;
/// - jeffreys is neither clipped nor adjusted at the boundaries (its bounds lie in (0, 1)).
/// count may be fractional (statsmodels allows it); requires nobs > 0, 0 <= count <= nobs and
/// alpha in (0, 1), otherwise std::invalid_argument. The default method is statsmodels'
/// ("normal"); the KPI intervals default to wilson (docs/statistics.md).
Interval proportion_confint(double count, double nobs, double alpha = 0.05,
                            ProportionMethod method = ProportionMethod::normal,
                            Alternative alternative = Alternative::two_sided);

/// A test statistic with its p-value.
struct TestResult {
  double statistic = 0;
  double pvalue = 0;
  bool operator==(const TestResult&) const = default;
};

/// z-test for one or two proportions, statsmodels.stats.proportion.proportions_ztest (0.15):
/// - count holds one or two sample counts; nobs holds one value (used for every sample) or one
///   per sample;
/// - one sample: z = (p - value) / sqrt(p (1 - p) / n) with the sample proportion p (value
///   required);
/// - two samples: z = (p1 - p2 - value) / sqrt(pbar (1 - pbar) (1/n1 + 1/n2)) with the pooled
///   pbar = (c1 + c2) / (n1 + n2) and value 0 by default;
/// - prop_var, when given (in (0, 1)), replaces p or pbar in the variance;
/// - p-value from the standard normal: two-sided 2 sf(|z|), larger sf(z), smaller cdf(z).
/// A zero variance (every observation a success, or every one a failure) gives z = NaN (or +-inf
/// when the difference is not zero) and the matching p-value, as in statsmodels.
TestResult proportions_ztest(std::span<const double> count, std::span<const double> nobs,
                             std::optional<double> value = std::nullopt,
                             Alternative alternative = Alternative::two_sided,
                             std::optional<double> prop_var = std::nullopt);

} // namespace kpiscore::stats

#endif // KPISCORE_STATS_PROPORTION_HPP
