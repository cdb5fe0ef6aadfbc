// `kpiscore score` (KPIs per group scored by a scorecard) and `kpiscore check` (validate a spec).
#include "cli_common.hpp"

#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/scoring.hpp>
#include <kpiscore/table/time_zone.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <iostream>

namespace {

using namespace kpiscore;
using namespace kpiscore::cli;

const char* score_help = R"(kpiscore score — score groups of contacts with a scorecard

Usage:
  kpiscore score --spec SPEC.json --input FILE.csv [--by agent_id,month] [--options FILE.json]
                 [--tz IANA_ZONE] [--format json|csv|table] [--decimals N] [--no-trace]
                 [--rejects FILE] [--strict]

  --spec FILE      the scorecard (docs/scoring.md); checked first, every error reported
  --input FILE     contact records, CSV with a header (docs/input.md)
  --by KEYS        group keys as for `kpiscore kpis` (a month/week/day key dates each group for
                   effective-dated targets)
  --options FILE   the KPI options document (docs/kpis.md)
  --tz ZONE        IANA time zone of offset-less timestamps and time keys (default UTC)
  --format F       json (default: keys, score, grade, bonus, dimensions, indicators, penalties,
                   trace per group), csv (one row per group) or table (with each group's trace)
  --decimals N     display rounding (scores are computed unrounded)
  --no-trace       leave the trace out of the JSON
)";

const char* check_help = R"(kpiscore check — validate a scorecard spec

Usage:
  kpiscore check SPEC.json

Prints every error with its JSON path (exit 1), or a summary of the valid scorecard (exit 0).
)";

scoring::Scorecard load_spec(const std::string& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const InputError& e) {
    throw UsageError(std::string("--spec: ") + e.what());
  }
  const auto errors = scoring::Scorecard::check_text(text);
  if (!errors.empty()) {
    for (const auto& e : errors) std::cerr << "kpiscore: " << path << ": " << e.what() << "\n";
    throw UsageError(path + ": " + std::to_string(errors.size()) + " error(s) in the scorecard spec");
  }
  return scoring::Scorecard::compile_text(text);
}

int run_score(const std::vector<std::string>& args) {
  std::string spec, input, by, options_path, tz, format = "json", rejects_path;
  int decimals = -1;
  bool trace = true, strict = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + ": missing value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << score_help;
      return exit_ok;
    } else if (a == "--spec") spec = value();
    else if (a == "--input") input = value();
    else if (a == "--by") by = value();
    else if (a == "--options") options_path = value();
    else if (a == "--tz") tz = value();
    else if (a == "--rejects") rejects_path = value();
    else if (a == "--strict") strict = true;
    else if (a == "--no-trace") trace = false;
    else if (a == "--format") {
      format = value();
      if (format != "json" && format != "csv" && format != "table")
        throw UsageError("--format: expected json, csv or table, actual '" + format + "'");
    } else if (a == "--decimals") {
      const std::string& v = value();
      const auto r = std::from_chars(v.data(), v.data() + v.size(), decimals);
      if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || decimals < 0 || decimals > 12)
        throw UsageError("--decimals: expected a number 0..12, actual '" + v + "'");
    } else
      throw UsageError("score: unknown argument '" + a + "' (see kpiscore score --help)");
  }
  if (spec.empty()) throw UsageError("score: --spec FILE is required (see kpiscore score --help)");
  if (input.empty()) throw UsageError("score: --input FILE is required (see kpiscore score --help)");
  const scoring::Scorecard card = load_spec(spec);

  KpiOptions options;
  try {
    nlohmann::json doc = nlohmann::json::object();
    if (!options_path.empty()) {
      std::string text;
      try {
        text = read_file(options_path);
      } catch (const InputError& e) {
        throw UsageError(std::string("--options: ") + e.what());
      }
      options = KpiOptions::from_json_text(text);
    }
    if (!tz.empty()) options.timezone = TimeZone::locate(tz).name();
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  // Scorecards may use the percentile KPIs: compute them when the spec reads any.
  for (const auto& k : card.kpis())
    if (k.name.find("_p50_") != std::string::npos || k.name.find("_p90_") != std::string::npos) options.quantiles = true;
  std::vector<std::string> keys;
  try {
    keys = parse_group_by(by);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  ReadResult read = read_contacts_csv_file(input, options);
  if (!rejects_path.empty()) write_file(rejects_path, rejects_to_csv(read.rejects));
  std::cerr << "kpiscore: " << read.rows_read << " rows read, " << read.accepted() << " accepted, "
            << read.rejects.size() << " rejected\n";
  if (strict && !read.rejects.empty()) {
    const Reject& r = read.rejects.front();
    std::cerr << "kpiscore: --strict: line " << r.line << (r.field.empty() ? "" : ", field " + r.field) << ": "
              << r.reason << "\n";
    return exit_input;
  }
  GroupedKpiState state;
  try {
    state = aggregate(read.table, keys, options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const KpiTable table = finalize(state);
  const scoring::ScoreTable scores = scoring::score(card, table);
  scoring::OutputOptions out;
  out.decimals = decimals;
  out.trace = trace;
  if (format == "json")
    std::cout << scoring::to_json(scores, out).dump(2) << "\n";
  else if (format == "csv")
    std::cout << scoring::to_csv(scores, out);
  else {
    std::cout << scoring::to_text(scores, out);
    for (std::size_t g = 0; g < scores.size(); ++g) std::cout << "\n" << scoring::explain_text(scores, g, out);
  }
  return exit_ok;
}

int run_check(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << check_help;
    return exit_ok;
  }
  if (args.size() != 1) throw UsageError("check: expected one SPEC file (see kpiscore check --help)");
  const std::string text = read_file(args[0]);
  const auto errors = scoring::Scorecard::check_text(text);
  if (!errors.empty()) {
    for (const auto& e : errors) std::cout << args[0] << ": " << e.what() << "\n";
    std::cerr << "kpiscore: " << errors.size() << " error(s)\n";
    return exit_usage;
  }
  const auto card = scoring::Scorecard::compile_text(text);
  std::size_t dims = 0;
  for (const auto& n : card.nodes()) dims += (!n.indicator && &n != &card.nodes().front()) ? 1 : 0;
  std::cout << args[0] << ": ok: scorecard \"" << card.name() << "\", " << card.indicators().size()
            << " indicators in " << dims << " dimensions, " << card.penalties().size() << " penalty rules, "
            << card.grades().size() << " grades, fingerprint " << card.fingerprint() << "\n";
  return exit_ok;
}

const RegisterCommand score_command{"score", "kpiscore score --spec SPEC --input FILE.csv [--by KEYS]   scorecard per group",
                                    &run_score};
const RegisterCommand check_command{"check", "kpiscore check SPEC                                   validate a scorecard spec",
                                    &run_check};

} // namespace
