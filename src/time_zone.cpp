#include <kpiscore/table/time_zone.hpp>

#include <date/tz.h>

#include <chrono>
#include <stdexcept>

namespace kpiscore {
namespace {

using ms = std::chrono::milliseconds;
constexpr std::int64_t day_ms = 86'400'000;

const date::time_zone* zone_of(const void* p) { return static_cast<const date::time_zone*>(p); }

} // namespace

TimeZone TimeZone::locate(std::string_view iana_name) {
  TimeZone tz;
  if (iana_name.empty() || iana_name == "UTC" || iana_name == "Etc/UTC") return tz;
  try {
    tz.zone_ = date::locate_zone(std::string(iana_name));
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown time zone '" + std::string(iana_name) + "'");
  }
  tz.name_ = std::string(iana_name);
  return tz;
}

OffsetTable TimeZone::offsets(std::int64_t min_utc_ms, std::int64_t max_utc_ms) const {
  OffsetTable table;
  if (is_utc()) {
    table.begin_utc_ms.push_back(std::numeric_limits<std::int64_t>::min());
    table.offset_ms.push_back(0);
    return table;
  }
  const auto* z = zone_of(zone_);
  date::sys_time<ms> t{ms{min_utc_ms}};
  bool first = true;
  while (true) {
    const date::sys_info info = z->get_info(t);
    table.begin_utc_ms.push_back(first ? std::numeric_limits<std::int64_t>::min()
                                       : date::floor<ms>(info.begin).time_since_epoch().count());
    table.offset_ms.push_back(date::floor<ms>(info.offset).count());
    first = false;
    const auto end_ms = date::floor<ms>(info.end).time_since_epoch().count();
    if (end_ms > max_utc_ms || info.end == date::sys_seconds::max()) break;
    t = date::sys_time<ms>{ms{end_ms}};
  }
  return table;
}

TimeZone::LocalResult TimeZone::to_utc(std::int64_t local_ms) const {
  if (is_utc()) return {local_ms, LocalKind::unique};
  const date::local_time<ms> lt{ms{local_ms}};
  const date::local_info info = zone_of(zone_)->get_info(date::floor<std::chrono::seconds>(lt));
  switch (info.result) {
  case date::local_info::unique:
    return {local_ms - date::floor<ms>(info.first.offset).count(), LocalKind::unique};
  case date::local_info::ambiguous:
    return {local_ms - date::floor<ms>(info.first.offset).count(), LocalKind::ambiguous};
  default:
    return {0, LocalKind::nonexistent};
  }
}

TimeZone::LocalWindow TimeZone::unique_window(std::int64_t local_ms) const {
  if (is_utc())
    return {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(), 0};
  const auto r = to_utc(local_ms);
  const date::sys_info info =
      zone_of(zone_)->get_info(date::sys_time<ms>{ms{r.utc_ms}});
  const std::int64_t offset = date::floor<ms>(info.offset).count();
  // The sys_info's span shifted to local time and shrunk by a day at each end (no zone moves
  // its offset by a day or more), so every local time inside maps uniquely with this offset.
  const std::int64_t begin = date::floor<ms>(info.begin).time_since_epoch().count();
  const std::int64_t end = date::floor<ms>(info.end).time_since_epoch().count();
  const std::int64_t lo = begin < std::numeric_limits<std::int64_t>::min() / 2 ? begin : begin + offset + day_ms;
  const std::int64_t hi = end > std::numeric_limits<std::int64_t>::max() / 2 ? end : end + offset - day_ms;
  if (lo >= hi || local_ms < lo || local_ms >= hi) return {local_ms, local_ms + 1, offset};
  return {lo, hi, offset};
}

TimeZone::LocalResult LocalToUtc::refill(std::int64_t local_ms) {
  const auto result = zone_->to_utc(local_ms);
  if (result.kind != TimeZone::LocalKind::unique) return result;
  const auto w = zone_->unique_window(local_ms);
  lo_ = w.lo_ms;
  hi_ = w.hi_ms;
  offset_ = w.offset_ms;
  return result;
}

} // namespace kpiscore
