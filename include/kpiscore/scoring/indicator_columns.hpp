#ifndef KPISCORE_SCORING_INDICATOR_COLUMNS_HPP
#define KPISCORE_SCORING_INDICATOR_COLUMNS_HPP

#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/reject.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::scoring {

/// Extra indicator columns (attendance, schedule adherence, cost per contact, record accuracy
/// ...) read from CSV: the group-key columns, then one numeric column per indicator (empty =
/// null). Names are owned here; a KpiTable joined with it refers to them, so this must outlive
/// that table's use. docs/inputs.md, "Indicator tables".
struct IndicatorColumns {
  std::vector<std::string> key_names;
  std::vector<std::vector<std::optional<std::string>>> keys; ///< accepted rows, file order
  std::vector<std::string> names;
  std::vector<std::vector<std::optional<double>>> values; ///< [row][indicator]
  std::vector<Reject> rejects;
  std::uint64_t rows_read = 0;    ///< records after the header (blank lines excluded)
  std::string encoding = "utf-8"; ///< as decoded ("utf-8", "utf-8-bom", "gb18030", ...)
  char delimiter = ',';           ///< as detected
  std::uint64_t accepted() const noexcept { return keys.size(); }
};

/// Reads an indicator table (the one reader behind `kpiscore kpis --indicators` and `kpiscore
/// score --indicators`). The bytes are decoded as for a mapped export ("auto": UTF-8 with or
/// without BOM, UTF-16 with BOM, GB18030) and the delimiter is detected from the header
/// (`,` `;` tab `|`). Every name in `key_names` must be a column (a group key); a column named
/// like a group key that is not among them (a time key, contact_id or a standard dimension) is
/// a header error; the other columns are indicators.
///
/// Records are validated like contact records, each problem a reject (line, field, reason) and
/// accepted + rejected = rows_read:
///  - a wrong field count, a quote problem;
///  - a time-key value that is not exactly the label the grouping gives (grouping.hpp):
///    month `YYYY-MM`, week `YYYY-Www` (ISO 8601, a week the year has), day `YYYY-MM-DD`,
///    hour `YYYY-MM-DDTHH:00`, interval30 / interval15 `YYYY-MM-DDTHH:MM` on the interval's
///    boundary, peak `peak` / `off_peak`; an empty time key ("missing period");
///  - an indicator value that is not a finite decimal number ("not a number");
///  - a key tuple seen on an earlier line ("duplicate group key").
/// An empty dimension key is null (it matches the group of contacts without that dimension).
/// Throws kpiscore::InputError for an undecodable file or a bad header.
IndicatorColumns read_indicator_csv(std::string_view bytes, std::span<const std::string> key_names);
IndicatorColumns read_indicator_csv_file(const std::string& path,
                                         std::span<const std::string> key_names);

/// How the rows of an indicator table met the groups of a KpiTable.
struct IndicatorJoin {
  std::size_t matched = 0;        ///< rows whose key is a group of the table
  std::size_t unmatched = 0;      ///< rows whose key is not: added as groups with null contact KPIs
  std::size_t groups_without = 0; ///< groups of the table that no row names: null indicators
};

/// Adds the indicator columns to `table` (observations 1 for a value, 0 for null); groups the
/// indicator table has and `table` lacks are added with null KPIs (counted as `unmatched`), so
/// no row is dropped. std::invalid_argument when the key names differ or an indicator has the
/// name of a KPI already in the table.
IndicatorJoin join(KpiTable& table, const IndicatorColumns& extra);

} // namespace kpiscore::scoring

#endif
