// `kpiscore score` (KPIs per group scored by a scorecard) and `kpiscore check` (validate a spec).
#include "cli_common.hpp"
#include "custom_kpis_option.hpp"
#include "output_options.hpp"

#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/scorecard_text.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/scoring.hpp>
#include <kpiscore/table/time_zone.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <optional>
#include <iostream>

namespace kpiscore::cli {
int run_check_rules(const std::vector<std::string>& args); // a .kpi file: rules_command.cpp
}

namespace {

using namespace kpiscore;
using namespace kpiscore::cli;

const char* score_help = R"(kpiscore score — score groups of contacts with a scorecard

Usage:
  kpiscore score --spec SPEC.json|SPEC.kpi --input FILE.csv [--by agent_id,month] [--options FILE.json]
                 [--evaluations EVALS.csv --form FORM.json] [--qa-period contact|evaluated]
                 [--indicators T.csv] [--tz IANA_ZONE] [--format json|csv|table] [--decimals N]
                 [--no-trace] [--trace all|weakest|none] [--rejects FILE]
                 [--evaluation-rejects FILE] [--strict] [--bom]
                 [--pseudonymise COLUMNS --key-file K] [--max-groups N] [--rules CUSTOM.kpi]

  --spec FILE      the scorecard (docs/scoring.md); checked first, every error reported
  --input FILE     contact records, CSV with a header (docs/input.md)
  --by KEYS        group keys as for `kpiscore kpis` (a month/week/day key dates each group for
                   effective-dated targets)
  --options FILE   the KPI options document (docs/kpis.md)
  --tz ZONE        IANA time zone of offset-less timestamps and time keys (default UTC)
  --format F       json (default: keys, score, grade, bonus, dimensions, indicators, penalties,
                   trace per group), csv (one row per group) or table (with each group's trace)
  --evaluations F  QA evaluation records, CSV (docs/scoring.md); needs --form. Their aggregates
                   per group (qa_mean_score, qa_pass_rate, qa_critical_fail_rate, qa_evaluations,
                   forbidden_phrases_per_100, wrong_answers_per_100, process_violations_per_100)
                   join the contact KPIs as indicators
  --form FILE      the QA evaluation form (docs/scoring.md); checked first, every error reported
  --qa-period P    an evaluation belongs to the period of its contact's arrival (contact, default)
                   or of its evaluation (evaluated)
  --indicators F   extra indicators, CSV: the --by key columns, then one column per indicator
                   (declared under "inputs" in the spec), joined by group key
  --decimals N     display rounding (scores are computed unrounded)
  --no-trace       leave the trace out of the JSON
  --trace WHICH    table format: the trace of every group (all, default), of the lowest-scoring
                   group only (weakest), or none
  --rejects FILE   rejected contact records as CSV (line,field,reason)
  --evaluation-rejects FILE   rejected evaluation records likewise
  --strict         exit 2 when any contact, evaluation or indicator record is rejected
  --bom            CSV output starts with a UTF-8 byte-order mark (for Excel)
  --pseudonymise C replace these identifier group keys (e.g. agent_id) in the output by keyed
                   hashes (HMAC-SHA256, 80 bits), after every join; needs --key-file K
  --max-groups N   refuse (exit 2) to make more groups than N (default 5000000)
  --rules FILE     custom KPIs (`kpi NAME = ...`, docs/rules.md "Custom KPIs"), usable by the spec
                   as indicators: each is declared under "inputs" with its unit (seconds, ratio
                   or number) unless the spec declares it itself
)";

const char* check_help = R"(kpiscore check — validate a scorecard spec

Usage:
  kpiscore check SPEC.json
  kpiscore check SCORECARD.kpi     (a file starting with `scorecard`; docs/rules.md)
  kpiscore check --form FORM.json
  kpiscore check RULES.kpi [--scope record|group] [--by KEYS]   (docs/rules.md)

Prints every error with its JSON path (exit 1), or a summary of the valid scorecard or QA
form (exit 0).
)";

/// A `.kpi` file that starts with a `scorecard` statement: the text form of a spec
/// (dsl::scorecard_text_to_json); any other file is a JSON spec.
bool is_text_scorecard(const std::string& path, const std::string& text) {
  return path.size() > 4 && path.ends_with(".kpi") && dsl::is_scorecard_text(text);
}

