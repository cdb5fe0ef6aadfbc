#ifndef KPISCORE_METRICS_CONTACT_COUNTERS_HPP
#define KPISCORE_METRICS_CONTACT_COUNTERS_HPP

#include <array>
#include <cstdint>
#include <string_view>

namespace kpiscore {

/// The integer counters of a group's contact-KPI state. The order is part of the serialized
/// format (version 1): append new counters at the end and bump the format version.
enum class Counter : std::uint8_t {
  contacts,            ///< rows
  offered,             ///< inbound
  answered,            ///< inbound and answered
  handled,             ///< answered, any direction
  wait_sum_ms,         ///< over answered inbound
  sl_answered_within,  ///< answered inbound with wait within the threshold
  sl_abandoned_within, ///< abandoned (not short) with wait within the threshold
  sl_short_abandoned,  ///< abandoned with wait < short_abandon threshold
  handle_n,            ///< handled with every chosen handle component known
  handle_sum_ms,
  talk_n,
  talk_sum_ms,
  hold_n,
  hold_sum_ms,
  acw_n,
  acw_sum_ms,
  fcr_resolved,
  fcr_base,
  csat_n,
  csat_sum,
  csat_top_box,
  nps_n,
  nps_promoters,
  nps_detractors,
  complaints,
  complaint_base,
  conversions,
  conversion_base,
};
inline constexpr std::size_t counter_count = 28;

inline constexpr std::array<std::string_view, counter_count> counter_names{
    "contacts",       "offered",       "answered",      "handled",
    "wait_sum_ms",    "sl_answered_within", "sl_abandoned_within", "sl_short_abandoned",
    "handle_n",       "handle_sum_ms", "talk_n",        "talk_sum_ms",
    "hold_n",         "hold_sum_ms",   "acw_n",         "acw_sum_ms",
    "fcr_resolved",   "fcr_base",      "csat_n",        "csat_sum",
    "csat_top_box",   "nps_n",         "nps_promoters", "nps_detractors",
    "complaints",     "complaint_base", "conversions",  "conversion_base"};

/// 128-bit sums of squares (for variances and confidence intervals).
enum class Square : std::uint8_t { wait, handle, talk, hold, acw, csat };
inline constexpr std::size_t square_count = 6;
inline constexpr std::array<std::string_view, square_count> square_names{
    "wait_sumsq_ms2", "handle_sumsq_ms2", "talk_sumsq_ms2", "hold_sumsq_ms2", "acw_sumsq_ms2", "csat_sumsq"};

constexpr std::size_t idx(Counter c) noexcept { return static_cast<std::size_t>(c); }
constexpr std::size_t idx(Square s) noexcept { return static_cast<std::size_t>(s); }

} // namespace kpiscore

#endif
