// Stratum allocation with bounds, largest-remainder rounding, πps inclusion probabilities and the
// ranking keys of order sampling (include/kpiscore/sampling/allocation.hpp, inclusion.hpp).
#include <kpiscore/sampling/allocation.hpp>
#include <kpiscore/sampling/inclusion.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace kpiscore::sampling {

std::vector<std::int64_t> largest_remainder(std::span<const double> x, std::int64_t target,
                                            std::span<const std::int64_t> upper) {
  const std::size_t k = x.size();
  std::vector<std::int64_t> out(k);
  std::int64_t sum = 0;
  for (std::size_t h = 0; h < k; ++h) {
    out[h] = std::min(static_cast<std::int64_t>(std::floor(x[h])), upper[h]);
    sum += out[h];
  }
  // Strata by descending fractional part (ties: the earlier stratum), one more each in turn. The
  // loop goes round again only when rounding error left a remainder the fractions do not cover.
  std::vector<std::size_t> order(k);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x[a] - std::floor(x[a]) > x[b] - std::floor(x[b]);
  });
  while (sum < target) {
    bool gave = false;
    for (std::size_t h : order) {
      if (sum >= target) break;
      if (out[h] < upper[h]) {
        ++out[h];
        ++sum;
        gave = true;
      }
    }
    if (!gave) break;
  }
  return out;
}

AllocationResult allocate(double total, std::span<const double> shares,
                          std::span<const std::int64_t> lower,
                          std::span<const std::int64_t> upper) {
  const std::size_t k = shares.size();
  if (lower.size() != k || upper.size() != k)
    throw std::invalid_argument("allocate: shares, lower and upper differ in length");
  if (!std::isfinite(total) || total < 0)
    throw std::invalid_argument("allocate: expected a non-negative total");
  double lo_sum = 0, hi_sum = 0, share_sum = 0;
  for (std::size_t h = 0; h < k; ++h) {
    if (!std::isfinite(shares[h]) || shares[h] < 0)
      throw std::invalid_argument("allocate: stratum " + std::to_string(h) +
                                  ": expected a non-negative share");
    if (lower[h] < 0 || lower[h] > upper[h])
      throw std::invalid_argument("allocate: stratum " + std::to_string(h) +
                                  ": expected 0 <= lower <= upper");
    lo_sum += static_cast<double>(lower[h]);
    hi_sum += static_cast<double>(upper[h]);
    share_sum += shares[h];
  }
  AllocationResult r;
  r.expected.resize(k);
  auto at = [&](double lambda) {
    double s = 0;
    for (std::size_t h = 0; h < k; ++h)
      s += std::clamp(lambda * shares[h], static_cast<double>(lower[h]),
                      static_cast<double>(upper[h]));
    return s;
  };
  if (lo_sum >= total || share_sum == 0) {
    for (std::size_t h = 0; h < k; ++h)
      r.expected[h] = static_cast<double>(lower[h]);
  } else if (hi_sum <= total) {
    for (std::size_t h = 0; h < k; ++h)
      r.expected[h] = static_cast<double>(upper[h]);
  } else if (const double l0 = total / share_sum; [&] {
               for (std::size_t h = 0; h < k; ++h)
                 if (l0 * shares[h] < static_cast<double>(lower[h]) ||
                     l0 * shares[h] > static_cast<double>(upper[h]))
                   return false;
               return true;
             }()) {
    // No bound binds: the plain allocation total × share_h / Σ share.
    for (std::size_t h = 0; h < k; ++h)
      r.expected[h] = l0 * shares[h];
  } else {
    // Bisection on λ: Σ clamp(λ s_h, lo_h, hi_h) is continuous and non-decreasing in λ, equal to
    // lo_sum < total at λ = 0 and hi_sum > total for λ large enough.
    double a = 0, b = total / share_sum;
    while (at(b) < total)
      b *= 2;
    for (int it = 0; it < 200 && b - a > 0; ++it) {
      const double m = a + (b - a) / 2;
      if (m <= a || m >= b) break;
      (at(m) < total ? a : b) = m;
    }
    for (std::size_t h = 0; h < k; ++h)
      r.expected[h] =
          std::clamp(b * shares[h], static_cast<double>(lower[h]), static_cast<double>(upper[h]));
    // Spread the bisection's rounding error over the strata not at a bound, so Σ a_h = total.
    double sum = std::accumulate(r.expected.begin(), r.expected.end(), 0.0), free = 0;
    for (std::size_t h = 0; h < k; ++h)
      if (r.expected[h] > static_cast<double>(lower[h]) &&
          r.expected[h] < static_cast<double>(upper[h]))
        free += r.expected[h];
    if (free > 0)
      for (std::size_t h = 0; h < k; ++h)
        if (r.expected[h] > static_cast<double>(lower[h]) &&
            r.expected[h] < static_cast<double>(upper[h]))
          r.expected[h] = std::clamp(r.expected[h] * (1 + (total - sum) / free),
                                     static_cast<double>(lower[h]), static_cast<double>(upper[h]));
  }
  const double sum = std::accumulate(r.expected.begin(), r.expected.end(), 0.0);
  const auto target = static_cast<std::int64_t>(std::floor(sum + 0.5));
  r.counts = largest_remainder(r.expected, target, upper);
  r.total = std::accumulate(r.counts.begin(), r.counts.end(), std::int64_t{0});
  return r;
}

std::vector<double> pps_inclusion(double n, std::span<const double> sizes) {
  const std::size_t count = sizes.size();
  std::vector<double> pi(count, 0.0);
  if (count == 0) return pi;
  double total = 0;
  for (double x : sizes) {
    if (!std::isfinite(x) || !(x > 0))
      throw std::invalid_argument("pps_inclusion: expected positive finite sizes");
    total += x;
  }
  if (!(n > 0)) return pi;
  if (n >= static_cast<double>(count)) {
    std::fill(pi.begin(), pi.end(), 1.0);
    return pi;
  }
  // Largest sizes first; unit j becomes a certainty while x_j (n - j) / (rest) >= 1. Equal sizes
  // meet the condition together, so ties are treated alike.
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return sizes[a] > sizes[b] || (sizes[a] == sizes[b] && a < b);
  });
  double rest = total;
  std::size_t certain = 0;
  while (certain < count && static_cast<double>(certain) < n &&
         sizes[order[certain]] * (n - static_cast<double>(certain)) >= rest) {
    rest -= sizes[order[certain]];
    ++certain;
  }
  const double c = rest > 0 ? (n - static_cast<double>(certain)) / rest : 0.0;
  for (std::size_t j = 0; j < count; ++j)
    pi[order[j]] = j < certain ? 1.0 : std::min(1.0, c * sizes[order[j]]);
  return pi;
}

double pareto_key(double u, double lambda) noexcept {
  if (lambda >= 1) return -1;
  if (lambda <= 0) return std::numeric_limits<double>::infinity();
  return (u / (1 - u)) * ((1 - lambda) / lambda);
}

double sequential_poisson_key(double u, double lambda) noexcept {
  if (lambda >= 1) return -1;
  if (lambda <= 0) return std::numeric_limits<double>::infinity();
  return u / lambda;
}

} // namespace kpiscore::sampling