/// The spec's own errors for a `.kpi` scorecard, at the line and column that wrote the value
/// (E0510; the message keeps the JSON path).
std::string format_text_spec_errors(const std::vector<scoring::SpecError>& errors, const dsl::SpecSourceMap& where,
                                    const std::string& path, const std::string& text) {
  std::string out;
  for (const auto& e : errors)
    out += dsl::format(dsl::Diagnostic{"E0510", e.what(), dsl::locate(where, e.path()), {}}, path, text);
  return out;
}

scoring::Scorecard load_spec(const std::string& path, const dsl::CustomKpis* custom = nullptr) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const InputError& e) {
    throw UsageError(std::string("--spec: ") + e.what());
  }
  if (!is_text_scorecard(path, text) && custom) {
    // A JSON spec with custom KPIs: declare them, then check as usual (a spec that is not JSON
    // is reported by the path below).
    nlohmann::json spec;
    bool parsed = true;
    try {
      spec = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
      parsed = false;
    }
    if (parsed) {
      declare_custom_inputs(spec, *custom);
      const auto errors = scoring::Scorecard::check(spec);
      if (!errors.empty()) {
        for (const auto& e : errors) std::cerr << "kpiscore: " << path << ": " << e.what() << "\n";
        throw UsageError(path + ": " + std::to_string(errors.size()) + " error(s) in the scorecard spec");
      }
      return scoring::Scorecard::compile(spec);
    }
  }
  if (!is_text_scorecard(path, text)) {
    const auto errors = scoring::Scorecard::check_text(text);
    if (!errors.empty()) {
      for (const auto& e : errors) std::cerr << "kpiscore: " << path << ": " << e.what() << "\n";
      throw UsageError(path + ": " + std::to_string(errors.size()) + " error(s) in the scorecard spec");
    }
    return scoring::Scorecard::compile_text(text);
  }
  nlohmann::json spec;
  dsl::SpecSourceMap where;
  try {
    spec = dsl::scorecard_text_to_json(text, path, &where);
  } catch (const dsl::CompileError& e) {
    std::cerr << e.what();
    throw UsageError(path + ": " + std::to_string(e.diagnostics().size()) + " error(s) in the scorecard");
  }
  if (custom) declare_custom_inputs(spec, *custom);
  const auto errors = scoring::Scorecard::check(spec);
  if (!errors.empty()) {
    std::cerr << format_text_spec_errors(errors, where, path, text);
    throw UsageError(path + ": " + std::to_string(errors.size()) + " error(s) in the scorecard spec");
  }
  return scoring::Scorecard::compile(spec);
}

scoring::QaForm load_form(const std::string& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const InputError& e) {
    throw UsageError(std::string("--form: ") + e.what());
  }
  const auto errors = scoring::QaForm::check_text(text);
  if (!errors.empty()) {
    for (const auto& e : errors) std::cerr << "kpiscore: " << path << ": " << e.what() << "\n";
    throw UsageError(path + ": " + std::to_string(errors.size()) + " error(s) in the QA form");
  }
  return scoring::QaForm::compile_text(text);
}

void print_first_reject(const char* what, const Reject& r) {
  std::cerr << "kpiscore: --strict: " << what << " line " << r.line << (r.field.empty() ? "" : ", field " + r.field)
            << ": " << r.reason << "\n";
}

