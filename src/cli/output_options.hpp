#ifndef KPISCORE_CLI_OUTPUT_OPTIONS_HPP
#define KPISCORE_CLI_OUTPUT_OPTIONS_HPP

// What `kpiscore kpis` and `kpiscore score` share beyond cli_common.hpp: indicator tables
// (--indicators), pseudonymisation (--pseudonymise, --key-file), the group guard (--max-groups)
// and output for people (--bom, --lang). docs/cli.md, "Shared options".
#include "cli_common.hpp"

#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/labels.hpp>
#include <kpiscore/io/pseudonymise.hpp>
#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/scoring/indicator_columns.hpp>

#include <charconv>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kpiscore::cli {

struct SharedOptions {
  std::string indicators_path;
  std::vector<std::string> pseudonymise;
  std::string key_file;
  std::optional<std::uint64_t> max_groups;
  bool bom = false;
  Lang lang = Lang::en;
  std::optional<Pseudonymiser> pseudonymiser; ///< set by finish()

  /// Takes `a` (and its value through `value`) when it is one of the shared options.
  template <class Value> bool take(const std::string& a, Value&& value) {
    if (a == "--indicators")
      indicators_path = value();
    else if (a == "--key-file")
      key_file = value();
    else if (a == "--bom")
      bom = true;
    else if (a == "--pseudonymise") {
      try {
        pseudonymise = parse_pseudonymise_list(value());
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
    } else if (a == "--lang") {
      try {
        lang = parse_lang(value());
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
    } else if (a == "--max-groups") {
      const std::string& v = value();
      std::uint64_t n = 0;
      const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
      if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || n < 1 || n > 4'294'967'294u)
        throw UsageError("--max-groups: expected a number 1..4294967294, actual '" + v + "'");
      max_groups = n;
    } else
      return false;
    return true;
  }

  /// Checks combinations, loads the key. Call after the arguments are parsed.
  void finish(const std::string& format) {
    if (bom && format != "csv") throw UsageError("--bom: only with --format csv");
    if (lang != Lang::en && format == "json")
      throw UsageError("--lang: JSON keeps the canonical names; use --format csv or table");
    if (!pseudonymise.empty() && key_file.empty())
      throw UsageError("--pseudonymise needs --key-file FILE (a secret of at least 32 bytes)");
    if (pseudonymise.empty() && !key_file.empty())
      throw UsageError("--key-file is used with --pseudonymise COLUMNS");
    if (!key_file.empty()) try {
        pseudonymiser = Pseudonymiser::from_key_file(key_file);
      } catch (const InputError& e) {
        throw UsageError(std::string("--key-file: ") + e.what());
      } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--key-file: ") + e.what());
      }
  }

  void apply(KpiOptions& options) const {
    if (max_groups) options.max_groups = *max_groups;
  }

  /// The text a CSV output starts with.
  const char* csv_prefix() const { return bom ? "\xEF\xBB\xBF" : ""; }
};

/// Reads the indicator table, reports on standard error; false when --strict refuses it.
inline bool read_indicators(const std::string& path, const std::vector<std::string>& keys,
                            bool strict, scoring::IndicatorColumns& out) {
  out = scoring::read_indicator_csv_file(path, keys);
  std::cerr << "kpiscore: indicators: " << out.rows_read << " rows read, " << out.accepted()
            << " accepted, " << out.rejects.size() << " rejected\n";
  if (strict && !out.rejects.empty()) {
    const Reject& r = out.rejects.front();
    std::cerr << "kpiscore: --strict: indicators line " << r.line
              << (r.field.empty() ? "" : ", field " + r.field) << ": " << r.reason << "\n";
    return false;
  }
  for (const auto& r : out.rejects)
    std::cerr << "kpiscore: indicators line " << r.line
              << (r.field.empty() ? "" : ", field " + r.field) << ": " << r.reason << "\n";
  return true;
}

/// Joins the indicator columns to `table` and reports how the rows met the groups.
inline void join_indicators(KpiTable& table, const scoring::IndicatorColumns& extra) {
  scoring::IndicatorJoin j;
  try {
    j = scoring::join(table, extra);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--indicators: ") + e.what());
  }
  std::cerr << "kpiscore: indicators: " << j.matched << " rows joined to groups of contacts, "
            << j.unmatched
            << " rows match no group of contacts (added as groups without contact KPIs), "
            << j.groups_without << " groups of contacts have no indicator row\n";
}

} // namespace kpiscore::cli

#endif
