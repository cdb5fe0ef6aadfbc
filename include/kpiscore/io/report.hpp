#ifndef KPISCORE_IO_REPORT_HPP
#define KPISCORE_IO_REPORT_HPP

#include <kpiscore/engine/kpi_table.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace kpiscore {

/// JSON: an array of objects, the group keys by name (null for a null key), then every KPI;
/// counts are integers, other KPIs numbers (shortest round-trip form) or null.
nlohmann::ordered_json to_json(const KpiTable& table);
/// CSV with a header row; a null is an empty field.
std::string to_csv(const KpiTable& table);
/// An aligned text table for people: ratios as percentages, durations in seconds.
std::string to_text(const KpiTable& table);

/// Terminal columns of UTF-8 text (CJK ideographs and other 3- and 4-byte characters take two).
std::size_t display_width(std::string_view text);
/// Aligns cells by display width: the first `left_aligned` columns left, the rest right; a rule
/// of dashes under the header when `rule` is set.
std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows, std::size_t left_aligned,
                       bool rule = false);

} // namespace kpiscore

#endif
