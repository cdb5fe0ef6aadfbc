// kpiscore command-line interface. Exit codes (docs/cli.md):
//   0 ok · 1 usage error (bad arguments or options document) · 2 input error (unreadable file,
//   unusable header, or any rejected record under --strict) · 3 internal error.
#include "cli_common.hpp"
#include "custom_kpis_option.hpp"
#include "output_options.hpp"

#include <kpiscore/kpiscore.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace kpiscore;
using namespace kpiscore::cli;

const char* main_help = R"(kpiscore — contact-centre KPIs, scores and QA samples

Usage:
  kpiscore kpis  --input FILE.csv [--by KEYS] [options]   KPIs per group from contact records
  kpiscore merge STATE_FILE... [--format F]               merge saved states, print their KPIs
  kpiscore --version | --help
  kpiscore COMMAND --help                                 help on one command

Exit codes: 0 ok, 1 usage error, 2 input error (or rejected records under --strict),
3 internal error. Documentation: docs/cli.md, docs/kpis.md.
)";

const char* kpis_help = R"(kpiscore kpis — KPIs per group from a contacts CSV

Usage:
  kpiscore kpis --input FILE.csv [--by agent_id,month,...] [--sl-threshold SECONDS]
                [--tz IANA_ZONE] [--options FILE.json] [--mapping FILE.json]
                [--format json|csv|table] [--bom] [--lang en|zh] [--indicators T.csv]
                [--pseudonymise COLUMNS --key-file K] [--max-groups N]
                [--rejects FILE] [--strict] [--quantiles] [--intervals] [--threads N]
                [--state-out FILE] [--rules CUSTOM.kpi]

  --input FILE       contact records, CSV with a header (docs/input.md for the columns)
  --by KEYS          comma-separated group keys: any dimension column (agent_id, team, channel,
                     queue, vendor, ...), contact_id, and time keys of arrived_at: interval15,
                     interval30, hour, day, week (ISO), month, peak. Default: one group for all.
  --sl-threshold S   service-level threshold in seconds (default 20; overrides the options file)
  --tz ZONE          IANA time zone of offset-less timestamps and of time keys (default UTC)
  --options FILE     the options document (docs/kpis.md lists every option and its default)
  --mapping FILE     read a vendor export through a mapping document (docs/inputs.md):
                     encoding and delimiter detected, headers, units, formats and flags mapped
  --format F         json (default), csv or table
  --bom              CSV output starts with a UTF-8 byte-order mark (for Excel)
  --lang L           column labels of csv/table output: en (default) or zh (docs/cli.md, "Labels")
  --indicators FILE  extra indicators (attendance, cost per contact ...), CSV keyed by exactly the
                     --by keys; time keys written as the labels of --by (docs/inputs.md)
  --pseudonymise C   replace these identifier columns (e.g. agent_id,contact_id) in every output
                     by keyed hashes (HMAC-SHA256, 80 bits); needs --key-file
  --key-file K       the secret key: the file's bytes, at least 32
  --max-groups N     refuse (exit 2) to make more groups than N (default 5000000; docs/kpis.md)
  --rejects FILE     write rejected records as CSV: line,field,reason
  --strict           any rejected record is an error: exit 2, no KPI output
  --quantiles        add wait_p50_s, wait_p90_s, handle_p50_s, handle_p90_s
  --intervals        add <kpi>_lo and <kpi>_hi after every ratio, mean and NPS KPI: confidence
                     intervals at 1 - alpha (options "intervals": alpha 0.05, proportions by
                     the Wilson method by default; docs/statistics.md)
  --threads N        worker threads (default: all cores)
  --state-out FILE   also save the mergeable aggregation state (see `kpiscore merge`)
  --rules FILE       custom KPIs (`kpi NAME = ...` statements, docs/rules.md "Custom KPIs"): their
                     columns follow the built-in KPIs, and the saved state carries them

A summary (rows read, accepted, rejected) goes to standard error.
)";

const char* merge_help = R"(kpiscore merge — merge saved aggregation states and print their KPIs

Usage:
  kpiscore merge STATE_FILE... [--format json|csv|table] [--intervals] [--state-out FILE]

States come from `kpiscore kpis --state-out`; they merge only when their group keys and options
agree (the options fingerprint is checked), and when they carry custom KPIs (--rules), only when
they were aggregated with the same rules text (its fingerprint is checked); the merged state's
custom KPI columns are computed from the rules text the state carries. Merging is exact: any split of the records merged
gives the same KPIs as one pass.
)";

