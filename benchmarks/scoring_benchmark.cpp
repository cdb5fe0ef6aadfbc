// Scoring throughput: a 20-indicator scorecard (4 dimensions × 5, deduction, proportional, tier,
// band and value rules, a segment target, one penalty) over a KpiTable of 100k groups.
//
//   bench_scoring [benchmark flags]
//
// BM_Score/groups   score(card, table) only: the table and the compiled card are made once.
#include "release_guard.hpp"

#include <kpiscore/scoring.hpp>

#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <random>
#include <string>

namespace {

using namespace kpiscore;
using namespace kpiscore::scoring;

constexpr const char* kpi_names[20] = {"k00", "k01", "k02", "k03", "k04", "k05", "k06", "k07", "k08", "k09",
                                       "k10", "k11", "k12", "k13", "k14", "k15", "k16", "k17", "k18", "k19"};

Scorecard make_card() {
  nlohmann::json spec = {{"name", "bench"}, {"inputs", nlohmann::json::object()}, {"dimensions", nlohmann::json::array()}};
  const nlohmann::json rules[5] = {
      {{"type", "deduct"}, {"per", 0.01}, {"points", 2}},
      {{"type", "proportional"}},
      {{"type", "tiers"}, {"tiers", {{{"min", 0.9}, {"score", 100}}, {{"min", 0.8}, {"score", 80}}, {{"score", 50}}}}},
      {{"type", "bands"}, {"points", {{0.5, 0}, {0.8, 70}, {0.95, 100}}}},
      {{"type", "value"}, {"scale", 100}}};
  for (int d = 0; d < 4; ++d) {
    nlohmann::json dim = {{"name", std::string(1, static_cast<char>('a' + d))}, {"weight", 0.25}, {"indicators", nlohmann::json::array()}};
    for (int i = 0; i < 5; ++i) {
      const std::string k = kpi_names[d * 5 + i];
      spec["inputs"][k] = "ratio";
      nlohmann::json ind = {{"kpi", k}, {"direction", "higher"}, {"rule", rules[i]}, {"min_observations", 5}};
      ind["target"] = i == 0 ? nlohmann::json::array({{{"value", 0.85}}, {{"value", 0.8}, {"when", {{"key", "team"}, {"value", "T1"}}}}})
                             : nlohmann::json(0.85);
      dim["indicators"].push_back(ind);
    }
    spec["dimensions"].push_back(dim);
  }
  spec["penalties"] = {{{"name", "low_k00"}, {"when", {{"kpi", "k00"}, {"op", "<"}, {"value", 0.6}}}, {"deduct", {{"points", 5}}}}};
  spec["grades"] = {{{"name", "A"}, {"min", 90}}, {{"name", "B"}, {"min", 75}}, {{"name", "C"}}};
  return Scorecard::compile(spec);
}

KpiTable make_table(std::size_t groups) {
  KpiTable t;
  t.key_names = {"agent_id", "team"};
  for (const char* n : kpi_names) t.kpis.push_back({n, KpiKind::ratio});
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0.4, 1.0);
  t.keys.reserve(groups);
  t.values.reserve(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    std::string agent = std::to_string(g), team = std::to_string(g % 50);
    agent.insert(agent.begin(), 'A');
    team.insert(team.begin(), 'T');
    t.keys.push_back({std::move(agent), std::move(team)});
    std::vector<KpiValue> row;
    for (int k = 0; k < 20; ++k) {
      const double v = u(rng);
      row.push_back({g % 97 == 0 ? std::nullopt : std::optional<double>(v), v * 100, 100});
    }
    t.values.push_back(std::move(row));
  }
  return t;
}

void BM_Score(benchmark::State& state) {
  const auto groups = static_cast<std::size_t>(state.range(0));
  const Scorecard card = make_card();
  const KpiTable table = make_table(groups);
  for (auto _ : state) {
    ScoreTable s = score(card, table);
    benchmark::DoNotOptimize(s.node_scores.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(groups));
  state.counters["indicators"] = 20;
}
BENCHMARK(BM_Score)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
