// Reports and explanations of a ScoreTable (score_table.hpp).
#include <kpiscore/io/report.hpp>
#include <kpiscore/scoring/score_table.hpp>

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <sstream>

namespace kpiscore::scoring {
namespace {

using ojson = nlohmann::ordered_json;

int decimals_of(const ScoreTable& t, const OutputOptions& o) { return o.decimals >= 0 ? o.decimals : t.card.decimals(); }

double rounded(double v, int decimals) {
  if (decimals < 0) return v;
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

ojson num(double v, int decimals = -1) {
  if (std::isnan(v)) return nullptr;
  return rounded(v, decimals);
}

std::string text_num(double v, int decimals) {
  if (std::isnan(v)) return "N/A";
  if (decimals < 0) return format_number(v);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/// A KPI value for people: rounded to the display decimals (of the percentage for ratios).
std::string shown(double v, Unit u, int decimals) {
  if (std::isnan(v)) return "null";
  return format_quantity(u == Unit::ratio ? rounded(v * 100.0, decimals) / 100.0 : rounded(v, decimals), u);
}

std::string describe(const Condition& c, const Scorecard& card) {
  switch (c.kind) {
  case Condition::Kind::all:
  case Condition::Kind::any: {
    std::string s = "(";
    for (std::size_t i = 0; i < c.parts.size(); ++i)
      s += (i ? (c.kind == Condition::Kind::all ? " and " : " or ") : "") + describe(c.parts[i], card);
    return s + ")";
  }
  case Condition::Kind::negate: return "not " + describe(c.parts.front(), card);
  case Condition::Kind::kpi:
    return card.kpis()[c.slot].name + " " + std::string(name_of(c.op)) + " " +
           format_quantity(c.number, card.kpis()[c.slot].unit);
  case Condition::Kind::key: {
    std::string s = card.keys()[c.slot] + " " + std::string(name_of(c.op)) + " ";
    if (c.op == CompareOp::in) {
      s += "[";
      for (std::size_t i = 0; i < c.labels.size(); ++i) s += (i ? ", " : "") + c.labels[i];
      return s + "]";
    }
    return s + c.labels.front();
  }
  }
  return "";
}

std::string describe(const TargetEntry& e, const Scorecard& card) {
  std::string s;
  if (e.when) s = "segment " + describe(*e.when, card);
  if (e.from) s += std::string(s.empty() ? "" : ", ") + "from " + format_date(*e.from);
  if (e.until) s += std::string(s.empty() ? "" : ", ") + "until " + format_date(*e.until);
  return s.empty() ? "default" : s;
}

/// A matched decision-table rule for people: `rule 2: "phone" | >= 6 => 15s` (1-based).
std::string table_row(const dsl::DecisionTable& t, std::int32_t rule) {
  return "rule " + std::to_string(rule + 1) + ": " + t.describe(static_cast<std::size_t>(rule));
}

/// The grade table's matching rules of group g (COLLECT lists every one).
std::vector<std::size_t> grade_matches(const ScoreTable& t, std::size_t g) {
  const BoundTable& b = *t.card.grade_table();
  std::vector<double> numbers(b.inputs.size(), std::numeric_limits<double>::quiet_NaN());
  std::vector<std::string_view> labels(b.inputs.size());
  std::vector<std::uint8_t> valid(b.inputs.size(), 1);
  std::vector<dsl::TableInput> in(b.inputs.size());
  // Node inputs are read back from the score table; KPI and key inputs from the trace are not
  // kept, so the list is recomputed from what the grade rule recorded when it can be.
  for (std::size_t c = 0; c < b.inputs.size(); ++c) {
    const TableInputRef& ref = b.inputs[c];
    if (ref.kind == TableInputRef::Kind::node) numbers[c] = t.node(g, ref.index);
    else if (ref.kind == TableInputRef::Kind::key) {
      valid[c] = 0;
      for (std::size_t k = 0; k < t.key_names.size(); ++k)
        if (t.key_names[k] == t.card.keys()[ref.index] && t.keys[g][k]) {
          labels[c] = *t.keys[g][k];
          valid[c] = 1;
        }
    } else
      numbers[c] = t.grade_inputs.empty() ? std::numeric_limits<double>::quiet_NaN() : t.grade_inputs[g * b.inputs.size() + c];
    in[c] = ref.kind == TableInputRef::Kind::key ? dsl::TableInput{nullptr, &labels[c], &valid[c]} : dsl::TableInput{&numbers[c], nullptr, nullptr};
  }
  return b.table.matching(in, 0);
}

std::string na_text(const IndicatorResult& r, const Indicator& ind) {
  switch (r.na) {
  case NaReason::null_value: return "no value (no observations)";
  case NaReason::too_few_observations:
    return "fewer observations (" + format_number(r.observations) + ") than the minimum " + format_number(ind.min_observations);
  case NaReason::no_target: return "no target in force for this group";
  case NaReason::missing_kpi: return "KPI " + ind.kpi + " not in the input";
  default: return "";
  }
}

std::string penalty_why(const Penalty& p, const PenaltyApplication& a, const Scorecard& card) {
  std::string s = p.when ? "when " + describe(*p.when, card) : "always";
  switch (p.effect) {
  case Penalty::Effect::veto:
    if (p.veto_score) s += "; veto: score capped at " + format_number(*p.veto_score);
    if (p.max_grade) s += "; veto: grade no better than " + card.grades()[*p.max_grade].name;
    break;
  default: {
    const char* verb = p.effect == Penalty::Effect::deduct ? "deduct " : "add ";
    if (p.per_slot) {
      const KpiInput& k = card.kpis()[*p.per_slot];
      s += "; " + k.name + " " + format_number(a.occurrences + p.beyond) +
           (p.beyond != 0 ? " (" + format_number(a.occurrences) + " beyond " + format_number(p.beyond) + ")" : "") + ": " +
           verb + format_number(p.points) + " points each";
    } else
      s += std::string("; ") + verb + format_number(p.points) + " points";
    if (p.cap) s += ", at most " + format_number(*p.cap);
  }
  }
  return s;
}

/// Effective weights of a node's children for one group: renormalized over the present ones.
std::vector<double> effective_weights(const ScoreTable& t, std::size_t g, const Node& node) {
  double den = 0;
  for (std::size_t k = 0; k < node.children.size(); ++k)
    if (!std::isnan(t.node(g, node.children[k]))) den += node.weights[k];
  std::vector<double> w(node.children.size(), 0.0);
  if (den > 0)
    for (std::size_t k = 0; k < node.children.size(); ++k)
      if (!std::isnan(t.node(g, node.children[k]))) w[k] = node.weights[k] / den;
  return w;
}

/// The share of the overall score each node carries for the group (product of effective weights).
std::vector<double> overall_shares(const ScoreTable& t, std::size_t g) {
  const auto& nodes = t.card.nodes();
  std::vector<double> share(nodes.size(), 0.0);
  share[0] = 1.0;
  std::function<void(std::uint32_t)> down = [&](std::uint32_t n) {
    const auto w = effective_weights(t, g, nodes[n]);
    for (std::size_t k = 0; k < nodes[n].children.size(); ++k) {
      share[nodes[n].children[k]] = share[n] * w[k];
      down(nodes[n].children[k]);
    }
  };
  down(0);
  return share;
}

ojson keys_json(const ScoreTable& t, std::size_t g) {
  ojson o = ojson::object();
  for (std::size_t k = 0; k < t.key_names.size(); ++k) {
    const auto& v = t.keys[g][k];
    o[t.key_names[k]] = v ? ojson(*v) : ojson(nullptr);
  }
  return o;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

} // namespace

ojson explain_json(const ScoreTable& t, std::size_t g, const OutputOptions& o) {
  const int dec = decimals_of(t, o);
  const Scorecard& card = t.card;
  const auto& nodes = card.nodes();
  const auto share = overall_shares(t, g);
  ojson out = ojson::object();
  ojson tree = ojson::array();
  for (std::uint32_t n = 0; n < nodes.size(); ++n) {
    const Node& node = nodes[n];
    if (node.indicator) continue;
    ojson j = {{"name", node.name}, {"score", num(t.node(g, n), dec)}};
    if (t.node_substituted[g * nodes.size() + n]) j["na"] = "all parts N/A; scored as the configured value";
    const auto w = effective_weights(t, g, node);
    bool renormalized = false;
    ojson children = ojson::array();
    for (std::size_t k = 0; k < node.children.size(); ++k) {
      const std::uint32_t c = node.children[k];
      const bool present = !std::isnan(t.node(g, c));
      renormalized = renormalized || !present;
      ojson cj = {{"name", nodes[c].name}, {"score", num(t.node(g, c), dec)}, {"weight", node.weights[k]},
                  {"effective_weight", w[k]}};
      if (o.arithmetic) cj["contribution"] = present ? num(w[k] * t.node(g, c), dec) : ojson(nullptr);
      if (!present) cj["na"] = "dropped";
      else if (t.node_substituted[g * nodes.size() + c]) cj["na"] = "scored as the configured value";
      children.push_back(std::move(cj));
    }
    j["children"] = std::move(children);
    j["renormalized"] = renormalized && !std::isnan(t.node(g, n));
    tree.push_back(std::move(j));
  }
  out["nodes"] = std::move(tree);
  ojson inds = ojson::array();
  for (std::uint32_t n = 0; n < nodes.size(); ++n) {
    if (!nodes[n].indicator) continue;
    const std::size_t i = *nodes[n].indicator;
    const Indicator& ind = card.indicators()[i];
    const IndicatorResult& r = t.indicator(g, i);
    ojson j = {{"name", ind.name}, {"kpi", ind.kpi}, {"value", num(r.value)}, {"observations", r.observations},
               {"target", num(r.target)}};
    if (o.arithmetic) j["numerator"] = num(r.numerator);
    j["target_in_force"] = r.target_entry >= 0 ? ojson(describe(ind.target->entries[static_cast<std::size_t>(r.target_entry)], card))
                           : r.target_rule >= 0 ? ojson(table_row(ind.target->table->table, r.target_rule))
                                                : ojson(nullptr);
    j["direction"] = ind.direction == Direction::lower_is_better ? "lower" : "higher";
    j["rule"] = ind.rule.describe(ind.unit, ind.direction);
    j["rule_score"] = num(r.rule_score, dec);
    j["points_lost"] = std::isnan(r.rule_score) ? ojson(nullptr) : num(ind.rule.cap - r.rule_score, dec);
    j["score"] = num(r.score, dec);
    j["weight_in_overall"] = share[n];
    j["overall_points_lost"] = std::isnan(r.score) ? ojson(nullptr) : num((100.0 - r.score) * share[n], dec);
    j["to_improve"] = r.to_improve;
    if (r.to_improve) j["shortfall"] = IndicatorRule::shortfall(r.value, r.target, ind.direction);
    if (r.na != NaReason::none) {
      j["na"] = name_of(r.na);
      j["na_reason"] = na_text(r, ind);
      j["na_handling"] = r.substituted ? "scored as " + format_number(ind.na.score) : std::string("dropped; weights renormalized");
    }
    inds.push_back(std::move(j));
  }
  out["indicators"] = std::move(inds);
  ojson pens = ojson::array();
  for (std::uint32_t k = t.penalty_offsets[g]; k < t.penalty_offsets[g + 1]; ++k) {
    const PenaltyApplication& a = t.penalties[k];
    const Penalty& p = card.penalties()[a.penalty];
    pens.push_back({{"name", p.name}, {"level", name_of(p.level)}, {"at", nodes[p.node].name},
                    {"occurrences", a.occurrences}, {"points", num(a.points, dec)}, {"before", num(a.before, dec)},
                    {"after", num(a.after, dec)}, {"why", penalty_why(p, a, card)}});
  }
  out["penalties"] = std::move(pens);
  if (const BoundTable* b = card.grade_table()) {
    ojson gt = {{"grade", t.grade[g] >= 0 ? ojson(card.grades()[static_cast<std::size_t>(t.grade[g])].name) : ojson(nullptr)},
                {"hit_policy", dsl::name_of(b->table.hit_policy())}};
    const std::int32_t rr = t.grade_rule[g];
    if (rr >= 0) gt["rule"] = table_row(b->table, rr);
    else if (rr == dsl::DecisionTable::collected) {
      ojson rows = ojson::array();
      for (std::size_t m : grade_matches(t, g)) rows.push_back(table_row(b->table, static_cast<std::int32_t>(m)));
      gt["rules"] = std::move(rows);
    } else
      gt["rule"] = nullptr;
    const auto bonus = t.bonus(g);
    gt["bonus"] = bonus ? ojson(*bonus) : ojson(nullptr);
    gt["capped_by_veto"] = static_cast<bool>(t.grade_capped[g]);
    out["grade_table"] = std::move(gt);
  }
  return out;
}

ojson to_json(const ScoreTable& t, const OutputOptions& o) {
  const int dec = decimals_of(t, o);
  const Scorecard& card = t.card;
  ojson groups = ojson::array();
  for (std::size_t g = 0; g < t.size(); ++g) {
    ojson j = keys_json(t, g);
    j["score"] = num(t.overall(g), dec);
    j["grade"] = t.grade[g] >= 0 ? ojson(card.grades()[static_cast<std::size_t>(t.grade[g])].name) : ojson(nullptr);
    const auto b = t.bonus(g);
    j["bonus"] = b ? ojson(*b) : ojson(nullptr);
    ojson dims = ojson::object();
    for (std::uint32_t n = 1; n < card.nodes().size(); ++n)
      if (!card.nodes()[n].indicator) dims[card.nodes()[n].name] = num(t.node(g, n), dec);
    j["dimensions"] = std::move(dims);
    ojson inds = ojson::object();
    for (std::size_t i = 0; i < card.indicators().size(); ++i) {
      const IndicatorResult& r = t.indicator(g, i);
      const Indicator& ind = card.indicators()[i];
      ojson ij = {{"value", num(r.value)}, {"target", num(r.target)}, {"score", num(r.score, dec)}, {"to_improve", r.to_improve}};
      if (r.to_improve) ij["shortfall"] = IndicatorRule::shortfall(r.value, r.target, ind.direction);
      if (r.na != NaReason::none) ij["na"] = name_of(r.na);
      inds[ind.name] = std::move(ij);
    }
    j["indicators"] = std::move(inds);
    ojson pens = ojson::array();
    for (std::uint32_t k = t.penalty_offsets[g]; k < t.penalty_offsets[g + 1]; ++k)
      pens.push_back({{"name", card.penalties()[t.penalties[k].penalty].name}, {"points", num(t.penalties[k].points, dec)}});
    j["penalties"] = std::move(pens);
    if (o.trace) j["trace"] = explain_json(t, g, o);
    groups.push_back(std::move(j));
  }
  return {{"library_version", t.library_version}, {"scorecard", card.name()},
          {"spec_fingerprint", card.fingerprint()}, {"groups", std::move(groups)}};
}

std::string to_csv(const ScoreTable& t, const OutputOptions& o) {
  const int dec = decimals_of(t, o);
  const Scorecard& card = t.card;
  std::ostringstream out;
  std::vector<std::string> header = t.key_names;
  for (const char* h : {"score", "grade", "bonus"}) header.emplace_back(h);
  for (std::uint32_t n = 1; n < card.nodes().size(); ++n) header.push_back(card.nodes()[n].name);
  for (std::size_t i = 0; i < header.size(); ++i) out << (i ? "," : "") << csv_field(header[i]);
  out << "\n";
  auto cell = [&](double v) { return std::isnan(v) ? std::string() : (dec < 0 ? format_number(v) : text_num(v, dec)); };
  for (std::size_t g = 0; g < t.size(); ++g) {
    for (std::size_t k = 0; k < t.key_names.size(); ++k) out << (k ? "," : "") << csv_field(t.keys[g][k].value_or(""));
    if (!t.key_names.empty()) out << ",";
    out << cell(t.overall(g)) << ","
        << (t.grade[g] >= 0 ? csv_field(card.grades()[static_cast<std::size_t>(t.grade[g])].name) : "") << ","
        << (t.bonus(g) ? format_number(*t.bonus(g)) : "");
    for (std::uint32_t n = 1; n < card.nodes().size(); ++n) out << "," << cell(t.node(g, n));
    out << "\n";
  }
  return out.str();
}

std::string to_text(const ScoreTable& t, const OutputOptions& o) {
  int dec = decimals_of(t, o);
  if (dec < 0) dec = 2;
  const Scorecard& card = t.card;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = t.key_names;
  header.emplace_back("score");
  header.emplace_back("grade");
  std::vector<std::uint32_t> cols;
  for (std::uint32_t n = 1; n < card.nodes().size(); ++n) {
    header.push_back(card.nodes()[n].name);
    cols.push_back(n);
  }
  rows.push_back(header);
  for (std::size_t g = 0; g < t.size(); ++g) {
    std::vector<std::string> r;
    for (const auto& k : t.keys[g]) r.push_back(k.value_or("(null)"));
    r.push_back(text_num(t.overall(g), dec));
    r.push_back(t.grade[g] >= 0 ? card.grades()[static_cast<std::size_t>(t.grade[g])].name : "-");
    for (std::uint32_t n : cols) {
      std::string s = text_num(t.node(g, n), dec);
      if (card.nodes()[n].indicator && t.indicator(g, *card.nodes()[n].indicator).to_improve) s += "*";
      r.push_back(s);
    }
    rows.push_back(std::move(r));
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], display_width(r[c]));
  std::ostringstream out;
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < r.size(); ++c) {
      const bool left = c < t.key_names.size();
      const std::string pad(width[c] - display_width(r[c]), ' '); // CJK takes two columns
      out << (c ? "  " : "") << (left ? r[c] + pad : pad + r[c]);
    }
    out << "\n";
  }
  out << "(* misses its target: to improve; N/A: no score. Scorecard \"" << card.name() << "\", fingerprint "
      << card.fingerprint() << ", kpiscore " << t.library_version << ")\n";
  return out.str();
}

std::string explain_text(const ScoreTable& t, std::size_t g, const OutputOptions& o) {
  int dec = decimals_of(t, o);
  if (dec < 0) dec = 2;
  const Scorecard& card = t.card;
  const auto& nodes = card.nodes();
  std::ostringstream out;
  out << "group";
  for (std::size_t k = 0; k < t.key_names.size(); ++k) out << " " << t.key_names[k] << "=" << t.keys[g][k].value_or("(null)");
  out << "\noverall " << text_num(t.overall(g), dec);
  if (t.grade[g] >= 0) out << ", grade " << card.grades()[static_cast<std::size_t>(t.grade[g])].name;
  if (const auto b = t.bonus(g)) out << ", bonus " << format_quantity(*b, Unit::ratio);
  out << "   (scorecard \"" << card.name() << "\" " << card.fingerprint() << ", kpiscore " << t.library_version << ")\n";
  if (const BoundTable* b = card.grade_table()) {
    const std::int32_t rr = t.grade_rule[g];
    out << "grade table (" << dsl::name_of(b->table.hit_policy());
    if (b->table.aggregation() != dsl::Aggregation::none) out << " " << dsl::name_of(b->table.aggregation());
    out << "): ";
    if (rr >= 0) out << table_row(b->table, rr);
    else if (rr == dsl::DecisionTable::collected) {
      const auto m = grade_matches(t, g);
      for (std::size_t k = 0; k < m.size(); ++k) out << (k ? "; " : "") << table_row(b->table, static_cast<std::int32_t>(m[k]));
    } else
      out << "no rule matches";
    if (t.grade_capped[g]) out << " (grade capped by a veto)";
    out << "\n";
  }
  std::function<void(std::uint32_t, int)> walk = [&](std::uint32_t n, int depth) {
    const Node& node = nodes[n];
    const auto w = effective_weights(t, g, node);
    for (std::size_t k = 0; k < node.children.size(); ++k) {
      const std::uint32_t c = node.children[k];
      const std::string indent(static_cast<std::size_t>(depth) * 2 + 2, ' ');
      out << indent << nodes[c].name << " " << text_num(t.node(g, c), dec) << "  weight "
          << format_quantity(node.weights[k], Unit::ratio);
      if (std::abs(w[k] - node.weights[k]) > 1e-12 && !std::isnan(t.node(g, c)))
        out << " (renormalized to " << format_quantity(w[k], Unit::ratio) << ")";
      if (std::isnan(t.node(g, c))) out << " (N/A: dropped, the other weights renormalized)";
      else if (t.node_substituted[g * nodes.size() + c]) out << " (N/A: scored as the configured value)";
      if (o.arithmetic && !std::isnan(t.node(g, c)))
        out << "  contributes " << format_quantity(w[k], Unit::ratio) << " x " << text_num(t.node(g, c), dec) << " = "
            << text_num(w[k] * t.node(g, c), dec) << " to " << node.name;
      out << "\n";
      if (nodes[c].indicator) {
        const Indicator& ind = card.indicators()[*nodes[c].indicator];
        const IndicatorResult& r = t.indicator(g, *nodes[c].indicator);
        out << indent << "  " << ind.kpi << " = " << shown(r.value, ind.unit, dec);
        if (o.arithmetic && !std::isnan(r.value))
          out << " (numerator " << format_number(r.numerator) << " / denominator " << format_number(r.observations) << ")";
        if (r.target_entry >= 0)
          out << ", target " << (ind.direction == Direction::lower_is_better ? "<= " : ">= ")
              << shown(r.target, ind.unit, dec) << " ("
              << describe(ind.target->entries[static_cast<std::size_t>(r.target_entry)], card) << ")";
        else if (ind.target && ind.target->table) {
          if (!std::isnan(r.target))
            out << ", target " << (ind.direction == Direction::lower_is_better ? "<= " : ">= ") << shown(r.target, ind.unit, dec)
                << " (target table " << (r.target_rule >= 0 ? table_row(ind.target->table->table, r.target_rule) : std::string("collect")) << ")";
          else
            out << ", target: no rule of the target table matches";
        }
        out << "; rule: " << ind.rule.describe(ind.unit, ind.direction);
        if (!std::isnan(r.rule_score)) out << "; points lost " << text_num(ind.rule.cap - r.rule_score, dec);
        if (r.to_improve)
          out << "; TO IMPROVE: " << shown(IndicatorRule::shortfall(r.value, r.target, ind.direction), ind.unit, dec)
              << (ind.direction == Direction::lower_is_better ? " over" : " short");
        if (r.na != NaReason::none) out << "; N/A: " << na_text(r, ind);
        out << "\n";
      } else
        walk(c, depth + 1);
    }
    if (o.arithmetic && !std::isnan(t.node(g, n))) {
      double sum = 0;
      std::string terms;
      for (std::size_t k = 0; k < node.children.size(); ++k) {
        const double s = t.node(g, node.children[k]);
        if (std::isnan(s)) continue;
        sum += w[k] * s;
        terms += (terms.empty() ? "" : " + ") + text_num(w[k] * s, dec);
      }
      out << std::string(static_cast<std::size_t>(depth) * 2 + 2, ' ') << "= " << node.name << " " << terms << " = "
          << text_num(sum, dec);
      if (std::abs(sum - t.node(g, n)) > 1e-9) out << " (then penalties: " << text_num(t.node(g, n), dec) << ")";
      else if (t.node_substituted[g * nodes.size() + n]) out << " (N/A: scored as the configured value)";
      out << "\n";
    }
  };
  walk(0, 0);
  if (t.penalty_offsets[g] != t.penalty_offsets[g + 1]) {
    out << "penalties (in the order applied):\n";
    for (std::uint32_t k = t.penalty_offsets[g]; k < t.penalty_offsets[g + 1]; ++k) {
      const PenaltyApplication& a = t.penalties[k];
      const Penalty& p = card.penalties()[a.penalty];
      out << "  " << p.name << " at " << name_of(p.level) << " " << nodes[p.node].name << ": "
          << text_num(a.before, dec) << " -> " << text_num(a.after, dec) << " (" << penalty_why(p, a, card) << ")\n";
    }
  }
  return out.str();
}

namespace {

struct Bound {
  std::vector<std::int32_t> kpi_column, key_column;
  GroupView view;
};

Bound bind_group(const Scorecard& card, const KpiTable& table, std::size_t g) {
  Bound b;
  b.kpi_column.assign(card.kpis().size(), -1);
  b.key_column.assign(card.keys().size(), -1);
  for (std::size_t s = 0; s < card.kpis().size(); ++s)
    for (std::size_t c = 0; c < table.kpis.size(); ++c)
      if (table.kpis[c].name == card.kpis()[s].name) b.kpi_column[s] = static_cast<std::int32_t>(c);
  for (std::size_t s = 0; s < card.keys().size(); ++s)
    for (std::size_t c = 0; c < table.key_names.size(); ++c)
      if (table.key_names[c] == card.keys()[s]) b.key_column[s] = static_cast<std::int32_t>(c);
  b.view = GroupView{&table.values[g], &table.keys[g], b.kpi_column, b.key_column};
  return b;
}

const char* truth_name(Truth t) { return t == Truth::yes ? "yes" : t == Truth::no ? "no" : "unknown"; }

ojson condition_json(const Condition& c, const Scorecard& card, const GroupView& v) {
  ojson j = {{"expr", describe(c, card)}, {"truth", truth_name(evaluate(c, v))}};
  if (c.kind == Condition::Kind::kpi) {
    const auto x = v.kpi(c.slot);
    j["value"] = x ? ojson(*x) : ojson(nullptr);
  } else if (c.kind == Condition::Kind::key) {
    const auto* k = v.key(c.slot);
    j["value"] = k && *k ? ojson(**k) : ojson(nullptr);
  } else {
    ojson parts = ojson::array();
    for (const auto& p : c.parts) parts.push_back(condition_json(p, card, v));
    j["parts"] = std::move(parts);
  }
  return j;
}

std::string condition_text(const Condition& c, const Scorecard& card, const GroupView& v) {
  switch (c.kind) {
  case Condition::Kind::all:
  case Condition::Kind::any: {
    std::string s = "(";
    for (std::size_t i = 0; i < c.parts.size(); ++i)
      s += (i ? (c.kind == Condition::Kind::all ? " and " : " or ") : "") + condition_text(c.parts[i], card, v);
    return s + ")";
  }
  case Condition::Kind::negate:
    return "not " + condition_text(c.parts.front(), card, v) + " [" + truth_name(evaluate(c, v)) + "]";
  case Condition::Kind::kpi: {
    const auto x = v.kpi(c.slot);
    return describe(c, card) + " [" + truth_name(evaluate(c, v)) + ": " +
           (x ? format_quantity(*x, card.kpis()[c.slot].unit) : std::string("null")) + "]";
  }
  case Condition::Kind::key: {
    const auto* k = v.key(c.slot);
    return describe(c, card) + " [" + truth_name(evaluate(c, v)) + ": " + (k && *k ? **k : std::string("null")) + "]";
  }
  }
  return "";
}

} // namespace

ojson explain_condition(const Condition& c, const Scorecard& card, const KpiTable& table, std::size_t group) {
  const Bound b = bind_group(card, table, group);
  return condition_json(c, card, b.view);
}

std::string explain_condition_text(const Condition& c, const Scorecard& card, const KpiTable& table, std::size_t group) {
  const Bound b = bind_group(card, table, group);
  return condition_text(c, card, b.view);
}

} // namespace kpiscore::scoring