int run_score(const std::vector<std::string>& args) {
  std::string spec, input, by, options_path, tz, format = "json", rejects_path;
  std::string evaluations_path, form_path, eval_rejects_path, indicators_path, trace_which = "all";
  std::string rules_path;
  scoring::QaAggregateOptions qa_options;
  int decimals = -1;
  bool trace = true, strict = false;
  SharedOptions shared;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + ": missing value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << score_help;
      return exit_ok;
    } else if (a != "--indicators" && shared.take(a, value)) continue;
    else if (a == "--spec") spec = value();
    else if (a == "--input") input = value();
    else if (a == "--by") by = value();
    else if (a == "--options") options_path = value();
    else if (a == "--tz") tz = value();
    else if (a == "--rejects") rejects_path = value();
    else if (a == "--evaluations") evaluations_path = value();
    else if (a == "--form") form_path = value();
    else if (a == "--evaluation-rejects") eval_rejects_path = value();
    else if (a == "--indicators") indicators_path = value();
    else if (a == "--rules") rules_path = value();
    else if (a == "--qa-period") {
      const std::string& v = value();
      if (v == "contact") qa_options.period = scoring::QaPeriod::contact_arrival;
      else if (v == "evaluated") qa_options.period = scoring::QaPeriod::evaluated_at;
      else throw UsageError("--qa-period: expected contact or evaluated, actual '" + v + "'");
    } else if (a == "--trace") {
      trace_which = value();
      if (trace_which != "all" && trace_which != "weakest" && trace_which != "none")
        throw UsageError("--trace: expected all, weakest or none, actual '" + trace_which + "'");
    }
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
  if (!evaluations_path.empty() && form_path.empty())
    throw UsageError("score: --evaluations needs --form FORM.json (see kpiscore score --help)");
  if (evaluations_path.empty() && !form_path.empty())
    throw UsageError("score: --form is used with --evaluations FILE (see kpiscore score --help)");
  shared.finish(format);
  if (shared.lang != Lang::en) throw UsageError("score: --lang is not available for scorecards yet (kpiscore kpis has it)");
  // With --rules the spec is loaded once the custom KPIs are compiled (after the CSV is read:
  // they may use its extra columns), so that it can use them as indicators.
  std::optional<scoring::Scorecard> card;
  if (rules_path.empty()) card = load_spec(spec);
  std::optional<scoring::QaForm> form;
  if (!form_path.empty()) form = load_form(form_path);

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
    shared.apply(options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
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
  std::optional<dsl::CustomKpis> custom;
  if (!rules_path.empty()) {
    custom = load_custom_kpis(rules_path, keys, read.table);
    card = load_spec(spec, &*custom);
  }
  // Scorecards may use the percentile KPIs: compute them when the spec reads any.
  for (const auto& k : card->kpis())
    if (k.name.find("_p50_") != std::string::npos || k.name.find("_p90_") != std::string::npos) options.quantiles = true;
  const GroupedKpiState state = aggregate_with(read.table, keys, options, custom ? &*custom : nullptr);
  KpiTable table = finalize(state);
  if (custom) custom->add_columns(table, state);
  if (form) {
    const scoring::EvaluationReadResult evals = scoring::read_evaluations_csv_file(evaluations_path, *form, options.timezone);
    if (!eval_rejects_path.empty()) write_file(eval_rejects_path, rejects_to_csv(evals.rejects));
    std::cerr << "kpiscore: " << evals.rows_read << " evaluations read, " << evals.accepted() << " accepted, "
              << evals.rejects.size() << " rejected\n";
    if (strict && !evals.rejects.empty()) {
      print_first_reject("evaluations", evals.rejects.front());
      return exit_input;
    }
    const auto per_evaluation = scoring::score_evaluations(*form, evals.records);
    const scoring::QaTable qa = scoring::aggregate_qa(evals.records, per_evaluation, read.table, keys, options, qa_options);
    std::cerr << "kpiscore: QA form \"" << form->name() << "\": " << qa.count(scoring::QaUse::used)
              << " evaluations used, " << qa.count(scoring::QaUse::calibration) << " calibration (excluded), "
              << qa.count(scoring::QaUse::superseded) << " superseded by a later evaluation, "
              << qa.count(scoring::QaUse::unknown_contact) << " without an accepted contact, "
              << qa.count(scoring::QaUse::agent_mismatch) << " naming another agent than the contact\n";
    scoring::join(table, qa);
  }
  scoring::IndicatorColumns extra; // owns the indicator names the joined table refers to
  if (!indicators_path.empty()) {
    if (!read_indicators(indicators_path, keys, strict, extra)) return exit_input;
    join_indicators(table, extra);
  }
  scoring::ScoreTable scores = scoring::score(*card, table);
  // After every join on raw identifiers (evaluations, indicators) and after scoring (segment
  // targets may name key values): only the output carries pseudonyms. Groups keep their order.
  if (shared.pseudonymiser) try {
      pseudonymise_keys(scores.key_names, scores.keys, shared.pseudonymise, *shared.pseudonymiser);
    } catch (const std::runtime_error& e) {
      throw InputError(e.what());
    }
  scoring::OutputOptions out;
  out.decimals = decimals;
  out.trace = trace;
  if (format == "json")
    std::cout << scoring::to_json(scores, out).dump(2) << "\n";
  else if (format == "csv")
    std::cout << shared.csv_prefix() << scoring::to_csv(scores, out);
  else {
    std::cout << scoring::to_text(scores, out);
    if (trace_which == "all")
      for (std::size_t g = 0; g < scores.size(); ++g) std::cout << "\n" << scoring::explain_text(scores, g, out);
    else if (trace_which == "weakest") {
      std::optional<std::size_t> weakest;
      for (std::size_t g = 0; g < scores.size(); ++g)
        if (!std::isnan(scores.overall(g)) && (!weakest || scores.overall(g) < scores.overall(*weakest))) weakest = g;
      if (weakest) std::cout << "\nweakest group:\n" << scoring::explain_text(scores, *weakest, out);
    }
  }
  return exit_ok;
}

