#ifndef KPISCORE_TABLE_TIME_ZONE_HPP
#define KPISCORE_TABLE_TIME_ZONE_HPP

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore {

/// UTC offsets of a zone over a span of time: `offset_ms[i]` applies from `begin_utc_ms[i]`
/// (inclusive) to the next begin. Built once per aggregation, so bucketing a row is a lookup.
struct OffsetTable {
  std::vector<std::int64_t> begin_utc_ms;
  std::vector<std::int64_t> offset_ms;

  std::int64_t offset_at(std::int64_t utc_ms) const noexcept {
    if (offset_ms.size() == 1) return offset_ms[0];
    auto it = std::upper_bound(begin_utc_ms.begin(), begin_utc_ms.end(), utc_ms);
    const auto i = it == begin_utc_ms.begin() ? 0 : (it - begin_utc_ms.begin()) - 1;
    return offset_ms[static_cast<std::size_t>(i)];
  }
};

/// An IANA time zone (from the system tz database through Howard Hinnant's date/tz), or UTC.
/// Immutable and cheap to copy; safe to share between threads.
class TimeZone {
public:
  /// UTC, the default.
  TimeZone() = default;
  /// Looks up an IANA name such as "Asia/Shanghai"; throws std::invalid_argument when unknown.
  static TimeZone locate(std::string_view iana_name);

  const std::string& name() const noexcept { return name_; }
  bool is_utc() const noexcept { return zone_ == nullptr; }

  /// Offsets in force over [min_utc_ms, max_utc_ms].
  OffsetTable offsets(std::int64_t min_utc_ms, std::int64_t max_utc_ms) const;

  enum class LocalKind : std::uint8_t { unique, ambiguous, nonexistent };
  struct LocalResult {
    std::int64_t utc_ms;
    LocalKind kind;
  };
  /// Converts a local wall-clock time to UTC. In a DST overlap the earlier instant is chosen
  /// (`ambiguous`); a time in a DST gap does not exist (`nonexistent`, utc_ms unspecified).
  LocalResult to_utc(std::int64_t local_ms) const;

  /// The span of local time around `local_ms` in which one offset applies unambiguously
  /// (valid only when to_utc(local_ms) is unique): [lo_ms, hi_ms) with offset_ms.
  struct LocalWindow {
    std::int64_t lo_ms, hi_ms, offset_ms;
  };
  LocalWindow unique_window(std::int64_t local_ms) const;

private:
  std::string name_ = "UTC";
  const void* zone_ = nullptr; // const date::time_zone*
};

/// Local → UTC conversion with a cache of the offset in force, so converting a file of
/// timestamps costs a range check per row and a tz-database lookup only near transitions.
class LocalToUtc {
public:
  explicit LocalToUtc(const TimeZone& zone) : zone_(&zone) {}
  TimeZone::LocalResult operator()(std::int64_t local_ms) {
    if (zone_->is_utc()) return {local_ms, TimeZone::LocalKind::unique};
    if (local_ms >= lo_ && local_ms < hi_) return {local_ms - offset_, TimeZone::LocalKind::unique};
    return refill(local_ms);
  }

private:
  TimeZone::LocalResult refill(std::int64_t local_ms);
  const TimeZone* zone_;
  std::int64_t lo_ = 1, hi_ = 0, offset_ = 0;
};

} // namespace kpiscore

#endif
