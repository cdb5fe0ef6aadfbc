#ifndef KPISCORE_IO_MAPPING_HPP
#define KPISCORE_IO_MAPPING_HPP

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kpiscore {

/// How a duration column is written in the source: decimal seconds (the canonical form),
/// milliseconds, or a clock `HH:MM:SS` / `MM:SS` (hours and minutes of any length).
enum class DurationUnit : std::uint8_t { seconds, milliseconds, clock };

/// A value map: source text (after trimming) → canonical text. A column with a value map accepts
/// only the listed values (and empty); `expected` is the reject reason for any other value.
struct ValueMap {
  std::string name; ///< the preset name ("Y/N", "是/否", ...) or empty for an explicit map
  std::map<std::string, std::string, std::less<>> values;
  std::string expected; ///< reject reason, e.g. "expected Y/N" or "expected one of: 否, 是"
  bool operator==(const ValueMap&) const = default;
};

/// How one source column is read.
struct ColumnMapping {
  std::string source;  ///< the header in the file (trimmed)
  std::string target;  ///< canonical column (docs/input.md) or standard dimension; empty = drop
  bool optional = false; ///< the file may lack this column
  std::optional<DurationUnit> unit;        ///< durations only
  std::string timestamp_format;            ///< arrived_at only; empty = ISO-8601
  std::optional<ValueMap> values;          ///< flags, direction, csat, nps, dimensions
  std::optional<std::pair<int, int>> scale; ///< csat only: the source scale [min, max]
  std::vector<std::int8_t> rule;           ///< csat only: target value per source value (scale order)
  bool operator==(const ColumnMapping&) const = default;
};

/// A mapping document (docs/inputs.md): how a vendor export becomes canonical contact records.
///
///     {"encoding": "auto", "delimiter": "auto", "aliases": true,
///      "columns": {"工号": "agent_id",
///                  "通话时长": {"to": "talk_s", "unit": "hh:mm:ss"},
///                  "来电时间": {"to": "arrived_at", "format": "%Y/%m/%d %H:%M:%S"},
///                  "是否接通": {"to": "answered", "values": "是/否"},
///                  "备注": null}}
///
/// Headers that `columns` does not list are matched to canonical names, then (with `aliases`)
/// to the built-in aliases (`builtin_aliases()`); anything else is kept as a dimension under
/// its own name. Nothing is guessed from values: units, formats and scales come from here.
struct Mapping {
  std::string encoding = "auto"; ///< "auto", "utf-8", "gb18030", "gbk", "utf-16"
  char delimiter = 0;            ///< 0 = detect from the header line; else , ; \t |
  bool aliases = true;           ///< match headers against builtin_aliases()
  std::vector<ColumnMapping> columns;

  /// Parses a mapping document; errors are std::invalid_argument naming the JSON path, e.g.
  /// "mapping /columns/通话时长/unit: expected one of \"s\", \"ms\", \"hh:mm:ss\", actual \"min\"".
  static Mapping from_json(const nlohmann::json& doc);
  static Mapping from_json_text(std::string_view text);
  static Mapping from_file(const std::string& path); ///< InputError when unreadable
  nlohmann::json to_json() const;

  /// The explicit entry for a source header, if any.
  const ColumnMapping* find(std::string_view source) const;

  bool operator==(const Mapping&) const = default;
};

/// One built-in header alias: a lower-cased source header (ASCII letters lower-cased, spaces,
/// `_`, `-` and `.` removed before comparison) and the canonical column it stands for.
struct HeaderAlias {
  std::string_view alias;
  std::string_view target;
};
const std::vector<HeaderAlias>& builtin_aliases();

/// The canonical column a header names, via `mapping` (explicit entry, canonical name, alias);
/// nullopt when it is not placed (kept as a dimension of its own name). An explicit `null`
/// entry gives an empty string (dropped).
std::optional<std::string> resolve_header(std::string_view header, const Mapping& mapping);

/// Canonical column names that a mapping may target (docs/input.md and the standard dimensions).
bool is_canonical_column(std::string_view name);

/// The built-in value-map presets: "1/0", "Y/N", "yes/no", "true/false", "是/否" (flags) and
/// "呼入/呼出", "in/out" (direction). nullopt for an unknown name.
std::optional<ValueMap> value_map_preset(std::string_view name);

} // namespace kpiscore

#endif
