// Seat planning: agents required for 10 000 intervals (a plan of about 100 days of 15-minute
// intervals), Erlang C and Erlang A, through plan_intervals (staffing/interval_plan.hpp).
//
//   bench_staffing [benchmark flags]
//
// Intervals: arrivals 10..1209 per 30 minutes (a deterministic spread, 1 to 200 Erlangs),
// AHT 180..300 s; goal 80 % answered within 20 s; Erlang A with 120 s mean patience.
// items_per_second = intervals planned per second.
#include "release_guard.hpp"

#include <kpiscore/staffing.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

namespace ks = kpiscore::staffing;

std::vector<ks::interval_forecast> intervals(std::size_t n) {
  std::vector<ks::interval_forecast> v;
  v.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    v.push_back({10.0 + static_cast<double>(i * 37 % 1200), 180.0 + static_cast<double>(i % 13) * 10});
  return v;
}

ks::plan_params params(double patience_s) {
  ks::plan_params p;
  p.interval_s = 1800;
  p.goal.target_s = 20;
  p.goal.service_level = 0.8;
  p.patience_s = patience_s;
  return p;
}

void run(benchmark::State& state, double patience_s) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto v = intervals(n);
  const ks::plan_params p = params(patience_s);
  std::int64_t agents = 0;
  for (auto _ : state) {
    const auto plan = ks::plan_intervals(v, p);
    agents = 0;
    for (const auto& r : plan) agents += r.agents;
    benchmark::DoNotOptimize(agents);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["agents_total"] = static_cast<double>(agents);
}

void BM_PlanErlangC(benchmark::State& state) { run(state, ks::plan_params{}.patience_s); }
void BM_PlanErlangA(benchmark::State& state) { run(state, 120.0); }

// One large question each: 5000 Erlangs.
void BM_AgentsRequiredC_5000Erlangs(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ks::agents_required(5000.0 / 240, 240, 20, 0.8));
}
void BM_AgentsRequiredA_5000Erlangs(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(ks::agents_required_a(5000.0 / 240, 240, 20, 0.8, 120));
}

BENCHMARK(BM_PlanErlangC)->ArgName("intervals")->Arg(10'000)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlanErlangA)->ArgName("intervals")->Arg(10'000)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AgentsRequiredC_5000Erlangs)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AgentsRequiredA_5000Erlangs)->UseRealTime()->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
