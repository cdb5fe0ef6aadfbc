// Internal to src/grouping.cpp and src/aggregate.cpp: the dense composite group key computed
// straight from each row's dictionary codes and timestamp (no per-part code arrays), so the
// aggregation kernel can compute group keys block by block in its own pass over the columns.
#ifndef KPISCORE_SRC_GROUPING_FUSED_HPP
#define KPISCORE_SRC_GROUPING_FUSED_HPP

#include <kpiscore/engine/grouping.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kpiscore::detail {

/// One part of a fused key: a dimension (rank of its label by dictionary code, null last), a
/// standard dimension the table lacks (one null value), or a fixed-width time bucket
/// (interval15/30, hour, day) in a zone with a single UTC offset over the data.
struct FusedKeyPart {
  std::uint64_t card = 1; ///< values this part takes (the radix of its digit in the composite)
  // dimension
  const std::uint32_t* codes = nullptr;
  std::vector<std::uint32_t> rank; ///< by dictionary code; the last entry is the null rank
  std::vector<std::string> labels; ///< dimension labels in rank order
  // time
  bool time = false;
  int key = 0;            ///< index into time_key_names
  std::int64_t width = 1; ///< bucket width in ms
  std::int64_t shift = 0; ///< offset - bmin·width: (at + shift) / width is the bucket code, >= 0
  std::int64_t bmin = 0;  ///< first bucket number (for labels)
};

/// The mixed-radix composite of the parts' codes: its numeric order is the key order (labels
/// byte-wise, null last; time buckets in time order), so ranking the used composites gives the
/// same group ids as the general path of build_group_index.
class FusedKeys {
public:
  /// The plan for `by` over `table`, or nullopt when a key is not fusable (contact_id, week,
  /// month, peak, a zone with more than one UTC offset over the data, a duplicate key, no key)
  /// or the composite space is too large for a dense table (over 2^27, or over both 2^24 and 2n).
  static std::optional<FusedKeys> plan(const ContactTable& table, std::span<const std::string> by,
                                       const KpiOptions& options);

  /// The number of possible composites (the product of the parts' cardinalities), <= 2^27.
  std::uint64_t space() const noexcept { return space_; }

  /// Writes the composites of rows [b, e) to out[0, e - b). Column-wise loops; the time
  /// division is by a compile-time constant for each fixed width.
  void composites(std::size_t b, std::size_t e, std::uint32_t* out) const {
    const std::size_t len = e - b;
    std::fill(out, out + len, 0u);
    for (const FusedKeyPart& p : parts_) {
      if (p.card == 1) continue; // an absent standard dimension: code 0 always
      const auto m = static_cast<std::uint32_t>(p.card);
      if (p.codes) {
        const std::uint32_t* codes = p.codes + b;
        const std::uint32_t* rank = p.rank.data();
        // null_code is the largest uint32, every real code is below the null rank's index.
        const auto null_at = static_cast<std::uint32_t>(p.rank.size() - 1);
        for (std::size_t i = 0; i < len; ++i)
          out[i] = out[i] * m + rank[std::min(codes[i], null_at)];
      } else {
        time_digits(p, b, len, m, out);
      }
    }
  }

  /// The group index of the used composites (`used[c]` nonzero), ranked in composite order:
  /// keys and group count, and `rank_of[c]` = the group id of composite c (0 for unused ones).
  /// `group_of_row` is left empty. Throws TooManyGroups past options.max_groups.
  GroupIndex index_of_used(std::span<const std::uint8_t> used,
                           std::vector<std::uint32_t>& rank_of) const;

private:
  template <std::int64_t W>
  static void time_digits_w(const std::int64_t* at, std::int64_t shift, std::size_t len,
                            std::uint32_t m, std::uint32_t* out) {
    for (std::size_t i = 0; i < len; ++i)
      out[i] = out[i] * m + static_cast<std::uint32_t>(static_cast<std::uint64_t>(at[i] + shift) /
                                                       static_cast<std::uint64_t>(W));
  }
  void time_digits(const FusedKeyPart& p, std::size_t b, std::size_t len, std::uint32_t m,
                   std::uint32_t* out) const {
    constexpr std::int64_t minute = 60'000;
    const std::int64_t* at = arrived_at_ + b;
    switch (p.width) {
    case 15 * minute:
      return time_digits_w<15 * minute>(at, p.shift, len, m, out);
    case 30 * minute:
      return time_digits_w<30 * minute>(at, p.shift, len, m, out);
    case 60 * minute:
      return time_digits_w<60 * minute>(at, p.shift, len, m, out);
    default:
      return time_digits_w<1440 * minute>(at, p.shift, len, m, out);
    }
  }

  std::vector<FusedKeyPart> parts_;
  std::vector<std::string> names_;
  const std::int64_t* arrived_at_ = nullptr;
  std::uint64_t space_ = 1;
  std::uint64_t max_groups_ = 0;
};

} // namespace kpiscore::detail

#endif
