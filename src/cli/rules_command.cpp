// `kpiscore rules` (evaluate a rules file over contacts or per-group KPIs: firing and null counts,
// or the explanation of one record or group) and `kpiscore check FILE.kpi` (every error).
#include "cli_common.hpp"
#include "custom_kpis_option.hpp"

#include <kpiscore/dsl.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/table/time_zone.hpp>

#include <iostream>

namespace kpiscore::cli {

int run_check_rules(const std::vector<std::string>& args);

namespace {

const char* rules_help = R"(kpiscore rules — evaluate a rules file (docs/rules.md)

usage:
  kpiscore rules FILE.kpi --input contacts.csv [--scope record|group] [--by KEYS] [--tz ZONE]
                 [--explain ROW | --group KEY=VALUE,...]

  --scope record   rules over each contact's fields (wait_s, handle_s, channel, csat, ...)
  --scope group    rules over each group's KPIs (asa_s, fcr, nps, ...) grouped by --by (default)
  --by KEYS        group keys, e.g. agent_id,month (group scope)
  --explain ROW    explain one record (0-based row) or group (0-based, in key order) as JSON
  --group K=V,...  explain the group with these key values, e.g. agent_id=A017,month=2026-03
Without --explain/--group: per rule, rows, fired (true), not fired (false) and null counts (JSON).
)";

// The group keys a check assumes: --by, or without it every standard dimension and time key.
std::vector<std::string> keys_for_check(const std::vector<std::string>& keys) {
  std::vector<std::string> names = keys;
  if (names.empty()) {
    for (auto d : standard_dimension_names)
      names.emplace_back(d);
    for (auto t : time_key_names)
      names.emplace_back(t);
  }
  return names;
}

dsl::Scope group_scope_for_check(const std::vector<std::string>& keys) {
  return dsl::Scope::group(keys_for_check(keys));
}

struct Args {
  std::string file, input, scope = "group", by, tz, group;
  long long explain = -1;
};

Args parse(const std::vector<std::string>& args, bool need_input) {
  Args a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& x = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(x + ": missing value");
      return args[++i];
    };
    if (x == "--input")
      a.input = value();
    else if (x == "--scope") {
      a.scope = value();
      if (a.scope != "record" && a.scope != "group")
        throw UsageError("--scope: expected record or group, actual '" + a.scope + "'");
    } else if (x == "--by")
      a.by = value();
    else if (x == "--tz")
      a.tz = value();
    else if (x == "--group")
      a.group = value();
    else if (x == "--explain") {
      const std::string& v = value();
      try {
        std::size_t used = 0;
        a.explain = std::stoll(v, &used);
        if (used != v.size() || a.explain < 0) throw std::invalid_argument("");
      } catch (const std::exception&) {
        throw UsageError("--explain: expected a row number >= 0, actual '" + v + "'");
      }
    } else if (!x.empty() && x[0] == '-') {
      throw UsageError("rules: unknown argument '" + x + "' (see kpiscore rules --help)");
    } else if (a.file.empty()) {
      a.file = x;
    } else {
      throw UsageError("rules: expected one FILE.kpi, actual a second '" + x + "'");
    }
  }
  if (a.file.empty()) throw UsageError("rules: expected a FILE.kpi (see kpiscore rules --help)");
  if (need_input && a.input.empty())
    throw UsageError("rules: --input FILE is required (see kpiscore rules --help)");
  return a;
}

std::string stats_json(const std::vector<dsl::RuleStats>& s) {
  std::string o = "{\"rules\":[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) o += ",";
    o += "{\"name\":\"" + s[i].name + "\",\"rows\":" + std::to_string(s[i].rows) +
         ",\"fired\":" + std::to_string(s[i].fired) +
         ",\"not_fired\":" + std::to_string(s[i].not_fired) +
         ",\"nulls\":" + std::to_string(s[i].nulls) + "}";
  }
  return o + "]}\n";
}

