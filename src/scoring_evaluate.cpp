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
  const int gr = grade[g];
  if (gr < 0) return std::nullopt;
  return card.grades()[static_cast<std::size_t>(gr)].bonus;
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

  ScoreTable out{card, KPISCORE_VERSION_STRING, table.key_names, table.keys, {}, {}, {}, {}, {}, {}};
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
      for (std::size_t g = 0; g < G; ++g) {
        IndicatorResult& r = out.indicators[g * I + i];
        if (kc < 0) r.na = NaReason::missing_kpi;
        else {
          const KpiValue& kv = table.values[g][static_cast<std::size_t>(kc)];
          r.observations = kv.denominator;
          if (kv.value) r.value = *kv.value;
          if (ind.target) {
            const int e = simple_target ? 0 : ind.target->resolve(view(g), day[g]);
            if (e >= 0) {
              r.target_entry = static_cast<std::int16_t>(e);
              r.target = ind.target->entries[static_cast<std::size_t>(e)].value;
            }
          }
          if (!kv.value) r.na = NaReason::null_value;
          else if (kv.denominator < ind.min_observations) r.na = NaReason::too_few_observations;
          else if (ind.rule.needs_target() && r.target_entry < 0) r.na = NaReason::no_target;
          else {
            r.rule_score = r.score = ind.rule.score(r.value, r.target, ind.direction);
            r.to_improve = r.target_entry >= 0 && IndicatorRule::shortfall(r.value, r.target, ind.direction) > 0;
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
  for (std::size_t g = 0; g < G; ++g) {
    int gr = grade_of(card.grades(), out.node_scores[g * N]);
    if (gr >= 0 && grade_cap[g] > gr) gr = grade_cap[g];
    out.grade[g] = gr;
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
