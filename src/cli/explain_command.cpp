// `kpiscore explain`: the arithmetic behind one group's score — each indicator's KPI (numerator
// and denominator), the target in force (segment, dated entry or decision-table rule), the rule
// and its points, weights and contributions, dimension sums, every penalty with the truth of
// each part of its condition, and the grade with the grade table's rule. The scores come from
// the same pipeline as `kpiscore score` (score_pipeline.hpp) and the text from
// scoring::explain_text / explain_json with OutputOptions::arithmetic.
#include "cli_common.hpp"
#include "score_pipeline.hpp"

#include <kpiscore/scoring.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <iostream>

namespace {

using namespace kpiscore;
using namespace kpiscore::cli;

const char* explain_help = R"(kpiscore explain — the arithmetic behind one group's score

Usage:
  kpiscore explain --spec SPEC.json|SPEC.kpi --input FILE.csv --by agent_id,month
                   --group agent_id=A017,month=2026-03 [--format text|json] [--decimals N]
                   [--evaluations EVALS.csv --form FORM.json] [--qa-period contact|evaluated]
                   [--indicators T.csv] [--options FILE.json] [--tz IANA_ZONE] [--strict]
                   [--pseudonymise COLUMNS --key-file K] [--max-groups N]

  --group K=V,...  the group to explain: a value for keys of --by (every key when several
                   groups would match); with --pseudonymise, the pseudonyms
  --format F       text (default) or json
  Other options as for `kpiscore score` (kpiscore score --help).

Prints, for the group: the overall score, grade and bonus (with the grade table's rule),
every dimension with each child's weight and contribution and the sum, every indicator's KPI
value with its numerator and denominator, the target in force (segment, dated entry or
decision-table rule), the rule and points lost, and every penalty rule with the truth of each
part of its condition (fired or not).
)";

/// Parses K=V,K=V against the group keys; the index of the one group that matches.
std::size_t find_group(const scoring::ScoreTable& t, const std::string& spec) {
  std::string keys;
  for (const auto& k : t.key_names)
    keys += (keys.empty() ? "" : ", ") + k;
  std::vector<std::pair<std::size_t, std::string>> want;
  std::size_t start = 0;
  while (start <= spec.size()) {
    const std::size_t end = std::min(spec.find(',', start), spec.size());
    const std::string part = spec.substr(start, end - start);
    const std::size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--group: expected KEY=VALUE, actual '" + part + "'");
    const std::string k = part.substr(0, eq);
    std::size_t idx = t.key_names.size();
    for (std::size_t i = 0; i < t.key_names.size(); ++i)
      if (t.key_names[i] == k) idx = i;
    if (idx == t.key_names.size())
      throw UsageError("--group: '" + k +
                       "' is not a key of --by (the keys: " + (keys.empty() ? "none" : keys) + ")");
    want.emplace_back(idx, part.substr(eq + 1));
    start = end + 1;
  }
  std::vector<std::size_t> found;
  for (std::size_t g = 0; g < t.size(); ++g) {
    bool match = true;
    for (const auto& [i, v] : want)
      match = match && t.keys[g][i] && *t.keys[g][i] == v;
    if (match) found.push_back(g);
  }
  if (found.empty())
    throw UsageError("explain: no group has " + spec + " (the keys: " + keys + "; " +
                     std::to_string(t.size()) + " groups)");
  if (found.size() > 1)
    throw UsageError("explain: " + std::to_string(found.size()) + " groups match " + spec +
                     "; give a value for every key (" + keys + ")");
  return found.front();
}

int run_explain(const std::vector<std::string>& args) {
  ScoreArgs sa;
  std::string format = "text", group;
  int decimals = -1;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::function<const std::string&()> value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + ": missing value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << explain_help;
      return exit_ok;
    } else if (sa.take(a, value))
      continue;
    else if (a == "--group")
      group = value();
    else if (a == "--format") {
      format = value();
      if (format != "text" && format != "json")
        throw UsageError("--format: expected text or json, actual '" + format + "'");
    } else if (a == "--decimals")
      decimals = parse_decimals(value());
    else
      throw UsageError("explain: unknown argument '" + a + "' (see kpiscore explain --help)");
  }
  if (group.empty())
    throw UsageError("explain: --group KEY=VALUE,... is required (see kpiscore explain --help)");
  ScoredInputs inputs;
  const auto scores = score_groups(sa, "explain", format == "json" ? "json" : "table", &inputs);
  if (!scores) return exit_input;
  const std::size_t g = find_group(*scores, group);
  const scoring::Scorecard& card = scores->card;
  scoring::OutputOptions out;
  out.decimals = decimals;
  out.arithmetic = true;
  // The KPI table's groups are in the same order as the scores' (score() keeps them).
  if (format == "json") {
    nlohmann::ordered_json j = scoring::to_json(*scores, out)["groups"][g];
    nlohmann::ordered_json pens = nlohmann::ordered_json::array();
    for (std::size_t p = 0; p < card.penalties().size(); ++p) {
      const scoring::Penalty& pen = card.penalties()[p];
      nlohmann::ordered_json pj = {{"name", pen.name},
                                   {"level", scoring::name_of(pen.level)},
                                   {"at", card.nodes()[pen.node].name}};
      bool fired = false;
      for (std::uint32_t k = scores->penalty_offsets[g]; k < scores->penalty_offsets[g + 1]; ++k)
        fired = fired || scores->penalties[k].penalty == p;
      pj["fired"] = fired;
      pj["when"] = pen.when ? scoring::explain_condition(*pen.when, card, inputs.table, g)
                            : nlohmann::ordered_json(nullptr);
      pens.push_back(std::move(pj));
    }
    j["penalty_rules"] = std::move(pens);
    std::cout << j.dump(2) << "\n";
    return exit_ok;
  }
  std::cout << scoring::explain_text(*scores, g, out);
  if (!card.penalties().empty()) {
    std::cout << "penalty rules:\n";
    for (std::size_t p = 0; p < card.penalties().size(); ++p) {
      const scoring::Penalty& pen = card.penalties()[p];
      bool fired = false;
      for (std::uint32_t k = scores->penalty_offsets[g]; k < scores->penalty_offsets[g + 1]; ++k)
        fired = fired || scores->penalties[k].penalty == p;
      std::cout << "  " << pen.name << ": " << (fired ? "fired" : "did not fire");
      if (pen.when)
        std::cout << "; when " << scoring::explain_condition_text(*pen.when, card, inputs.table, g);
      else
        std::cout << "; no condition";
      std::cout << "\n";
    }
  }
  return exit_ok;
}

const RegisterCommand explain_command{"explain",
                                      "kpiscore explain --spec SPEC --input FILE.csv --by KEYS "
                                      "--group K=V,...   the arithmetic of one group's score",
                                      &run_explain};

} // namespace
