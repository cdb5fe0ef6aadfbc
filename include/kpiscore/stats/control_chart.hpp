#ifndef KPISCORE_STATS_CONTROL_CHART_HPP
#define KPISCORE_STATS_CONTROL_CHART_HPP

// Shewhart control charts for periods or groups of unequal size: the p chart for a share of
// defective items (QA fails, complaints) and the x-bar chart for mean scores.
//
// Source: D. C. Montgomery (2009), Introduction to Statistical Quality Control, 6th ed., Wiley:
//  - p chart with variable sample size (sec. 7.2.2): centre pbar = sum d_i / sum n_i, limits
//    pbar +/- k sqrt(pbar (1 - pbar) / n_i) for each point; a negative lower limit is set to 0
//    (sec. 7.2.1) and, symmetrically, an upper limit above 1 is set to 1.
//  - x-bar chart with variable sample size, from subgroup standard deviations (sec. 6.3.2):
//    centre xbarbar = sum n_i xbar_i / sum n_i, pooled sbar = sqrt(sum (n_i - 1) s_i^2 /
//    (sum n_i - m)), limits xbarbar +/- A3(n_i) sbar with A3(n) = k / (c4(n) sqrt(n)) and
//    c4(n) = sqrt(2 / (n - 1)) Gamma(n / 2) / Gamma((n - 1) / 2); with a known process standard
//    deviation sigma ("standard given", sec. 6.2.1) the limits are xbarbar +/- k sigma / sqrt(n_i).
// k ("sigmas") is 3 by default: the Shewhart three-sigma limits. A point is out of control when
// it lies strictly outside its limits.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace kpiscore::stats {

/// One plotted point of a control chart.
struct ChartPoint {
  double value = 0; ///< p_i or xbar_i
  double lcl = 0;   ///< lower control limit of this point
  double ucl = 0;   ///< upper control limit of this point
  bool out_of_control = false;
  bool operator==(const ChartPoint&) const = default;
};

struct ControlChart {
  double center = 0; ///< pbar or xbarbar
  double sigma = 0;  ///< p chart: sqrt(pbar (1 - pbar)); x-bar: sbar or the given sigma
  std::vector<ChartPoint> points;          ///< in input order
  std::vector<std::size_t> out_of_control; ///< indices of the points outside their limits
  bool operator==(const ControlChart&) const = default;
};

/// p chart of defects[i] defective items out of sizes[i] (see the header comment). Sizes >= 1,
/// 0 <= defects <= sizes, equal non-zero lengths, sigmas > 0; otherwise std::invalid_argument.
ControlChart p_chart(std::span<const std::int64_t> defects, std::span<const std::int64_t> sizes,
                     double sigmas = 3.0);

/// x-bar chart of subgroup means with their sizes and standard deviations (ddof = 1). Without a
/// known sigma every subgroup needs n_i >= 2 and its standard deviation; with one, std_devs may
/// be empty and n_i >= 1.
ControlChart xbar_chart(std::span<const double> means, std::span<const std::int64_t> sizes,
                        std::span<const double> std_devs, double sigmas = 3.0,
                        std::optional<double> sigma = std::nullopt);

/// c4(n) = E[s] / sigma for a normal sample of n >= 2 (Montgomery, Appendix VI).
double c4(std::int64_t n);

} // namespace kpiscore::stats

#endif // KPISCORE_STATS_CONTROL_CHART_HPP
