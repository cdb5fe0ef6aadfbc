// `kpiscore score` (KPIs per group scored by a scorecard) and `kpiscore check` (validate a spec).
#include "cli_common.hpp"
#include "custom_kpis_option.hpp"
#include "output_options.hpp"
#include "score_pipeline.hpp"

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
#include <functional>
#include <iostream>
#include <optional>

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
  kpiscore check --form FORM.json|FORM.kpi   (or: kpiscore check FORM.kpi)
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
std::string format_text_spec_errors(const std::vector<scoring::SpecError>& errors,
                                    const dsl::SpecSourceMap& where, const std::string& path,
                                    const std::string& text) {
  std::string out;
  for (const auto& e : errors)
    out += dsl::format(
        dsl::Diagnostic{
            e.code().empty() ? "E0510" : e.code(), e.what(), dsl::locate(where, e.path()), {}},
        path, text);
  return out;
}

// Every error of a JSON spec on standard error, then a usage error (exit 1).
void fail_on_spec_errors(const std::vector<scoring::SpecError>& errors, const std::string& path) {
  if (errors.empty()) return;
  for (const auto& e : errors)
    std::cerr << "kpiscore: " << path << ": " << e.what() << "\n";
  throw UsageError(path + ": " + std::to_string(errors.size()) + " error(s) in the scorecard spec");
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
      fail_on_spec_errors(errors, path);
      return scoring::Scorecard::compile(spec);
    }
  }
  if (!is_text_scorecard(path, text)) {
    const auto errors = scoring::Scorecard::check_text(text);
    fail_on_spec_errors(errors, path);
    return scoring::Scorecard::compile_text(text);
  }
  nlohmann::json spec;
  dsl::SpecSourceMap where;
  try {
    spec = dsl::scorecard_text_to_json(text, path, &where);
  } catch (const dsl::CompileError& e) {
    std::cerr << e.what();
    throw UsageError(path + ": " + std::to_string(e.diagnostics().size()) +
                     " error(s) in the scorecard");
  }
  if (custom) declare_custom_inputs(spec, *custom);
  const auto errors = scoring::Scorecard::check(spec);
  if (!errors.empty()) {
    std::cerr << format_text_spec_errors(errors, where, path, text);
    throw UsageError(path + ": " + std::to_string(errors.size()) +
                     " error(s) in the scorecard spec");
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
  if (dsl::is_form_text(text)) { // a QA form in text (docs/rules.md, "QA forms in text")
    nlohmann::json spec;
    dsl::SpecSourceMap where;
    try {
      spec = dsl::form_text_to_json(text, path, &where);
    } catch (const dsl::CompileError& e) {
      std::cerr << e.what();
      throw UsageError(path + ": " + std::to_string(e.diagnostics().size()) +
                       " error(s) in the QA form");
    }
    const auto errors = scoring::QaForm::check(spec);
    if (!errors.empty()) {
      std::cerr << format_text_spec_errors(errors, where, path, text);
      throw UsageError(path + ": " + std::to_string(errors.size()) + " error(s) in the QA form");
    }
    return scoring::QaForm::compile(spec);
  }
  const auto errors = scoring::QaForm::check_text(text);
  if (!errors.empty()) {
    for (const auto& e : errors)
      std::cerr << "kpiscore: " << path << ": " << e.what() << "\n";
    throw UsageError(path + ": " + std::to_string(errors.size()) + " error(s) in the QA form");
  }
  return scoring::QaForm::compile_text(text);
}

void print_first_reject(const char* what, const Reject& r) {
  std::cerr << "kpiscore: --strict: " << what << " line " << r.line
            << (r.field.empty() ? "" : ", field " + r.field) << ": " << r.reason << "\n";
}

} // namespace

