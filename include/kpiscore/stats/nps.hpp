#ifndef KPISCORE_STATS_NPS_HPP
#define KPISCORE_STATS_NPS_HPP

// Confidence interval for the Net Promoter Score from its three counts.
//
// NPS = 100 (P - D) / n with n = P + A + D (promoters 9-10, passives 7-8, detractors 0-6;
// F. F. Reichheld (2003), "The one number you need to grow", Harvard Business Review 81(12)).
// The counts are one multinomial (trinomial) sample, so with p = P / n and d = D / n
//
//     Var(p - d) = [p (1 - p) + d (1 - d) + 2 p d] / n = [p + d - (p - d)^2] / n
//
// (Cov(p, d) = -p d / n for multinomial proportions; the Wald interval with this standard error
// is the one studied in Brendan Rocks (2016), "Interval estimation for the 'Net Promoter Score'",
// The American Statistician 70(4), 365-372). The interval is NPS +/- z_{1-alpha/2} 100 SE,
// clipped to [-100, 100] like statsmodels clips the Wald interval of a proportion.
//
// Degenerate samples: when every answer falls in one class (all promoters, all passives or all
// detractors) the plug-in variance is 0 and the interval is the single point NPS (100, 0 or
// -100). The result says so (`degenerate`), so that a report can show "no interval" instead of a
// zero-width one; no pseudo-counts are added, so that the point estimate and the interval keep
// matching the KPI table.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "kpiscore/stats/detail/validate.hpp"
#include "kpiscore/stats/interval.hpp"
#include "kpiscore/stats/normal.hpp"

namespace kpiscore::stats {

/// NPS on the -100..100 scale with its standard error and Wald interval.
struct NpsConfint {
  double nps = 0;          ///< 100 (P - D) / n
  double std_error = 0;    ///< 100 sqrt([p + d - (p - d)^2] / n)
  Interval interval;       ///< nps +/- z SE, clipped to [-100, 100]
  bool degenerate = false; ///< every answer in one class: std_error 0, a point interval
  bool operator==(const NpsConfint&) const = default;
};

/// NPS and its interval at confidence 1 - alpha from the counts of promoters, passives and
/// detractors (see the header comment). Counts must be non-negative with a positive total and
/// alpha in (0, 1), otherwise std::invalid_argument.
inline NpsConfint nps_confint(std::int64_t promoters, std::int64_t passives,
                              std::int64_t detractors, double alpha = 0.05) {
  constexpr const char* fn = "nps_confint";
  if (promoters < 0)
    detail::fail(fn, "promoters must be non-negative, got " + detail::num(promoters));
  if (passives < 0) detail::fail(fn, "passives must be non-negative, got " + detail::num(passives));
  if (detractors < 0)
    detail::fail(fn, "detractors must be non-negative, got " + detail::num(detractors));
  detail::check_alpha(fn, alpha);
  // Each count is below 2^63, so the total is formed in double (exact below 2^53 responses).
  const double n = static_cast<double>(promoters) + static_cast<double>(passives) +
                   static_cast<double>(detractors);
  if (!(n > 0)) detail::fail(fn, "needs at least one answer, got 0");
  const double p = static_cast<double>(promoters) / n;
  const double d = static_cast<double>(detractors) / n;
  const double diff = p - d;
  NpsConfint r;
  r.nps = 100.0 * diff;
  r.std_error = 100.0 * std::sqrt(std::max(0.0, p + d - diff * diff) / n);
  const int classes = (promoters > 0) + (passives > 0) + (detractors > 0);
  r.degenerate = classes == 1;
  if (r.degenerate) r.std_error = 0.0;
  const double half = normal_critical_two_sided(alpha, fn) * r.std_error;
  r.interval = {std::max(-100.0, r.nps - half), std::min(100.0, r.nps + half)};
  return r;
}

} // namespace kpiscore::stats

#endif // KPISCORE_STATS_NPS_HPP
