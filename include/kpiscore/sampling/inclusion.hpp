#ifndef KPISCORE_SAMPLING_INCLUSION_HPP
#define KPISCORE_SAMPLING_INCLUSION_HPP

#include <span>
#include <vector>

namespace kpiscore::sampling {

/// Inclusion probabilities proportional to size with a sample size n (real: an expected size for
/// Poisson sampling, whole for fixed-size designs): π_i = min(1, c x_i), with c such that
/// Σ π_i = min(n, N). Units whose x_i n / Σx would reach 1 become certainties and c is
/// recomputed on the rest until none is left above 1 (Särndal, Swensson & Wretman 1992, §3.6.2).
/// Sizes must be positive and finite; throws std::invalid_argument otherwise.
std::vector<double> pps_inclusion(double n, std::span<const double> sizes);

/// Ranking keys of order sampling: a unit with uniform u and target inclusion probability λ
/// gets key Q; the n units with the smallest keys form the sample. λ = 1 gives -1 (always
/// first); λ = 0 gives +infinity (never).
///   Pareto (Rosén 1997):              Q = [u / (1 - u)] / [λ / (1 - λ)]
///   sequential Poisson (Ohlsson 1998): Q = u / λ
double pareto_key(double u, double lambda) noexcept;
double sequential_poisson_key(double u, double lambda) noexcept;

} // namespace kpiscore::sampling

#endif
