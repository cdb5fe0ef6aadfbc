// Custom KPIs (docs/rules.md, "Custom KPIs"): accumulating the two formulas per agent
// over an in-memory ContactTable made once by the seeded generator, against a hand-written loop
// computing the same per-group counts and sums (the limit), and the built-in kernel for scale.
//
//   bench_custom_kpis [--benchmark_min_time=1]
//
//   BM_CustomAccumulate/rows    CustomKpis::accumulate (record program + per-group accumulation)
//   BM_HandLoop/rows            the same accumulators in one plain loop over the columns
//   BM_BuiltinKernel/rows       aggregate(table, index, options): every built-in KPI, one thread
//   BM_CustomFinalize/rows      finalize of the custom KPIs from the state (per group, not per row)
// items_per_second counts rows.
#include "contact_generator.hpp"
#include "release_guard.hpp"

#include <kpiscore/dsl/custom_kpi.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/grouping.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace kpiscore;

const std::vector<std::string> by{"agent_id"};
const char* rules = "kpi short_calls = count(handle_s < 30s) / handled\n"
                    "kpi phone_asa = mean(wait_s) where channel == \"phone\" and answered\n";

struct Data {
  ContactTable table;
  GroupIndex index;
  KpiOptions options;
};

const Data& data_of(std::size_t rows) {
  static std::map<std::size_t, std::unique_ptr<Data>> all;
  auto& d = all[rows];
  if (!d) {
    examples::GeneratorConfig c;
    c.rows = rows;
    c.seed = 42;
    c.agents = 1000;
    d = std::make_unique<Data>();
    d->table = examples::ContactGenerator::table(c);
    d->options.threads = 1;
    d->index = build_group_index(d->table, by, d->options);
  }
  return *d;
}

const dsl::CustomKpis& program() {
  static const dsl::CustomKpis k = dsl::CustomKpis::compile(rules, by);
  return k;
}

void BM_CustomAccumulate(benchmark::State& state) {
  const Data& d = data_of(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    CustomAccumulators a = program().accumulate(d.table, d.index);
    benchmark::DoNotOptimize(a.counts.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_HandLoop(benchmark::State& state) {
  const Data& d = data_of(static_cast<std::size_t>(state.range(0)));
  const ContactTable& t = d.table;
  const DictionaryColumn* channel = nullptr;
  for (const auto& col : t.dimensions)
    if (col.name() == "channel") channel = &col;
  std::uint32_t phone = null_code;
  for (std::uint32_t c = 0; c < channel->dictionary().size(); ++c)
    if (channel->dictionary()[c] == "phone") phone = c;
  for (auto _ : state) {
    std::vector<std::int64_t> short_n(d.index.groups), phone_n(d.index.groups);
    std::vector<int128_t> phone_sum(d.index.groups);
    const auto& talk = t.durations[0];
    const auto& hold = t.durations[1];
    const auto& acw = t.durations[2];
    for (std::size_t i = 0; i < t.size(); ++i) {
      const std::uint32_t g = d.index.group_of_row[i];
      const bool known =
          talk[i] != null_duration && hold[i] != null_duration && acw[i] != null_duration;
      short_n[g] += known && talk[i] + hold[i] + acw[i] < 30000;
      if (channel->codes()[i] == phone && t.answered[i] == 1 && t.wait_ms[i] != null_duration) {
        ++phone_n[g];
        phone_sum[g] += static_cast<int128_t>(t.wait_ms[i]) * 1000000;
      }
    }
    benchmark::DoNotOptimize(short_n.data());
    benchmark::DoNotOptimize(phone_sum.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_BuiltinKernel(benchmark::State& state) {
  const Data& d = data_of(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    GroupedKpiState s = aggregate(d.table, d.index, d.options);
    benchmark::DoNotOptimize(s.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_CustomFinalize(benchmark::State& state) {
  const Data& d = data_of(static_cast<std::size_t>(state.range(0)));
  GroupedKpiState s = aggregate(d.table, d.index, d.options);
  s.set_custom(program().accumulate(d.table, d.index));
  for (auto _ : state) {
    auto cols = program().finalize(s);
    benchmark::DoNotOptimize(cols.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(s.size()));
}

BENCHMARK(BM_CustomAccumulate)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_HandLoop)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BuiltinKernel)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CustomFinalize)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
