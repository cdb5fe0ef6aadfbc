// Shewhart p and x-bar charts (include/kpiscore/stats/control_chart.hpp).

#include "kpiscore/stats/control_chart.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "kpiscore/stats/detail/validate.hpp"

namespace kpiscore::stats {

namespace {

void check_sigmas(const char* fn, double sigmas) {
  if (!(sigmas > 0) || !std::isfinite(sigmas))
    detail::fail(fn, "sigmas must be positive and finite, got " + detail::num(sigmas));
}

void finish(ControlChart& chart) {
  for (std::size_t i = 0; i < chart.points.size(); ++i) {
    ChartPoint& p = chart.points[i];
    p.out_of_control = p.value > p.ucl || p.value < p.lcl;
    if (p.out_of_control) chart.out_of_control.push_back(i);
  }
}

} // namespace

double c4(std::int64_t n) {
  if (n < 2) detail::fail("c4", "n must be at least 2, got " + detail::num(n));
  const double dn = static_cast<double>(n);
  // Gamma ratio through lgamma: Gamma(n/2) overflows from n = 344 on.
  return std::sqrt(2.0 / (dn - 1.0)) *
         std::exp(std::lgamma(dn / 2.0) - std::lgamma((dn - 1.0) / 2.0));
}

ControlChart p_chart(std::span<const std::int64_t> defects, std::span<const std::int64_t> sizes,
                     double sigmas) {
  constexpr const char* fn = "p_chart";
  check_sigmas(fn, sigmas);
  if (defects.empty()) detail::fail(fn, "needs at least one point");
  if (defects.size() != sizes.size())
    detail::fail(fn, "defects and sizes must have the same length, got " +
                         std::to_string(defects.size()) + " and " + std::to_string(sizes.size()));
  double total_d = 0, total_n = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 1)
      detail::fail(fn, "sizes[" + std::to_string(i) + "] must be at least 1, got " +
                           detail::num(sizes[i]));
    if (defects[i] < 0 || defects[i] > sizes[i])
      detail::fail(fn, "defects[" + std::to_string(i) + "] must be in [0, sizes[" +
                           std::to_string(i) + "]] = [0, " + detail::num(sizes[i]) + "], got " +
                           detail::num(defects[i]));
    total_d += static_cast<double>(defects[i]);
    total_n += static_cast<double>(sizes[i]);
  }
  ControlChart chart;
  chart.center = total_d / total_n;
  chart.sigma = std::sqrt(chart.center * (1.0 - chart.center));
  chart.points.reserve(sizes.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const double n = static_cast<double>(sizes[i]);
    const double half = sigmas * chart.sigma / std::sqrt(n);
    chart.points.push_back({static_cast<double>(defects[i]) / n, std::max(0.0, chart.center - half),
                            std::min(1.0, chart.center + half), false});
  }
  finish(chart);
  return chart;
}

ControlChart xbar_chart(std::span<const double> means, std::span<const std::int64_t> sizes,
                        std::span<const double> std_devs, double sigmas,
                        std::optional<double> sigma) {
  constexpr const char* fn = "xbar_chart";
  check_sigmas(fn, sigmas);
  if (means.empty()) detail::fail(fn, "needs at least one subgroup");
  if (means.size() != sizes.size())
    detail::fail(fn, "means and sizes must have the same length, got " +
                         std::to_string(means.size()) + " and " + std::to_string(sizes.size()));
  if (sigma && (!(*sigma > 0) || !std::isfinite(*sigma)))
    detail::fail(fn, "sigma must be positive and finite, got " + detail::num(*sigma));
  if (!(sigma && std_devs.empty()) && std_devs.size() != means.size())
    detail::fail(fn, "std_devs must have one entry per subgroup (" + std::to_string(means.size()) +
                         "), got " + std::to_string(std_devs.size()));
  const std::int64_t min_n = sigma ? 1 : 2;
  double sum_n = 0, sum_nx = 0, sum_ss = 0, sum_dof = 0;
  for (std::size_t i = 0; i < means.size(); ++i) {
    if (sizes[i] < min_n)
      detail::fail(fn, "sizes[" + std::to_string(i) + "] must be at least " +
                           std::to_string(min_n) + (sigma ? "" : " without a known sigma") +
                           ", got " + detail::num(sizes[i]));
    if (!std::isfinite(means[i]))
      detail::fail(fn,
                   "means[" + std::to_string(i) + "] must be finite, got " + detail::num(means[i]));
    const double n = static_cast<double>(sizes[i]);
    sum_n += n;
    sum_nx += n * means[i];
    if (!std_devs.empty()) {
      if (!(std_devs[i] >= 0) || !std::isfinite(std_devs[i]))
        detail::fail(fn, "std_devs[" + std::to_string(i) +
                             "] must be non-negative and finite, got " + detail::num(std_devs[i]));
      sum_ss += (n - 1) * std_devs[i] * std_devs[i];
      sum_dof += n - 1;
    }
  }
  ControlChart chart;
  chart.center = sum_nx / sum_n;
  chart.sigma = sigma ? *sigma : std::sqrt(sum_ss / sum_dof);
  chart.points.reserve(means.size());
  for (std::size_t i = 0; i < means.size(); ++i) {
    const double n = static_cast<double>(sizes[i]);
    // A3(n) sbar = k sbar / (c4(n) sqrt(n)); standard given: k sigma / sqrt(n).
    const double half = sigmas * chart.sigma / (sigma ? 1.0 : c4(sizes[i])) / std::sqrt(n);
    chart.points.push_back({means[i], chart.center - half, chart.center + half, false});
  }
  finish(chart);
  return chart;
}

} // namespace kpiscore::stats
