#ifndef KPISCORE_IO_REPORT_HPP
#define KPISCORE_IO_REPORT_HPP

#include <kpiscore/engine/kpi_table.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace kpiscore {

/// JSON: an array of objects, the group keys by name (null for a null key), then every KPI;
/// counts are integers, other KPIs numbers (shortest round-trip form) or null.
nlohmann::ordered_json to_json(const KpiTable& table);
/// CSV with a header row; a null is an empty field.
std::string to_csv(const KpiTable& table);
/// An aligned text table for people: ratios as percentages, durations in seconds.
std::string to_text(const KpiTable& table);

} // namespace kpiscore

#endif
