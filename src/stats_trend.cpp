// Shortfall runs and trend slopes (include/kpiscore/stats/trend.hpp).

#include "kpiscore/stats/trend.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "kpiscore/stats/detail/validate.hpp"
#include "kpiscore/stats/distributions.hpp"

namespace kpiscore::stats {

ShortfallRuns consecutive_shortfalls(std::span<const double> values, double target,
                                     std::size_t periods, TargetDirection direction) {
  constexpr const char* fn = "consecutive_shortfalls";
  if (periods < 1) detail::fail(fn, "periods must be at least 1, got 0");
  if (!std::isfinite(target)) detail::fail(fn, "target must be finite, got " + detail::num(target));
  ShortfallRuns r;
  r.run_length.resize(values.size());
  r.persistent.assign(values.size(), false);
  std::size_t run = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    const bool short_of = direction == TargetDirection::at_least ? v < target : v > target;
    run = short_of ? run + 1 : 0; // NaN compares false: not a shortfall, the run breaks
    r.run_length[i] = run;
    if (run >= periods)
      for (std::size_t j = i + 1 - run; j <= i; ++j)
        r.persistent[j] = true;
  }
  r.persistent_now = !values.empty() && r.run_length.back() >= periods;
  return r;
}

TrendSlope trend_slope(std::span<const double> values, std::size_t k, double alpha,
                       std::span<const double> x) {
  constexpr const char* fn = "trend_slope";
  detail::check_alpha(fn, alpha);
  if (k < 2 || k > values.size())
    detail::fail(fn, "k must be in [2, " + std::to_string(values.size()) + "], got " +
                         std::to_string(k));
  if (!x.empty() && x.size() != values.size())
    detail::fail(fn, "x must have one entry per value (" + std::to_string(values.size()) +
                         "), got " + std::to_string(x.size()));
  const std::size_t first = values.size() - k;
  auto xi = [&](std::size_t i) { return x.empty() ? static_cast<double>(i) : x[i]; };
  double mx = 0, my = 0;
  for (std::size_t i = first; i < values.size(); ++i) {
    if (!std::isfinite(values[i]))
      detail::fail(fn, "values[" + std::to_string(i) + "] must be finite, got " +
                           detail::num(values[i]));
    if (!std::isfinite(xi(i)))
      detail::fail(fn, "x[" + std::to_string(i) + "] must be finite, got " + detail::num(xi(i)));
    mx += xi(i);
    my += values[i];
  }
  const double dk = static_cast<double>(k);
  mx /= dk;
  my /= dk;
  double sxx = 0, sxy = 0;
  for (std::size_t i = first; i < values.size(); ++i) {
    sxx += (xi(i) - mx) * (xi(i) - mx);
    sxy += (xi(i) - mx) * (values[i] - my);
  }
  if (!(sxx > 0)) detail::fail(fn, "x must not be constant over the last k periods");
  TrendSlope r;
  r.slope = sxy / sxx;
  r.intercept = my - r.slope * mx;
  r.dof = dk - 2;
  if (k == 2) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    r.std_error = nan;
    r.interval = {nan, nan};
    return r;
  }
  double sse = 0;
  for (std::size_t i = first; i < values.size(); ++i) {
    const double e = values[i] - (r.intercept + r.slope * xi(i));
    sse += e * e;
  }
  r.std_error = std::sqrt(sse / r.dof / sxx);
  const double t = student_t_quantile(1 - alpha / 2, r.dof);
  r.interval = {r.slope - t * r.std_error, r.slope + t * r.std_error};
  return r;
}

} // namespace kpiscore::stats
