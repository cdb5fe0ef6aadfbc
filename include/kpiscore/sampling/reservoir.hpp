#ifndef KPISCORE_SAMPLING_RESERVOIR_HPP
#define KPISCORE_SAMPLING_RESERVOIR_HPP

#include <kpiscore/sampling/contact_hash.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace kpiscore::sampling {

/// A uniform sample of k items from a stream of unknown length, Algorithm L (Li 1994, "Reservoir-
/// sampling algorithms of time complexity O(n(1 + log(N/n)))", ACM TOMS 20(4)): after the first k
/// items, the number of items to skip before the next replacement is drawn directly,
/// floor(log(u) / log(1 - W)), with W the running maximum of k-th powers of uniforms, so the cost
/// is O(k (1 + log(N/k))) random numbers rather than one per item.
///
/// ORDER-DEPENDENT: which items are kept depends on the order they are offered in. Every item has
/// inclusion probability min(k, N) / N once N items have been offered.
template <class T> class ReservoirSampler {
public:
  ReservoirSampler(std::size_t k, std::uint64_t seed) : k_(k), rng_(seed) { items_.reserve(k); }

  void offer(T item) {
    ++seen_;
    if (items_.size() < k_) {
      items_.push_back(std::move(item));
      if (items_.size() == k_) {
        w_ = std::exp(std::log(rng_.uniform()) / static_cast<double>(k_));
        next_ = seen_ + skip();
      }
      return;
    }
    if (k_ == 0 || seen_ != next_) return;
    const auto slot = static_cast<std::size_t>(rng_.uniform() * static_cast<double>(k_));
    items_[slot < k_ ? slot : k_ - 1] = std::move(item);
    w_ *= std::exp(std::log(rng_.uniform()) / static_cast<double>(k_));
    next_ = seen_ + skip();
  }

  /// Items offered so far.
  std::uint64_t seen() const noexcept { return seen_; }
  /// The current sample (in no particular order).
  const std::vector<T>& items() const noexcept { return items_; }

private:
  /// 1 + the number of items passed over before the next replacement.
  std::uint64_t skip() {
    const double s = std::floor(std::log(rng_.uniform()) / std::log1p(-w_));
    constexpr double cap = 9.0e18;
    return (!(s < cap) ? static_cast<std::uint64_t>(cap) : static_cast<std::uint64_t>(s)) + 1;
  }

  std::size_t k_;
  SplitMix64 rng_;
  std::vector<T> items_;
  std::uint64_t seen_ = 0, next_ = 0;
  double w_ = 0;
};

} // namespace kpiscore::sampling

#endif