int run_check(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << check_help;
    return exit_ok;
  }
  if (args.size() == 2 && args[0] == "--form") {
    const std::string text = read_file(args[1]);
    const auto errors = scoring::QaForm::check_text(text);
    if (!errors.empty()) {
      for (const auto& e : errors) std::cout << args[1] << ": " << e.what() << "\n";
      std::cerr << "kpiscore: " << errors.size() << " error(s)\n";
      return exit_usage;
    }
    const auto form = scoring::QaForm::compile_text(text);
    std::size_t critical = form.critical_flags().size();
    for (const auto& it : form.items()) critical += it.critical != scoring::CriticalScope::none ? 1 : 0;
    std::cout << args[1] << ": ok: QA form \"" << form.name() << "\", " << form.items().size() << " items in "
              << form.sections().size() << " sections, " << critical << " critical items or flags, "
              << form.deductions().size() << " deductions, " << form.bonuses().size() << " bonuses, pass mark "
              << scoring::format_number(form.pass_mark()) << ", fingerprint " << form.fingerprint() << "\n";
    return exit_ok;
  }
  const bool kpi_file = !args.empty() && args[0].size() > 4 && args[0].ends_with(".kpi");
  if (kpi_file && (args.size() != 1 || !dsl::is_scorecard_text(read_file(args[0])))) return run_check_rules(args);
  if (args.size() != 1) throw UsageError("check: expected one SPEC file or --form FORM (see kpiscore check --help)");
  const std::string text = read_file(args[0]);
  nlohmann::json spec;
  dsl::SpecSourceMap where;
  if (kpi_file) {
    try {
      spec = dsl::scorecard_text_to_json(text, args[0], &where);
    } catch (const dsl::CompileError& e) {
      std::cout << e.what();
      std::cerr << "kpiscore: " << e.diagnostics().size() << " error(s)\n";
      return exit_usage;
    }
  }
  const auto errors = kpi_file ? scoring::Scorecard::check(spec) : scoring::Scorecard::check_text(text);
  if (!errors.empty()) {
    if (kpi_file) std::cout << format_text_spec_errors(errors, where, args[0], text);
    else
      for (const auto& e : errors) std::cout << args[0] << ": " << e.what() << "\n";
    std::cerr << "kpiscore: " << errors.size() << " error(s)\n";
    return exit_usage;
  }
  const auto card = kpi_file ? scoring::Scorecard::compile(spec) : scoring::Scorecard::compile_text(text);
  std::size_t dims = 0;
  for (const auto& n : card.nodes()) dims += (!n.indicator && &n != &card.nodes().front()) ? 1 : 0;
  std::cout << args[0] << ": ok: scorecard \"" << card.name() << "\", " << card.indicators().size()
            << " indicators in " << dims << " dimensions, " << card.penalties().size() << " penalty rules, "
            << card.grades().size() << " grades, fingerprint " << card.fingerprint() << "\n";
  return exit_ok;
}

const RegisterCommand score_command{"score", "kpiscore score --spec SPEC --input FILE.csv [--by KEYS] [--evaluations E --form F]   scorecard per group",
                                    &run_score};
const RegisterCommand check_command{"check", "kpiscore check SPEC | --form FORM                    validate a scorecard spec or a QA form",
                                    &run_check};

} // namespace
