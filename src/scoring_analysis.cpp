// Ranking and period roll-up of scores (ranking.hpp, rollup.hpp).
#include <kpiscore/scoring/ranking.hpp>
#include <kpiscore/scoring/rollup.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>

namespace kpiscore::scoring {
namespace {

using KeyTuple = std::vector<std::optional<std::string>>;

std::vector<std::size_t> key_columns(const std::vector<std::string>& names, std::span<const std::string> wanted,
                                     const char* who) {
  std::vector<std::size_t> cols;
  for (const auto& w : wanted) {
    const auto it = std::find(names.begin(), names.end(), w);
    if (it == names.end()) throw std::invalid_argument(std::string(who) + ": '" + w + "' is not a group key");
    cols.push_back(static_cast<std::size_t>(it - names.begin()));
  }
  return cols;
}

/// Dense partition ids of the groups by the given key columns (in first-seen order).
std::vector<std::uint32_t> partition(const std::vector<KeyTuple>& keys, const std::vector<std::size_t>& cols,
                                     std::vector<KeyTuple>* labels = nullptr) {
  std::map<KeyTuple, std::uint32_t> ids;
  std::vector<std::uint32_t> out(keys.size());
  for (std::size_t g = 0; g < keys.size(); ++g) {
    KeyTuple k;
    for (std::size_t c : cols) k.push_back(keys[g][c]);
    const auto [it, added] = ids.emplace(k, static_cast<std::uint32_t>(ids.size()));
    if (added && labels) labels->push_back(k);
    out[g] = it->second;
  }
  return out;
}

} // namespace

std::vector<Rank> rank_scores(std::span<const double> scores, const std::vector<std::string>& key_names,
                              const std::vector<KeyTuple>& keys, std::span<const std::string> within) {
  if (scores.size() != keys.size()) throw std::invalid_argument("rank: one score per group expected");
  const auto part = partition(keys, key_columns(key_names, within, "rank"));
  const std::size_t P = part.empty() ? 0 : *std::max_element(part.begin(), part.end()) + 1;
  std::vector<std::vector<std::size_t>> members(P);
  for (std::size_t g = 0; g < part.size(); ++g)
    if (!std::isnan(scores[g])) members[part[g]].push_back(g);
  std::vector<Rank> out(scores.size());
  for (auto& m : members) {
    std::sort(m.begin(), m.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    const auto n = static_cast<std::uint32_t>(m.size());
    for (std::size_t k = 0; k < m.size(); ++k) {
      Rank& r = out[m[k]];
      // min method: a tie takes the rank of the first of its run
      r.rank = (k > 0 && scores[m[k]] == scores[m[k - 1]]) ? *out[m[k - 1]].rank : static_cast<std::uint32_t>(k + 1);
      r.n = n;
      r.percentile = n > 1 ? static_cast<double>(*r.rank - 1) / static_cast<double>(n - 1) : 0.0;
      r.gap_to_best = scores[m.front()] - scores[m[k]];
    }
  }
  for (std::size_t g = 0; g < part.size(); ++g)
    if (std::isnan(scores[g])) out[g].n = static_cast<std::uint32_t>(members[part[g]].size());
  return out;
}

std::vector<Rank> rank(const ScoreTable& t, std::span<const std::string> within, const std::string& node) {
  const auto n = t.card.find_node(node);
  if (!n) throw std::invalid_argument("rank: no node named '" + node + "'");
  std::vector<double> s(t.size());
  for (std::size_t g = 0; g < t.size(); ++g) s[g] = t.node(g, *n);
  return rank_scores(s, t.key_names, t.keys, within);
}

RolledUpScores roll_up(const ScoreTable& t, std::span<const std::string> keep, RollupMethod method,
                       std::span<const double> weights) {
  if (method == RollupMethod::weighted && weights.size() != t.size())
    throw std::invalid_argument("roll_up: expected one weight per group (" + std::to_string(t.size()) + "), actual " +
                                std::to_string(weights.size()));
  for (double w : weights)
    if (!std::isfinite(w) || w < 0) throw std::invalid_argument("roll_up: weights must be finite and >= 0");
  RolledUpScores r;
  const auto cols = key_columns(t.key_names, keep, "roll_up");
  for (const auto& k : keep) r.key_names.push_back(k);
  const auto part = partition(t.keys, cols, &r.keys);
  const std::size_t P = r.keys.size(), N = t.card.nodes().size();
  r.nodes = N;
  std::vector<double> num(P * N, 0.0), den(P * N, 0.0);
  r.periods.assign(P, 0);
  r.weight.assign(P, 0.0);
  for (std::size_t g = 0; g < t.size(); ++g) {
    const double w = method == RollupMethod::weighted ? weights[g] : 1.0;
    for (std::size_t n = 0; n < N; ++n) {
      const double s = t.node(g, n);
      if (std::isnan(s)) continue;
      num[part[g] * N + n] += w * s;
      den[part[g] * N + n] += w;
    }
    if (!std::isnan(t.overall(g))) {
      ++r.periods[part[g]];
      r.weight[part[g]] += w;
    }
  }
  r.node_scores.resize(P * N);
  for (std::size_t i = 0; i < P * N; ++i)
    r.node_scores[i] = den[i] > 0 ? num[i] / den[i] : std::numeric_limits<double>::quiet_NaN();
  r.grade.resize(P);
  for (std::size_t p = 0; p < P; ++p)
    r.grade[p] = grade_by_table(t.card, std::span<const double>(r.node_scores).subspan(p * N, N));
  return r;
}

std::vector<double> weights_from(const KpiTable& table, std::string_view kpi) {
  const std::size_t c = table.kpi_index(kpi);
  std::vector<double> w(table.size());
  for (std::size_t g = 0; g < table.size(); ++g) w[g] = table.values[g][c].value.value_or(0.0);
  return w;
}

} // namespace kpiscore::scoring