int run_rules(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << rules_help;
    return exit_ok;
  }
  const Args a = parse(args, true);
  const std::string text = read_file(a.file);
  KpiOptions options;
  try {
    if (!a.tz.empty()) options.timezone = TimeZone::locate(a.tz).name();
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  ReadResult read = read_contacts_csv_file(a.input, options);
  std::cerr << "kpiscore: " << read.rows_read << " rows read, " << read.accepted() << " accepted, "
            << read.rejects.size() << " rejected\n";
  dsl::CompileOptions co;
  co.file = a.file;
  auto run = [&](const dsl::Scope& scope, const dsl::Table& table, std::size_t row) {
    std::vector<dsl::Diagnostic> errors = dsl::Program::check(text, scope, co);
    if (!errors.empty()) {
      std::cout << dsl::format(errors, a.file, text);
      std::cerr << "kpiscore: " << errors.size() << " error(s)\n";
      return exit_usage;
    }
    const auto program = dsl::Program::compile(text, scope, co);
    if (a.explain >= 0 || !a.group.empty()) {
      if (row >= table.rows())
        throw UsageError("--explain: row " + std::to_string(row) + " of " +
                         std::to_string(table.rows()));
      std::cout << program.explain_json(table, row) << "\n";
    } else {
      std::cout << stats_json(program.stats(table));
    }
    return exit_ok;
  };
  if (a.scope == "record") {
    if (!a.group.empty()) throw UsageError("--group is for --scope group; use --explain ROW");
    const dsl::Scope scope = dsl::Scope::record(read.table);
    const dsl::Table table = dsl::bind(scope, read.table);
    return run(scope, table, static_cast<std::size_t>(a.explain < 0 ? 0 : a.explain));
  }
  std::vector<std::string> keys;
  try {
    keys = parse_group_by(a.by);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  options.quantiles = true;
  KpiTable kpis;
  try {
    kpis = finalize(aggregate(read.table, keys, options));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::size_t row = a.explain < 0 ? 0 : static_cast<std::size_t>(a.explain);
  if (!a.group.empty()) {
    // K=V,K=V: the group whose keys have these values (others unconstrained).
    std::vector<std::pair<std::size_t, std::string>> want;
    std::size_t start = 0;
    while (start <= a.group.size()) {
      const std::size_t end = std::min(a.group.find(',', start), a.group.size());
      const std::string part = a.group.substr(start, end - start);
      const std::size_t eq = part.find('=');
      if (eq == std::string::npos)
        throw UsageError("--group: expected KEY=VALUE, actual '" + part + "'");
      const std::string k = part.substr(0, eq);
      std::size_t idx = kpis.key_names.size();
      for (std::size_t i = 0; i < kpis.key_names.size(); ++i)
        if (kpis.key_names[i] == k) idx = i;
      if (idx == kpis.key_names.size())
        throw UsageError("--group: '" + k + "' is not a key of --by");
      want.emplace_back(idx, part.substr(eq + 1));
      start = end + 1;
    }
    row = kpis.size();
    for (std::size_t g = 0; g < kpis.size() && row == kpis.size(); ++g) {
      bool match = true;
      for (const auto& [i, v] : want)
        match = match && kpis.keys[g][i] && *kpis.keys[g][i] == v;
      if (match) row = g;
    }
    if (row == kpis.size()) {
      std::cerr << "kpiscore: no group has the keys " << a.group << "\n";
      return exit_input;
    }
  }
  const dsl::Scope scope = dsl::Scope::group(kpis);
  const dsl::Table table = dsl::bind(scope, kpis);
  return run(scope, table, row);
}

const RegisterCommand rules_command{
    "rules",
    "kpiscore rules FILE.kpi --input FILE.csv [--scope record|group] [--by KEYS]   rule firing "
    "counts or one explanation",
    &run_rules};

} // namespace

int run_check_rules(const std::vector<std::string>& args) {
  const Args a = parse(args, false);
  const std::string text = read_file(a.file);
  const std::vector<std::string> keys =
      a.by.empty() ? std::vector<std::string>{} : parse_group_by(a.by);
  if (has_custom_kpis(text)) return check_custom_kpis(a.file, text, keys_for_check(keys));
  const dsl::Scope scope = a.scope == "record" ? dsl::Scope::record() : group_scope_for_check(keys);
  dsl::CompileOptions co;
  co.file = a.file;
  const auto errors = dsl::Program::check(text, scope, co);
  if (!errors.empty()) {
    std::cout << dsl::format(errors, a.file, text);
    std::cerr << "kpiscore: " << errors.size() << " error(s)\n";
    return exit_usage;
  }
  const auto p = dsl::Program::compile(text, scope, co);
  std::cout << a.file << ": ok: " << p.outputs().size() << " rules in the " << a.scope << " scope, "
            << p.instruction_count() << " instructions, cost " << p.cost_per_row()
            << " operations per row\n";
  return exit_ok;
}

} // namespace kpiscore::cli
