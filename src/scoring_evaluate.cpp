// Scoring every group of a KpiTable under a compiled Scorecard (score_table.hpp).
//
// Indicators are scored column by column (one indicator over all groups); the tree is then
// evaluated node by node in post-order, each node a column of a groups × nodes matrix:
//   score[n] = Σ_c w_c · s_c · [s_c present] / Σ_c w_c · [s_c present]
// which is the weighted mean with the weights of N/A children renormalized away; a node whose
// children are all N/A is N/A itself (or takes its configured N/A score), and its parent
// renormalizes in turn.
#include <kpiscore/scoring/score_table.hpp>
#include <kpiscore/version.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace kpiscore::scoring {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct Applied {
  std::uint32_t group;
  PenaltyApplication a;
};

} // namespace

std::optional<double> ScoreTable::bonus(std::size_t g) const noexcept {
  const bool capped = !grade_capped.empty() && grade_capped[g];
  if (!table_bonus.empty() && !capped && !std::isnan(table_bonus[g])) return table_bonus[g];
  const int gr = grade[g];
  if (gr < 0) return std::nullopt;
  return card.grades()[static_cast<std::size_t>(gr)].bonus;
}

namespace {

/// The input columns of a bound decision table over G groups: node scores (NaN = N/A), KPI
/// values (NaN = null or absent) and key labels (null or absent: invalid).
struct TableColumns {
  std::vector<std::vector<double>> numbers;
  std::vector<std::vector<std::string_view>> labels;
  std::vector<std::vector<std::uint8_t>> valid;
  std::vector<dsl::TableInput> inputs;
};

template <class NodeScore>
TableColumns table_columns(const BoundTable& b, std::size_t G, const KpiTable* table, std::span<const std::int32_t> kpi_column,
                           std::span<const std::int32_t> key_column, NodeScore node_score) {
  TableColumns t;
  const std::size_t C = b.inputs.size();
  t.numbers.resize(C);
  t.labels.resize(C);
  t.valid.resize(C);
  for (std::size_t c = 0; c < C; ++c) {
    const TableInputRef& ref = b.inputs[c];
    if (ref.kind == TableInputRef::Kind::key) {
      t.labels[c].resize(G);
      t.valid[c].assign(G, 0);
      const std::int32_t col = table ? key_column[ref.index] : -1;
      if (col >= 0)
        for (std::size_t g = 0; g < G; ++g)
          if (const auto& l = table->keys[g][static_cast<std::size_t>(col)]) {
            t.labels[c][g] = *l;
            t.valid[c][g] = 1;
          }
    } else {
      t.numbers[c].assign(G, nan);
      if (ref.kind == TableInputRef::Kind::node)
        for (std::size_t g = 0; g < G; ++g) t.numbers[c][g] = node_score(g, ref.index);
      else if (const std::int32_t col = table ? kpi_column[ref.index] : -1; col >= 0)
        for (std::size_t g = 0; g < G; ++g)
          if (const auto& v = table->values[g][static_cast<std::size_t>(col)].value) t.numbers[c][g] = *v;
    }
  }
  for (std::size_t c = 0; c < C; ++c) {
    dsl::TableInput in;
    if (b.inputs[c].kind == TableInputRef::Kind::key) {
      in.labels = t.labels[c].data();
      in.valid = t.valid[c].data();
    } else
      in.numbers = t.numbers[c].data();
    t.inputs.push_back(in);
  }
  return t;
}

} // namespace

int grade_by_table(const Scorecard& card, std::span<const double> node_scores, std::int32_t* rule) {
  const BoundTable* b = card.grade_table();
  const auto out = b ? b->table.output_index("grade") : std::nullopt;
  if (!out) return grade_of(card.grades(), node_scores.empty() ? nan : node_scores[0]);
  const TableColumns cols = table_columns(*b, 1, nullptr, {}, {}, [&](std::size_t, std::uint32_t n) { return node_scores[n]; });
  std::int32_t r = -1;
  b->table.evaluate(cols.inputs, 1, &r, nullptr);
  if (rule) *rule = r;
  if (r < 0) return -1;
  const std::string& name = b->table.rules()[static_cast<std::size_t>(r)].outputs[*out].label;
  for (std::size_t i = 0; i < card.grades().size(); ++i)
    if (card.grades()[i].name == name) return static_cast<int>(i);
  return -1;
}

