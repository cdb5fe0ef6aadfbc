// Percentile and BCa bootstrap intervals (include/kpiscore/stats/bootstrap.hpp).

#include "kpiscore/stats/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "kpiscore/detail/int128.hpp"
#include "kpiscore/stats/detail/validate.hpp"
#include "kpiscore/stats/normal.hpp"

namespace kpiscore::stats {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t operator()() noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

// Lemire (2019): a uniform integer in [0, range) without modulo bias.
std::uint64_t bounded(SplitMix64& g, std::uint64_t range) noexcept {
  uint128_t m = uint128_t{g()} * range;
  auto low = static_cast<std::uint64_t>(m);
  if (low < range) {
    const std::uint64_t threshold = (0 - range) % range;
    while (low < threshold) {
      m = uint128_t{g()} * range;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double quantile_sorted(const std::vector<double>& sorted, double p) {
  if (std::isnan(p)) return nan;
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const double lo = std::floor(h);
  const auto i = static_cast<std::size_t>(lo);
  if (i + 1 >= sorted.size()) return sorted.back();
  const double t = h - lo;
  const double a = sorted[i], b = sorted[i + 1];
  // NumPy's _lerp: the form anchored at the nearer end, exact at t = 0 and t = 1.
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

} // namespace

BootstrapMethod parse_bootstrap_method(std::string_view s) {
  if (s == "percentile") return BootstrapMethod::percentile;
  if (s == "bca" || s == "BCa") return BootstrapMethod::bca;
  detail::fail("method", "expected one of percentile, bca, got '" + std::string(s) + "'");
}

std::vector<std::int64_t> bootstrap_indices(std::int64_t n, std::int64_t resamples,
                                            std::uint64_t seed) {
  constexpr const char* fn = "bootstrap_indices";
  if (n < 1) detail::fail(fn, "n must be at least 1, got " + detail::num(n));
  if (resamples < 1)
    detail::fail(fn, "resamples must be at least 1, got " + detail::num(resamples));
  if (n > std::numeric_limits<std::int64_t>::max() / resamples)
    detail::fail(fn, "n x resamples does not fit in memory");
  std::vector<std::int64_t> out(static_cast<std::size_t>(n * resamples));
  SplitMix64 g{seed};
  for (auto& v : out)
    v = static_cast<std::int64_t>(bounded(g, static_cast<std::uint64_t>(n)));
  return out;
}

double quantile_linear(std::span<const double> values, double p) {
  if (values.empty()) detail::fail("quantile_linear", "values must not be empty");
  if (!std::isnan(p)) detail::check_probability("quantile_linear", "p", p);
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return quantile_sorted(sorted, p);
}

BootstrapResult bootstrap_confint(std::int64_t n, const BootstrapStatistic& statistic,
                                  std::span<const std::int64_t> indices, double alpha,
                                  BootstrapMethod method) {
  constexpr const char* fn = "bootstrap_confint";
  detail::check_alpha(fn, alpha);
  if (n < 1) detail::fail(fn, "n must be at least 1, got " + detail::num(n));
  if (method == BootstrapMethod::bca && n < 2)
    detail::fail(fn, "BCa needs at least 2 units for the jackknife, got 1");
  const auto un = static_cast<std::size_t>(n);
  if (indices.empty() || indices.size() % un != 0)
    detail::fail(fn, "indices must hold a positive multiple of n (" + detail::num(n) +
                         ") entries, got " + std::to_string(indices.size()));
  for (std::size_t i = 0; i < indices.size(); ++i)
    if (indices[i] < 0 || indices[i] >= n)
      detail::fail(fn, "indices[" + std::to_string(i) + "] must be in [0, " + detail::num(n) +
                           "), got " + detail::num(indices[i]));

  BootstrapResult r;
  std::vector<std::int64_t> all(un);
  std::iota(all.begin(), all.end(), std::int64_t{0});
  r.estimate = statistic(all);
  const std::size_t b = indices.size() / un;
  r.replicates.reserve(b);
  for (std::size_t row = 0; row < b; ++row)
    r.replicates.push_back(statistic(indices.subspan(row * un, un)));
  std::vector<double> sorted = r.replicates;
  std::sort(sorted.begin(), sorted.end());

  double p_lo = alpha / 2, p_hi = 1 - alpha / 2;
  if (method == BootstrapMethod::bca) {
    std::size_t below = 0, at_or_below = 0;
    for (double v : r.replicates) {
      below += v < r.estimate;
      at_or_below += v <= r.estimate;
    }
    r.bias_correction =
        normal_quantile(static_cast<double>(below + at_or_below) / (2.0 * static_cast<double>(b)));
    // Jackknife: the statistic without unit i.
    std::vector<double> jack(un);
    std::vector<std::int64_t> loo(un - 1);
    for (std::size_t i = 0; i < un; ++i) {
      std::copy(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(i), loo.begin());
      std::copy(all.begin() + static_cast<std::ptrdiff_t>(i) + 1, all.end(),
                loo.begin() + static_cast<std::ptrdiff_t>(i));
      jack[i] = statistic(loo);
    }
    const double mean = std::accumulate(jack.begin(), jack.end(), 0.0) / static_cast<double>(un);
    double num = 0, den = 0;
    for (double v : jack) {
      const double u = mean - v;
      num += u * u * u;
      den += u * u;
    }
    r.acceleration = num / (6.0 * std::pow(den, 1.5));
    const double z0 = r.bias_correction, a = r.acceleration;
    const double z_lo = normal_quantile(alpha / 2), z_hi = -z_lo;
    p_lo = normal_cdf(z0 + (z0 + z_lo) / (1 - a * (z0 + z_lo)));
    p_hi = normal_cdf(z0 + (z0 + z_hi) / (1 - a * (z0 + z_hi)));
  }
  r.interval = {quantile_sorted(sorted, p_lo), quantile_sorted(sorted, p_hi)};
  return r;
}

} // namespace kpiscore::stats