void print(const KpiTable& table, const std::string& format) {
  if (format == "json")
    std::cout << to_json(table).dump(2) << "\n";
  else if (format == "csv")
    std::cout << to_csv(table);
  else
    std::cout << to_text(table);
}

std::string check_format(const std::string& f) {
  if (f != "json" && f != "csv" && f != "table")
    throw UsageError("--format: expected json, csv or table, actual '" + f + "'");
  return f;
}

int run_kpis(const std::vector<std::string>& args) {
  std::string input, by, options_path, format = "json", rejects_path, tz, state_out, mapping_path;
  std::string rules_path;
  std::optional<double> sl;
  bool strict = false, quantiles = false, intervals = false;
  std::optional<int> threads;
  SharedOptions shared;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + ": missing value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << kpis_help;
      return exit_ok;
    } else if (shared.take(a, value)) continue;
    else if (a == "--input") input = value();
    else if (a == "--by") by = value();
    else if (a == "--options") options_path = value();
    else if (a == "--mapping") mapping_path = value();
    else if (a == "--format") format = check_format(value());
    else if (a == "--rejects") rejects_path = value();
    else if (a == "--tz") tz = value();
    else if (a == "--state-out") state_out = value();
    else if (a == "--rules") rules_path = value();
    else if (a == "--strict") strict = true;
    else if (a == "--quantiles") quantiles = true;
    else if (a == "--intervals") intervals = true;
    else if (a == "--threads") {
      const std::string& v = value();
      int n = -1;
      const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
      if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || n < 0 || n > 1024)
        throw UsageError("--threads: expected a number 0..1024, actual '" + v + "'");
      threads = n;
    } else if (a == "--sl-threshold") {
      const std::string& v = value();
      std::size_t used = 0;
      try {
        sl = std::stod(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != v.size() || !(*sl >= 0)) throw UsageError("--sl-threshold: expected seconds >= 0, actual '" + v + "'");
    } else
      throw UsageError("kpis: unknown argument '" + a + "' (see kpiscore kpis --help)");
  }
  if (input.empty()) throw UsageError("kpis: --input FILE is required (see kpiscore kpis --help)");
  shared.finish(format);

  nlohmann::json doc = nlohmann::json::object();
  if (!options_path.empty()) {
    std::string text;
    try {
      text = read_file(options_path);
    } catch (const InputError& e) {
      throw UsageError(std::string("--options: ") + e.what());
    }
    try {
      doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw UsageError("--options: not valid JSON: " + std::string(e.what()));
    }
    if (!doc.is_object()) throw UsageError("--options: expected a JSON object");
  }
  KpiOptions options;
  try {
    options = KpiOptions::from_json(doc);
    // Command-line flags override the options document.
    if (sl) options.service_level.threshold_ms = std::llround(*sl * 1000.0);
    if (!tz.empty()) options.timezone = TimeZone::locate(tz).name();
    if (quantiles) options.quantiles = true;
    if (threads) options.threads = *threads;
    shared.apply(options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const std::vector<std::string> keys = [&] {
    try {
      return parse_group_by(by);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }();

  std::optional<Mapping> mapping;
  if (!mapping_path.empty()) try {
      mapping = Mapping::from_file(mapping_path);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--mapping: ") + e.what());
    }
  ReadResult read = mapping ? read_contacts_csv_file(input, options, *mapping) : read_contacts_csv_file(input, options);
  if (!rejects_path.empty()) write_file(rejects_path, rejects_to_csv(read.rejects));
  std::cerr << "kpiscore: " << read.rows_read << " rows read, " << read.accepted() << " accepted, "
            << read.rejects.size() << " rejected";
  if (read.blank_lines) std::cerr << ", " << read.blank_lines << " blank lines skipped";
  if (mapping) std::cerr << " (" << read.encoding << ", delimiter " << delimiter_name(read.delimiter) << ")";
  if (!read.rejects.empty())
    std::cerr << (rejects_path.empty() ? " (write them with --rejects FILE)" : " (in " + rejects_path + ")");
  std::cerr << "\n";
  if (strict && !read.rejects.empty()) {
    const Reject& r = read.rejects.front();
    std::cerr << "kpiscore: --strict: line " << r.line << (r.field.empty() ? "" : ", field " + r.field)
              << ": " << r.reason << "\n";
    return exit_input;
  }
  if (options.legs.collapse) {
    LegSummary legs;
    read.table = collapse_legs(read.table, options.legs, &legs);
    std::cerr << "kpiscore: legs: " << legs.rows_in << " rows -> " << legs.contacts << " contacts ("
              << legs.multi_leg_contacts << " with several legs)\n";
    if (legs.duplicate_rows)
      std::cerr << "kpiscore: warning: " << legs.duplicate_rows << " exact duplicate rows dropped\n";
  }
  scoring::IndicatorColumns extra; // owns the indicator names the joined table refers to
  if (!shared.indicators_path.empty() && !read_indicators(shared.indicators_path, keys, strict, extra))
    return exit_input;
  if (shared.pseudonymiser) {
    // Before aggregation, so the saved state, the group order and every output carry only
    // pseudonyms; the indicator keys get the same pseudonyms so that they still join.
    try {
      pseudonymise(read.table, shared.pseudonymise, *shared.pseudonymiser);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--") + e.what());
    } catch (const std::runtime_error& e) {
      throw InputError(e.what());
    }
    try {
      pseudonymise_keys(extra.key_names, extra.keys, shared.pseudonymise, *shared.pseudonymiser);
    } catch (const std::runtime_error& e) {
      throw InputError(e.what());
    }
  }
  std::optional<dsl::CustomKpis> custom;
  if (!rules_path.empty()) custom = load_custom_kpis(rules_path, keys, read.table);
  GroupedKpiState state = aggregate_with(read.table, keys, options, custom ? &*custom : nullptr);
  if (!state_out.empty()) {
    const auto bytes = state.serialize();
    write_file(state_out, std::string(bytes.begin(), bytes.end()));
  }
  KpiTable table = finalize(state);
  if (intervals) add_intervals(table, state);
  if (custom) custom->add_columns(table, state);
  if (!shared.indicators_path.empty()) join_indicators(table, extra);
  if (format == "csv") std::cout << shared.csv_prefix();
  if (shared.lang != Lang::en)
    print(labelled(table, shared.lang), format);
  else
    print(table, format);
  return exit_ok;
}

int run_merge(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::string format = "json", state_out;
  bool intervals = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << merge_help;
      return exit_ok;
    } else if (a == "--intervals") {
      intervals = true;
    } else if (a == "--format" || a == "--state-out") {
      if (i + 1 >= args.size()) throw UsageError(a + ": missing value");
      (a == "--format" ? format : state_out) = args[++i];
      if (a == "--format") check_format(format);
    } else if (!a.empty() && a[0] == '-')
      throw UsageError("merge: unknown argument '" + a + "'");
    else
      files.push_back(a);
  }
  if (files.empty()) throw UsageError("merge: at least one STATE_FILE is required");
  std::optional<GroupedKpiState> total;
  for (const auto& f : files) {
    const std::string bytes = read_file(f);
    GroupedKpiState s;
    try {
      s = GroupedKpiState::deserialize(
          std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
      if (total)
        *total += s;
      else
        total = std::move(s);
    } catch (const std::invalid_argument& e) {
      throw InputError(f + ": " + e.what());
    }
  }
  if (!state_out.empty()) {
    const auto bytes = total->serialize();
    write_file(state_out, std::string(bytes.begin(), bytes.end()));
  }
  KpiTable table = finalize(*total);
  if (intervals) add_intervals(table, *total);
  std::optional<dsl::CustomKpis> custom;
  if (total->custom()) {
    try {
      custom = dsl::CustomKpis::from_state(*total);
    } catch (const std::invalid_argument& e) { // also a CompileError of a damaged program text
      throw InputError(files.front() + ": " + e.what());
    }
    custom->add_columns(table, *total);
  }
  print(table, format);
  return exit_ok;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      std::cout << main_help;
      if (!commands().empty()) {
        std::cout << "\nMore commands:\n";
        for (const auto& c : commands()) std::cout << "  " << c.usage << "\n";
      }
      return args.empty() ? exit_usage : exit_ok;
    }
    if (args[0] == "--version") {
      std::cout << "kpiscore " << KPISCORE_VERSION_STRING << "\n";
      return exit_ok;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    if (command == "kpis") return run_kpis(args);
    if (command == "merge") return run_merge(args);
    for (const auto& c : commands())
      if (c.name == command) return c.run(args);
    throw UsageError("unknown command '" + command + "' (see kpiscore --help)");
  } catch (const UsageError& e) {
    std::cerr << "kpiscore: " << e.what() << "\n";
    return exit_usage;
  } catch (const InputError& e) {
    std::cerr << "kpiscore: " << e.what() << "\n";
    return exit_input;
  } catch (const TooManyGroups& e) {
    std::cerr << "kpiscore: " << e.what() << "\n";
    return exit_input;
  } catch (const std::exception& e) {
    std::cerr << "kpiscore: internal error: " << e.what() << "\n";
    return exit_internal;
  }
}