ScoreTable score(const Scorecard& card, const KpiTable& table, const EvaluationOptions& options) {
  const std::size_t G = table.size();
  const std::size_t N = card.nodes().size();
  const std::size_t I = card.indicators().size();

  std::vector<std::int32_t> kpi_column(card.kpis().size(), -1), key_column(card.keys().size(), -1);
  for (std::size_t s = 0; s < card.kpis().size(); ++s)
    for (std::size_t c = 0; c < table.kpis.size(); ++c)
      if (table.kpis[c].name == card.kpis()[s].name) kpi_column[s] = static_cast<std::int32_t>(c);
  for (std::size_t s = 0; s < card.keys().size(); ++s)
    for (std::size_t c = 0; c < table.key_names.size(); ++c)
      if (table.key_names[c] == card.keys()[s]) key_column[s] = static_cast<std::int32_t>(c);

  // The period date of each group, for effective-dated targets.
  std::int32_t period_column = -1;
  if (!options.period_key.empty()) {
    for (std::size_t c = 0; c < table.key_names.size(); ++c)
      if (table.key_names[c] == options.period_key) period_column = static_cast<std::int32_t>(c);
    if (period_column < 0)
      throw std::invalid_argument("score: period key '" + options.period_key + "' is not a group key");
  } else {
    for (const char* k : {"month", "week", "day", "hour", "interval30", "interval15"}) {
      for (std::size_t c = 0; c < table.key_names.size() && period_column < 0; ++c)
        if (table.key_names[c] == k) period_column = static_cast<std::int32_t>(c);
      if (period_column >= 0) break;
    }
  }
  std::vector<std::optional<std::int32_t>> day(G, options.as_of);
  if (period_column >= 0)
    for (std::size_t g = 0; g < G; ++g) {
      const auto& label = table.keys[g][static_cast<std::size_t>(period_column)];
      if (label) day[g] = period_start_day(*label);
    }

  auto view = [&](std::size_t g) {
    return GroupView{&table.values[g], &table.keys[g], kpi_column, key_column};
  };

  ScoreTable out{card, KPISCORE_VERSION_STRING, table.key_names, table.keys, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
  out.indicators.resize(G * I);
  out.node_substituted.assign(G * N, 0);
  Eigen::ArrayXXd S = Eigen::ArrayXXd::Constant(static_cast<Eigen::Index>(G), static_cast<Eigen::Index>(N), nan);
  std::vector<int> grade_cap(G, -1);
  std::vector<Applied> applied;

  std::vector<std::vector<std::uint32_t>> penalties_at(N);
  for (std::uint32_t p = 0; p < card.penalties().size(); ++p) penalties_at[card.penalties()[p].node].push_back(p);

  auto apply_penalties = [&](std::uint32_t n) {
    if (penalties_at[n].empty()) return;
    const Node& node = card.nodes()[n];
    for (std::size_t g = 0; g < G; ++g) {
      double& s = S(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(n));
      if (std::isnan(s)) continue;
      const GroupView v = view(g);
      for (std::uint32_t p : penalties_at[n]) {
        const Penalty& pen = card.penalties()[p];
        if (pen.when && evaluate(*pen.when, v) != Truth::yes) continue;
        PenaltyApplication a;
        a.penalty = p;
        a.before = s;
        if (pen.effect == Penalty::Effect::veto) {
          a.occurrences = 1;
          if (pen.veto_score) s = std::min(s, *pen.veto_score);
          if (pen.max_grade) grade_cap[g] = std::max(grade_cap[g], static_cast<int>(*pen.max_grade));
          a.points = s - a.before;
        } else {
          double occ = 1;
          if (pen.per_slot) {
            const auto count = v.kpi(*pen.per_slot);
            if (!count) continue;
            occ = *count - pen.beyond;
            if (!(occ > 0)) continue;
          }
          double pts = pen.points * occ;
          if (pen.cap) pts = std::min(pts, *pen.cap);
          a.occurrences = occ;
          a.points = pen.effect == Penalty::Effect::deduct ? -pts : pts;
          s = std::clamp(s + a.points, 0.0, 100.0);
        }
        a.after = s;
        if (node.indicator) out.indicators[g * I + *node.indicator].score = s;
        applied.push_back({static_cast<std::uint32_t>(g), a});
      }
    }
  };

  for (const std::uint32_t n : card.post_order()) {
    const Node& node = card.nodes()[n];
    const auto col = static_cast<Eigen::Index>(n);
    if (node.indicator) {
      const std::size_t i = *node.indicator;
      const Indicator& ind = card.indicators()[i];
      const std::int32_t kc = kpi_column[ind.kpi_slot];
      const bool simple_target = ind.target && ind.target->entries.size() == 1 && !ind.target->entries[0].when &&
                                 !ind.target->entries[0].from && !ind.target->entries[0].until;
      // A target table: evaluated once over every group (indexed, batch).
      std::vector<std::int32_t> table_rule;
      std::vector<double> table_value;
      if (ind.target && ind.target->table) {
        const BoundTable& b = *ind.target->table;
        const TableColumns cols = table_columns(b, G, &table, kpi_column, key_column, [](std::size_t, std::uint32_t) { return nan; });
        table_rule.resize(G);
        table_value.resize(G);
        b.table.evaluate(cols.inputs, G, table_rule.data(), table_value.data());
        const std::size_t out_col = *b.table.output_index("target");
        if (out_col != 0)
          for (std::size_t g = 0; g < G; ++g)
            table_value[g] = table_rule[g] >= 0 ? b.table.rules()[static_cast<std::size_t>(table_rule[g])].outputs[out_col].number
                                                : table_value[g];
      }
      for (std::size_t g = 0; g < G; ++g) {
        IndicatorResult& r = out.indicators[g * I + i];
        if (kc < 0) r.na = NaReason::missing_kpi;
        else {
          const KpiValue& kv = table.values[g][static_cast<std::size_t>(kc)];
          r.observations = kv.denominator;
          r.numerator = kv.numerator;
          if (kv.value) r.value = *kv.value;
          if (!table_rule.empty()) {
            r.target_rule = table_rule[g];
            if (!std::isnan(table_value[g])) r.target = table_value[g];
          } else if (ind.target) {
            const int e = simple_target ? 0 : ind.target->resolve(view(g), day[g]);
            if (e >= 0) {
              r.target_entry = static_cast<std::int16_t>(e);
              r.target = ind.target->entries[static_cast<std::size_t>(e)].value;
            }
          }
          if (!kv.value) r.na = NaReason::null_value;
          else if (kv.denominator < ind.min_observations) r.na = NaReason::too_few_observations;
          else if (ind.rule.needs_target() && std::isnan(r.target)) r.na = NaReason::no_target;
          else {
            r.rule_score = r.score = ind.rule.score(r.value, r.target, ind.direction);
            r.to_improve = !std::isnan(r.target) && IndicatorRule::shortfall(r.value, r.target, ind.direction) > 0;
          }
        }
        if (r.na != NaReason::none && ind.na.policy == NaHandling::Policy::score) {
          r.score = ind.na.score;
          r.substituted = true;
          out.node_substituted[g * N + n] = 1;
        }
        S(static_cast<Eigen::Index>(g), col) = r.score;
      }
    } else {
      Eigen::ArrayXd num = Eigen::ArrayXd::Zero(static_cast<Eigen::Index>(G));
      Eigen::ArrayXd den = Eigen::ArrayXd::Zero(static_cast<Eigen::Index>(G));
      for (std::size_t k = 0; k < node.children.size(); ++k) {
        const auto c = S.col(static_cast<Eigen::Index>(node.children[k]));
        const double w = node.weights[k];
        const auto present = (c == c); // false for NaN
        num += present.select(w * c, 0.0);
        den += present.select(Eigen::ArrayXd::Constant(c.size(), w), 0.0);
      }
      S.col(col) = (den > 0).select(num / den, nan);
      if (node.na.policy == NaHandling::Policy::score)
        for (std::size_t g = 0; g < G; ++g) {
          double& s = S(static_cast<Eigen::Index>(g), col);
          if (std::isnan(s)) {
            s = node.na.score;
            out.node_substituted[g * N + n] = 1;
          }
        }
    }
    apply_penalties(n);
  }

  out.node_scores.resize(G * N);
  for (std::size_t g = 0; g < G; ++g)
    for (std::size_t n = 0; n < N; ++n)
      out.node_scores[g * N + n] = S(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(n));
  out.grade.resize(G);
  for (std::size_t g = 0; g < G; ++g) out.grade[g] = grade_of(card.grades(), out.node_scores[g * N]);
  if (const BoundTable* b = card.grade_table()) {
    // The grade and bonus table, over every group at once; its inputs see the final scores.
    const TableColumns cols = table_columns(*b, G, &table, kpi_column, key_column,
                                            [&](std::size_t g, std::uint32_t n) { return out.node_scores[g * N + n]; });
    out.grade_rule.resize(G);
    b->table.evaluate(cols.inputs, G, out.grade_rule.data(), nullptr);
    out.grade_inputs.assign(G * b->inputs.size(), nan);
    for (std::size_t c = 0; c < b->inputs.size(); ++c)
      if (!cols.numbers[c].empty())
        for (std::size_t g = 0; g < G; ++g) out.grade_inputs[g * b->inputs.size() + c] = cols.numbers[c][g];
    const auto grade_col = b->table.output_index("grade");
    const auto bonus_col = b->table.output_index("bonus");
    if (bonus_col) out.table_bonus.assign(G, nan);
    std::vector<double> collected;
    if (bonus_col && b->table.hit_policy() == dsl::HitPolicy::collect) {
      collected.resize(G);
      b->table.evaluate(cols.inputs, G, out.grade_rule.data(), collected.data());
    }
    for (std::size_t g = 0; g < G; ++g) {
      // A group without a score has no grade and no bonus: the table is not consulted (as
      // grade_of gives no grade to N/A), even where its `-` entries would match.
      if (std::isnan(out.node_scores[g * N])) out.grade_rule[g] = dsl::DecisionTable::no_match;
      if (std::isnan(out.node_scores[g * N]) && !collected.empty()) collected[g] = nan;
      const std::int32_t rr = out.grade_rule[g];
      if (grade_col) {
        out.grade[g] = -1;
        if (rr >= 0) {
          const std::string& name = b->table.rules()[static_cast<std::size_t>(rr)].outputs[*grade_col].label;
          for (std::size_t i = 0; i < card.grades().size(); ++i)
            if (card.grades()[i].name == name) out.grade[g] = static_cast<int>(i);
        }
      }
      if (bonus_col) {
        if (!collected.empty()) out.table_bonus[g] = collected[g];
        else if (rr >= 0) out.table_bonus[g] = b->table.rules()[static_cast<std::size_t>(rr)].outputs[*bonus_col].number;
      }
    }
  }
  out.grade_capped.assign(G, 0);
  for (std::size_t g = 0; g < G; ++g)
    if (out.grade[g] >= 0 && grade_cap[g] > out.grade[g]) {
      out.grade[g] = grade_cap[g];
      out.grade_capped[g] = 1;
    }
  std::stable_sort(applied.begin(), applied.end(), [](const Applied& a, const Applied& b) { return a.group < b.group; });
  out.penalty_offsets.assign(G + 1, 0);
  for (const Applied& a : applied) ++out.penalty_offsets[a.group + 1];
  for (std::size_t g = 0; g < G; ++g) out.penalty_offsets[g + 1] += out.penalty_offsets[g];
  out.penalties.reserve(applied.size());
  for (const Applied& a : applied) out.penalties.push_back(a.a);
  return out;
}

} // namespace kpiscore::scoring