namespace kpiscore::cli {

bool ScoreArgs::take(const std::string& a, const std::function<const std::string&()>& value) {
  if (a != "--indicators" && shared.take(a, value)) return true;
  if (a == "--spec")
    spec = value();
  else if (a == "--input")
    input = value();
  else if (a == "--by")
    by = value();
  else if (a == "--options")
    options_path = value();
  else if (a == "--tz")
    tz = value();
  else if (a == "--rejects")
    rejects_path = value();
  else if (a == "--evaluations")
    evaluations_path = value();
  else if (a == "--form")
    form_path = value();
  else if (a == "--evaluation-rejects")
    eval_rejects_path = value();
  else if (a == "--indicators")
    indicators_path = value();
  else if (a == "--rules")
    rules_path = value();
  else if (a == "--qa-period") {
    const std::string& v = value();
    if (v == "contact")
      qa_options.period = scoring::QaPeriod::contact_arrival;
    else if (v == "evaluated")
      qa_options.period = scoring::QaPeriod::evaluated_at;
    else
      throw UsageError("--qa-period: expected contact or evaluated, actual '" + v + "'");
  } else if (a == "--strict")
    strict = true;
  else
    return false;
  return true;
}

std::optional<scoring::ScoreTable> score_groups(ScoreArgs& args, const std::string& command,
                                                const std::string& format, ScoredInputs& inputs) {
  if (args.spec.empty())
    throw UsageError(command + ": --spec FILE is required (see kpiscore " + command + " --help)");
  if (args.input.empty())
    throw UsageError(command + ": --input FILE is required (see kpiscore " + command + " --help)");
  if (!args.evaluations_path.empty() && args.form_path.empty())
    throw UsageError(command + ": --evaluations needs --form FORM.json (see kpiscore " + command +
                     " --help)");
  if (args.evaluations_path.empty() && !args.form_path.empty())
    throw UsageError(command + ": --form is used with --evaluations FILE (see kpiscore " + command +
                     " --help)");
  SharedOptions& shared = args.shared;
  shared.finish(format);
  if (shared.lang != Lang::en)
    throw UsageError(command +
                     ": --lang is not available for scorecards yet (kpiscore kpis has it)");
  // With --rules the spec is loaded once the custom KPIs are compiled (after the CSV is read:
  // they may use its extra columns), so that it can use them as indicators.
  std::optional<scoring::Scorecard> card;
  if (args.rules_path.empty()) card = load_spec(args.spec);
  std::optional<scoring::QaForm> form;
  if (!args.form_path.empty()) form = load_form(args.form_path);

  KpiOptions options;
  try {
    if (!args.options_path.empty()) {
      std::string text;
      try {
        text = read_file(args.options_path);
      } catch (const InputError& e) {
        throw UsageError(std::string("--options: ") + e.what());
      }
      options = KpiOptions::from_json_text(text);
    }
    if (!args.tz.empty()) options.timezone = TimeZone::locate(args.tz).name();
    shared.apply(options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::vector<std::string> keys;
  try {
    keys = parse_group_by(args.by);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  ReadResult read = read_contacts_csv_file(args.input, options);
  if (!args.rejects_path.empty()) write_file(args.rejects_path, rejects_to_csv(read.rejects));
  std::cerr << "kpiscore: " << read.rows_read << " rows read, " << read.accepted() << " accepted, "
            << read.rejects.size() << " rejected\n";
  if (args.strict && !read.rejects.empty()) {
    const Reject& r = read.rejects.front();
    std::cerr << "kpiscore: --strict: line " << r.line
              << (r.field.empty() ? "" : ", field " + r.field) << ": " << r.reason << "\n";
    return std::nullopt;
  }
  if (!args.rules_path.empty()) {
    inputs.custom = load_custom_kpis(args.rules_path, keys, read.table);
    card = load_spec(args.spec, &*inputs.custom);
  }
  // Scorecards may use the percentile KPIs: compute them when the spec reads any.
  for (const auto& k : card->kpis())
    if (k.name.find("_p50_") != std::string::npos || k.name.find("_p90_") != std::string::npos)
      options.quantiles = true;
  const dsl::CustomKpis* custom = inputs.custom ? &*inputs.custom : nullptr;
  const GroupedKpiState state = aggregate_with(read.table, keys, options, custom);
  KpiTable table = finalize(state);
  if (custom) custom->add_columns(table, state);
  if (form) {
    const scoring::EvaluationReadResult evals =
        scoring::read_evaluations_csv_file(args.evaluations_path, *form, options.timezone);
    if (!args.eval_rejects_path.empty())
      write_file(args.eval_rejects_path, rejects_to_csv(evals.rejects));
    std::cerr << "kpiscore: " << evals.rows_read << " evaluations read, " << evals.accepted()
              << " accepted, " << evals.rejects.size() << " rejected\n";
    if (args.strict && !evals.rejects.empty()) {
      print_first_reject("evaluations", evals.rejects.front());
      return std::nullopt;
    }
    const auto per_evaluation = scoring::score_evaluations(*form, evals.records);
    const scoring::QaTable qa = scoring::aggregate_qa(evals.records, per_evaluation, read.table,
                                                      keys, options, args.qa_options);
    std::cerr << "kpiscore: QA form \"" << form->name() << "\": " << qa.count(scoring::QaUse::used)
              << " evaluations used, " << qa.count(scoring::QaUse::calibration)
              << " calibration (excluded), " << qa.count(scoring::QaUse::superseded)
              << " superseded by a later evaluation, " << qa.count(scoring::QaUse::unknown_contact)
              << " without an accepted contact, " << qa.count(scoring::QaUse::agent_mismatch)
              << " naming another agent than the contact\n";
    scoring::join(table, qa);
  }
  // Owns the indicator names the joined table refers to (kept on the heap: the views stay valid).
  auto extra = std::make_unique<scoring::IndicatorColumns>();
  if (!args.indicators_path.empty()) {
    if (!read_indicators(args.indicators_path, keys, args.strict, *extra)) return std::nullopt;
    join_indicators(table, *extra);
  }
  scoring::ScoreTable scores = scoring::score(*card, table);
  inputs.table = std::move(table);
  inputs.extra = std::move(extra);
  // After every join on raw identifiers (evaluations, indicators) and after scoring (segment
  // targets may name key values): only the output carries pseudonyms. Groups keep their order.
  if (shared.pseudonymiser) try {
      pseudonymise_keys(scores.key_names, scores.keys, shared.pseudonymise, *shared.pseudonymiser);
    } catch (const std::runtime_error& e) {
      throw InputError(e.what());
    }
  return scores;
}

} // namespace kpiscore::cli

namespace {

int run_score(const std::vector<std::string>& args) {
  ScoreArgs sa;
  std::string format = "json", trace_which = "all";
  int decimals = -1;
  bool trace = true;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::function<const std::string&()> value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + ": missing value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << score_help;
      return exit_ok;
    } else if (sa.take(a, value))
      continue;
    else if (a == "--trace") {
      trace_which = value();
      if (trace_which != "all" && trace_which != "weakest" && trace_which != "none")
        throw UsageError("--trace: expected all, weakest or none, actual '" + trace_which + "'");
    } else if (a == "--no-trace")
      trace = false;
    else if (a == "--format") {
      format = value();
      if (format != "json" && format != "csv" && format != "table")
        throw UsageError("--format: expected json, csv or table, actual '" + format + "'");
    } else if (a == "--decimals")
      decimals = parse_decimals(value());
    else
      throw UsageError("score: unknown argument '" + a + "' (see kpiscore score --help)");
  }
  ScoredInputs inputs; // owns what the scores' names refer to (custom KPIs, indicator tables)
  const auto computed = score_groups(sa, "score", format, inputs);
  if (!computed) return exit_input;
  const scoring::ScoreTable& scores = *computed;
  const SharedOptions& shared = sa.shared;
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
      for (std::size_t g = 0; g < scores.size(); ++g)
        std::cout << "\n" << scoring::explain_text(scores, g, out);
    else if (trace_which == "weakest") {
      std::optional<std::size_t> weakest;
      for (std::size_t g = 0; g < scores.size(); ++g)
        if (!std::isnan(scores.overall(g)) &&
            (!weakest || scores.overall(g) < scores.overall(*weakest)))
          weakest = g;
      if (weakest)
        std::cout << "\nweakest group:\n" << scoring::explain_text(scores, *weakest, out);
    }
  }
  return exit_ok;
}

int run_check(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << check_help;
    return exit_ok;
  }
  const bool form_file =
      args.size() == 1 && args[0].ends_with(".kpi") && dsl::is_form_text(read_file(args[0]));
  if ((args.size() == 2 && args[0] == "--form") || form_file) {
    const std::string& file = args.back();
    const std::string text = read_file(file);
    nlohmann::json spec;
    dsl::SpecSourceMap where;
    const bool text_form = dsl::is_form_text(text);
    if (text_form) {
      try {
        spec = dsl::form_text_to_json(text, file, &where);
      } catch (const dsl::CompileError& e) {
        std::cout << e.what();
        std::cerr << "kpiscore: " << e.diagnostics().size() << " error(s)\n";
        return exit_usage;
      }
    }
    const auto errors =
        text_form ? scoring::QaForm::check(spec) : scoring::QaForm::check_text(text);
    if (!errors.empty()) {
      if (text_form)
        std::cout << format_text_spec_errors(errors, where, file, text);
      else
        for (const auto& e : errors)
          std::cout << file << ": " << e.what() << "\n";
      std::cerr << "kpiscore: " << errors.size() << " error(s)\n";
      return exit_usage;
    }
    const auto form =
        text_form ? scoring::QaForm::compile(spec) : scoring::QaForm::compile_text(text);
    std::size_t critical = form.critical_flags().size();
    for (const auto& it : form.items())
      critical += it.critical != scoring::CriticalScope::none ? 1 : 0;
    std::cout << file << ": ok: QA form \"" << form.name() << "\", " << form.items().size()
              << " items in " << form.sections().size() << " sections, " << critical
              << " critical items or flags, " << form.deductions().size() << " deductions, "
              << form.bonuses().size() << " bonuses, pass mark "
              << scoring::format_number(form.pass_mark()) << ", fingerprint " << form.fingerprint()
              << "\n";
    return exit_ok;
  }
  const bool kpi_file = !args.empty() && args[0].size() > 4 && args[0].ends_with(".kpi");
  if (kpi_file && (args.size() != 1 || !dsl::is_scorecard_text(read_file(args[0]))))
    return run_check_rules(args);
  if (args.size() != 1)
    throw UsageError("check: expected one SPEC file or --form FORM (see kpiscore check --help)");
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
  const auto errors =
      kpi_file ? scoring::Scorecard::check(spec) : scoring::Scorecard::check_text(text);
  if (!errors.empty()) {
    if (kpi_file)
      std::cout << format_text_spec_errors(errors, where, args[0], text);
    else
      for (const auto& e : errors)
        std::cout << args[0] << ": " << e.what() << "\n";
    std::cerr << "kpiscore: " << errors.size() << " error(s)\n";
    return exit_usage;
  }
  const auto card =
      kpi_file ? scoring::Scorecard::compile(spec) : scoring::Scorecard::compile_text(text);
  std::size_t dims = 0;
  for (const auto& n : card.nodes())
    dims += (!n.indicator && &n != &card.nodes().front()) ? 1 : 0;
  std::cout << args[0] << ": ok: scorecard \"" << card.name() << "\", " << card.indicators().size()
            << " indicators in " << dims << " dimensions, " << card.penalties().size()
            << " penalty rules, " << card.grades().size() << " grades";
  std::size_t target_tables = 0;
  for (const auto& ind : card.indicators())
    target_tables += ind.target && ind.target->table ? 1 : 0;
  if (const scoring::BoundTable* gt = card.grade_table())
    std::cout << ", a grade table (" << dsl::name_of(gt->table.hit_policy()) << ", "
              << gt->table.rules().size() << " rules)";
  if (target_tables)
    std::cout << ", " << target_tables << " target table" << (target_tables > 1 ? "s" : "");
  std::cout << ", fingerprint " << card.fingerprint() << "\n";
  return exit_ok;
}

const RegisterCommand score_command{"score",
                                    "kpiscore score --spec SPEC --input FILE.csv [--by KEYS] "
                                    "[--evaluations E --form F]   scorecard per group",
                                    &run_score};
const RegisterCommand check_command{
    "check",
    "kpiscore check SPEC | --form FORM                    validate a scorecard spec or a QA form",
    &run_check};

} // namespace
