#ifndef KPISCORE_CLI_CUSTOM_KPIS_OPTION_HPP
#define KPISCORE_CLI_CUSTOM_KPIS_OPTION_HPP

// `--rules FILE.kpi` of `kpiscore kpis` and `kpiscore score`, and `kpiscore check` of a file of
// custom KPIs (docs/rules.md, "Custom KPIs"; docs/cli.md).
#include "cli_common.hpp"

#include <kpiscore/dsl/custom_kpi.hpp>
#include <kpiscore/dsl/parser.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/grouping.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace kpiscore::cli {

/// Whether a rules text has `kpi` statements (then it is a file of custom KPIs).
inline bool has_custom_kpis(const std::string& text) {
  std::vector<dsl::Diagnostic> ignored;
  for (const auto& s : dsl::parse_file(text, ignored))
    if (s.kind == dsl::Statement::Kind::kpi) return true;
  return false;
}

inline std::vector<std::string> dimension_names(const ContactTable& table) {
  std::vector<std::string> out;
  for (const auto& d : table.dimensions)
    out.push_back(d.name());
  return out;
}

/// Compiles `--rules FILE`: every error on standard error, then a usage error (exit 1).
inline dsl::CustomKpis load_custom_kpis(const std::string& path,
                                        const std::vector<std::string>& keys,
                                        const ContactTable& table) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const InputError& e) {
    throw UsageError(std::string("--rules: ") + e.what());
  }
  dsl::CompileOptions o;
  o.file = path;
  try {
    return dsl::CustomKpis::compile(text, keys, dimension_names(table), o);
  } catch (const dsl::CompileError& e) {
    std::cerr << e.what();
    throw UsageError(path + ": " + std::to_string(e.diagnostics().size()) +
                     " error(s) in the custom KPIs");
  }
}

/// The built-in state of `table` grouped by `keys`, with the custom KPIs accumulated when given.
inline GroupedKpiState aggregate_with(const ContactTable& table,
                                      const std::vector<std::string>& keys,
                                      const KpiOptions& options, const dsl::CustomKpis* custom) {
  GroupedKpiState state;
  try {
    const GroupIndex index = build_group_index(table, keys, options);
    state = aggregate(table, index, options);
    if (custom) state.set_custom(custom->accumulate(table, index));
  } catch (const std::domain_error& e) {
    throw InputError(std::string("--rules: ") + e.what());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return state;
}

/// The scorecard unit of a custom KPI's type (docs/scoring.md, "Units").
inline const char* scorecard_unit(dsl::Type t) {
  return t == dsl::Type::duration ? "seconds" : t == dsl::Type::ratio ? "ratio" : "number";
}

/// Declares the custom KPIs under the spec's "inputs" with their units, so a scorecard uses them
/// as indicators without declaring them; a declaration with another unit is a usage error.
inline void declare_custom_inputs(nlohmann::json& spec, const dsl::CustomKpis& custom) {
  if (!spec.is_object()) return; // the spec's own check reports it
  if (!spec.contains("inputs")) spec["inputs"] = nlohmann::json::object();
  nlohmann::json& in = spec["inputs"];
  if (!in.is_object()) return;
  for (const auto& k : custom.kpis()) {
    const std::string unit = scorecard_unit(k.type);
    if (in.contains(k.name) && in[k.name] != unit)
      throw UsageError("--rules: custom KPI `" + k.name + "` has the unit \"" + unit +
                       "\", the spec declares it as " + in[k.name].dump() + " under /inputs");
    in[k.name] = unit;
  }
}

/// `kpiscore check FILE.kpi [--by KEYS]` for a file of custom KPIs.
inline int check_custom_kpis(const std::string& file, const std::string& text,
                             const std::vector<std::string>& keys) {
  dsl::CompileOptions o;
  o.file = file;
  const auto errors = dsl::CustomKpis::check(text, keys, {}, o);
  if (!errors.empty()) {
    std::cout << dsl::format(errors, file, text);
    std::cerr << "kpiscore: " << errors.size() << " error(s)\n";
    return exit_usage;
  }
  const auto k = dsl::CustomKpis::compile(text, keys, {}, o);
  std::cout << file << ": ok: " << k.kpis().size() << " custom KPIs (";
  for (std::size_t i = 0; i < k.kpis().size(); ++i)
    std::cout << (i ? ", " : "") << k.kpis()[i].name << " " << dsl::name_of(k.kpis()[i].type);
  std::cout << "), " << k.aggregate_count() << " aggregates, cost "
            << k.record_program().cost_per_row() << " operations per row\n";
  return exit_ok;
}

} // namespace kpiscore::cli

#endif
