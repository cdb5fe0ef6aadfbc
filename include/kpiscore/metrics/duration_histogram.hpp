#ifndef KPISCORE_METRICS_DURATION_HISTOGRAM_HPP
#define KPISCORE_METRICS_DURATION_HISTOGRAM_HPP

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace kpiscore {

/// Log-linear buckets over integer milliseconds (the HDR-histogram layout with 4 sub-bucket bits):
/// values 0..15 ms have a bucket each; above, each power of two [2^e, 2^(e+1)) is cut into 16
/// equal buckets. A value is reported as its bucket's midpoint, so the relative error of any
/// reported quantile against the exact nearest-rank quantile is at most 1/32 = 3.125 %
/// (half a bucket width, 2^(e-5), over the bucket's lower edge, at least 2^e).
/// Values of 2^40 ms (about 35 years) and more share the last bucket.
namespace duration_buckets {
inline constexpr int sub_bits = 4;
inline constexpr std::uint32_t sub_count = 1u << sub_bits;
inline constexpr int max_exponent = 40;
inline constexpr std::uint32_t count = sub_count + (max_exponent - sub_bits) * sub_count;
inline constexpr double relative_error = 1.0 / 32.0;

inline std::uint32_t index(std::int64_t ms) noexcept {
  const auto v = static_cast<std::uint64_t>(ms < 0 ? 0 : ms);
  if (v < sub_count) return static_cast<std::uint32_t>(v);
  const int e = 63 - std::countl_zero(v); // floor(log2 v) >= 4
  if (e >= max_exponent) return count - 1;
  const auto sub = static_cast<std::uint32_t>((v >> (e - sub_bits)) & (sub_count - 1));
  return static_cast<std::uint32_t>(e - sub_bits + 1) * sub_count + sub;
}
inline std::int64_t lower(std::uint32_t bucket) noexcept {
  if (bucket < sub_count) return bucket;
  const int e = static_cast<int>(bucket / sub_count) + sub_bits - 1;
  const std::uint64_t sub = bucket % sub_count;
  return static_cast<std::int64_t>((sub_count + sub) << (e - sub_bits));
}
/// The value a bucket reports: its midpoint (exact for the 1-ms buckets).
inline std::int64_t representative(std::uint32_t bucket) noexcept {
  if (bucket < 2 * sub_count) return lower(bucket); // width 1
  const int e = static_cast<int>(bucket / sub_count) + sub_bits - 1;
  return lower(bucket) + (std::int64_t{1} << (e - sub_bits - 1));
}
} // namespace duration_buckets

/// A mergeable histogram of durations for one group: sparse (bucket, count) pairs sorted by
/// bucket, so a group with a few hundred contacts costs a few hundred bytes, not 600 counters.
class DurationHistogram {
public:
  using Bin = std::pair<std::uint32_t, std::uint64_t>;

  DurationHistogram() = default;
  explicit DurationHistogram(std::vector<Bin> bins) : bins_(std::move(bins)) {}

  void operator()(std::int64_t ms) { add_bucket(duration_buckets::index(ms), 1); }

  void add_bucket(std::uint32_t bucket, std::uint64_t n) {
    auto it = bins_.begin();
    while (it != bins_.end() && it->first < bucket) ++it;
    if (it != bins_.end() && it->first == bucket)
      it->second += n;
    else
      bins_.insert(it, {bucket, n});
  }

  /// Merge: counts of equal buckets add (a sorted merge of two sparse lists).
  DurationHistogram& operator+=(const DurationHistogram& o) {
    std::vector<Bin> out;
    out.reserve(bins_.size() + o.bins_.size());
    std::size_t i = 0, j = 0;
    while (i < bins_.size() || j < o.bins_.size()) {
      if (j == o.bins_.size() || (i < bins_.size() && bins_[i].first < o.bins_[j].first))
        out.push_back(bins_[i++]);
      else if (i == bins_.size() || o.bins_[j].first < bins_[i].first)
        out.push_back(o.bins_[j++]);
      else {
        out.emplace_back(bins_[i].first, bins_[i].second + o.bins_[j].second);
        ++i;
        ++j;
      }
    }
    bins_ = std::move(out);
    return *this;
  }
  bool operator==(const DurationHistogram&) const = default;

  std::uint64_t total() const noexcept {
    std::uint64_t n = 0;
    for (const auto& b : bins_) n += b.second;
    return n;
  }
  const std::vector<Bin>& bins() const noexcept { return bins_; }

  /// Nearest-rank quantile (Hyndman & Fan 1996, definition 1): the observation of rank
  /// ceil(p·n), reported as its bucket's representative, in ms; nullopt when empty.
  std::optional<std::int64_t> quantile(double p) const {
    const std::uint64_t n = total();
    if (n == 0) return std::nullopt;
    auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(n)));
    if (rank < 1) rank = 1;
    std::uint64_t seen = 0;
    for (const auto& [bucket, c] : bins_) {
      seen += c;
      if (seen >= rank) return duration_buckets::representative(bucket);
    }
    return duration_buckets::representative(bins_.back().first);
  }

private:
  std::vector<Bin> bins_;
};

} // namespace kpiscore

#endif
