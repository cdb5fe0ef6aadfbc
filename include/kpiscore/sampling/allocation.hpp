#ifndef KPISCORE_SAMPLING_ALLOCATION_HPP
#define KPISCORE_SAMPLING_ALLOCATION_HPP

#include <cstdint>
#include <span>
#include <vector>

namespace kpiscore::sampling {

/// Stratum sizes for a total: the exact share of each stratum and its whole-number size.
struct AllocationResult {
  std::vector<double> expected;     ///< a_h, clamped to [lower_h, upper_h], summing to the total
  std::vector<std::int64_t> counts; ///< a_h rounded by largest remainder, summing exactly
  std::int64_t total = 0;           ///< sum of counts (the requested total unless bounds bind)
};

/// Shares `total` among strata in proportion to `shares` (N_h, 1, N_h S_h …) within per-stratum
/// bounds: a_h = clamp(λ share_h, lower_h, upper_h) with λ such that Σ a_h = total (λ by
/// bisection: the sum is continuous and non-decreasing in λ). When the lower bounds alone exceed
/// the total, every stratum gets its lower bound; when the upper bounds cannot reach it, every
/// stratum gets its upper bound (`total` in the result says which).
///
/// Whole numbers by the largest-remainder (Hamilton) method: each a_h rounded down, then one more
/// to the strata with the largest fractional parts (ties to the earlier stratum) until the counts
/// sum to round(Σ a_h); never above upper_h. Bounds are whole numbers, lower_h <= upper_h.
/// Throws std::invalid_argument for a negative or non-finite share or total, or crossed bounds.
AllocationResult allocate(double total, std::span<const double> shares,
                          std::span<const std::int64_t> lower, std::span<const std::int64_t> upper);

/// Largest-remainder rounding of non-negative reals to whole numbers summing to `target`
/// (each result within [floor(x_h), upper_h]).
std::vector<std::int64_t> largest_remainder(std::span<const double> x, std::int64_t target,
                                            std::span<const std::int64_t> upper);

} // namespace kpiscore::sampling

#endif
