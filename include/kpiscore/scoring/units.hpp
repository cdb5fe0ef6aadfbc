#ifndef KPISCORE_SCORING_UNITS_HPP
#define KPISCORE_SCORING_UNITS_HPP

#include <kpiscore/metrics/contact_kpis.hpp>
#include <kpiscore/scoring/spec_error.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kpiscore::scoring {

/// The unit of a KPI as a spec writes its thresholds.
///   seconds  a number of seconds or a string with a unit: "500ms", "30s", "5min", "1.5h"
///   ratio    a fraction (0.85) or a percentage string ("85%")
///   number   a plain number (counts, means on a scale, NPS points, rates per 100 records)
enum class Unit : std::uint8_t { seconds, ratio, number };

std::string_view name_of(Unit u) noexcept;
/// "seconds", "ratio" or "number"; nullopt for anything else.
std::optional<Unit> unit_from_name(std::string_view name) noexcept;
/// The unit of an engine KPI kind: mean/quantile seconds → seconds, ratio → ratio, else number.
Unit unit_of(KpiKind kind) noexcept;

/// Parses a value in `u` (see Unit); a bad value is a SpecError at `path`. `allow_negative`
/// admits negative numbers (NPS targets, piecewise band ends); durations are never negative.
double parse_quantity(const nlohmann::json& v, Unit u, const std::string& path,
                      bool allow_negative = false);
/// A weight: a fraction (0.3) or a percentage string ("30%"); non-negative.
double parse_weight(const nlohmann::json& v, const std::string& path);
/// A number of points (scores, deductions): a plain number, not negative unless allowed.
double parse_points(const nlohmann::json& v, const std::string& path, bool allow_negative = false);

/// For people: 35 s → "35s", 0.85 → "85%", 25 → "25" (shortest round-trip digits).
std::string format_quantity(double v, Unit u);
/// Shortest round-trip form of a double ("82.96666666666667", "80").
std::string format_number(double v);

/// A calendar date as days since 1970-01-01, from "YYYY-MM-DD"; nullopt when malformed.
std::optional<std::int32_t> parse_date(std::string_view text) noexcept;
std::string format_date(std::int32_t days);
/// The first day of a time-key label of the engine (grouping.hpp): "YYYY-MM", "YYYY-MM-DD",
/// "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:00" or an ISO week "YYYY-Www" (its Monday).
std::optional<std::int32_t> period_start_day(std::string_view label) noexcept;

} // namespace kpiscore::scoring

#endif
