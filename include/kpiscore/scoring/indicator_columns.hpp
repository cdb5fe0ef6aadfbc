#ifndef KPISCORE_SCORING_INDICATOR_COLUMNS_HPP
#define KPISCORE_SCORING_INDICATOR_COLUMNS_HPP

#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/reject.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::scoring {

/// Extra indicator columns (attendance, cost, first response online ...) read from CSV: the
/// group-key columns, then one numeric column per indicator (empty = null). Names are owned
/// here; a KpiTable joined with it refers to them, so this must outlive that table's use.
struct IndicatorColumns {
  std::vector<std::string> key_names;
  std::vector<std::vector<std::optional<std::string>>> keys;
  std::vector<std::string> names;
  std::vector<std::vector<std::optional<double>>> values; ///< [row][indicator]
  std::vector<Reject> rejects;
};

/// Reads an indicator table: every column named in `key_names` must be present (it is a key);
/// the others are indicators. A value that is not a number is rejected (line, field, reason);
/// a duplicate key tuple is rejected. Throws kpiscore::InputError for a bad header.
IndicatorColumns read_indicator_csv(std::string_view text, std::span<const std::string> key_names);

/// Adds the indicator columns to `table` (observations 1 for a value, 0 for null); groups the
/// indicator table has and `table` lacks are added with null KPIs.
void join(KpiTable& table, const IndicatorColumns& extra);

} // namespace kpiscore::scoring

#endif
