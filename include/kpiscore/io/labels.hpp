#ifndef KPISCORE_IO_LABELS_HPP
#define KPISCORE_IO_LABELS_HPP

#include <kpiscore/engine/kpi_table.hpp>

#include <span>
#include <string_view>

namespace kpiscore {

/// The language of column labels in output for people (CSV and table; JSON keeps the canonical
/// names, which programs read).
enum class Lang { en, zh };

/// "en" or "zh"; std::invalid_argument otherwise ("--lang: expected en or zh, actual 'fr'").
Lang parse_lang(std::string_view text);

/// One row of the label table: a canonical column name (KPI, group key, score column) and its
/// Chinese label, in the terms of the contact-centre manuals (docs/cli.md, "Labels").
struct ColumnLabel {
  std::string_view name;
  std::string_view zh;
};
/// The label table, the one place labels are kept.
std::span<const ColumnLabel> column_labels();

/// The label of a column: `name` itself in English or when the table has no entry (indicator
/// columns from a user's table keep their own names).
std::string_view column_label(std::string_view name, Lang lang);

/// A copy of `table` whose key names and KPI names are the labels of `lang` (for to_csv and
/// to_text); the values are unchanged. The KPI names view column_labels() or `table`'s own
/// names, so `table` must outlive the copy.
KpiTable labelled(const KpiTable& table, Lang lang);

} // namespace kpiscore

#endif
