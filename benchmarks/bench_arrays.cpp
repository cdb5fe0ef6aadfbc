// The C++ side of benchmarks/python_overhead.py (issue 7: `kpiscore.kpis` from numpy within 10 %
// of the C++ work): the same columns, in the same layouts numpy/pandas hand over, go through
// read_contact_arrays (validation, zero-copy borrowing), aggregate by agent_id × day and
// finalize — everything kpiscore.kpis does except the Python layer.
//
//   bench_arrays [--rows=10000000] [benchmark flags]
//
// Columns (as python_overhead.py generates them; seeded, 200 agents, 31 days of March 2026):
//   arrived_at  int64 ms UTC               direction  int8 codes, dictionary {inbound, outbound}
//   agent_id    int16 codes, 200 names     answered   int8 0/1 (90 % answered)
//   wait_ms     int64, exponential 20 s    talk_ms    int64 lognormal + mask (unanswered null)
//   acw_ms      int64 uniform 0..60 s      resolved_first_contact, csat: int8 + mask
// BM_ArraysToKpis/threads   read_contact_arrays + aggregate + finalize
// BM_ReadArrays             read_contact_arrays alone
// BM_AggregateRead/threads  aggregate + finalize of the already-read table
#include "release_guard.hpp"

#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/array_input.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace kpiscore;

std::size_t rows_flag = 10'000'000;

struct Columns {
  std::size_t rows = 0;
  std::vector<std::int64_t> arrived, wait, talk, acw;
  std::vector<std::int8_t> direction, answered, rfc, csat;
  std::vector<std::int16_t> agent;
  std::vector<std::uint8_t> talk_valid, rfc_valid, csat_valid;
  std::vector<std::string> agent_names;
};

const Columns& columns() {
  static Columns c = [] {
    Columns x;
    const std::size_t n = rows_flag;
    x.rows = n;
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::int64_t> when(0, 31LL * 86'400'000 - 1), acw(0, 59'999);
    std::uniform_int_distribution<int> agent(0, 199), coin(0, 1), score(1, 5);
    std::uniform_real_distribution<double> u(0, 1);
    std::exponential_distribution<double> wait(1.0 / 20'000);
    std::lognormal_distribution<double> talk(12.3, 0.6);
    const std::int64_t start = 1'772'323'200'000; // 2026-03-01T00:00:00Z
    x.arrived.resize(n), x.wait.resize(n), x.talk.resize(n), x.acw.resize(n);
    x.direction.assign(n, 0), x.answered.resize(n), x.rfc.resize(n), x.csat.resize(n);
    x.agent.resize(n), x.talk_valid.resize(n), x.rfc_valid.resize(n), x.csat_valid.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      x.arrived[i] = start + when(rng);
      const bool answered = u(rng) < 0.9;
      x.answered[i] = answered ? 1 : 0;
      x.agent[i] = static_cast<std::int16_t>(agent(rng));
      x.wait[i] = static_cast<std::int64_t>(wait(rng));
      x.talk[i] = answered ? static_cast<std::int64_t>(talk(rng)) : 0;
      x.talk_valid[i] = answered ? 1 : 0;
      x.acw[i] = acw(rng);
      x.rfc[i] = answered ? static_cast<std::int8_t>(coin(rng)) : 0;
      x.rfc_valid[i] = answered ? 1 : 0;
      const bool surveyed = u(rng) < 0.2;
      x.csat[i] = surveyed ? static_cast<std::int8_t>(score(rng)) : 0;
      x.csat_valid[i] = surveyed ? 1 : 0;
    }
    for (int a = 0; a < 200; ++a) {
      char name[8];
      std::snprintf(name, sizeof name, "A%04d", a);
      x.agent_names.emplace_back(name);
    }
    return x;
  }();
  return c;
}

ContactArrays arrays_of(const Columns& c) {
  ContactArrays a;
  a.rows = c.rows;
  a.arrived_at.values = std::span<const std::int64_t>(c.arrived);
  a.arrived_at_unit = TimeUnit::ms;
  a.direction.codes = std::span<const std::int8_t>(c.direction);
  a.direction.dictionary = {"inbound", "outbound"};
  a.answered.values = std::span<const std::int8_t>(c.answered);
  a.wait.values.values = std::span<const std::int64_t>(c.wait);
  a.wait.unit = DurationUnit::milliseconds;
  auto& talk = a.durations[static_cast<std::size_t>(DurationField::talk)];
  talk.values.values = std::span<const std::int64_t>(c.talk);
  talk.values.valid = c.talk_valid;
  talk.unit = DurationUnit::milliseconds;
  auto& acw = a.durations[static_cast<std::size_t>(DurationField::acw)];
  acw.values.values = std::span<const std::int64_t>(c.acw);
  acw.unit = DurationUnit::milliseconds;
  auto& rfc = a.smalls[static_cast<std::size_t>(SmallField::resolved_first_contact)];
  rfc.values = std::span<const std::int8_t>(c.rfc);
  rfc.valid = c.rfc_valid;
  auto& csat = a.smalls[static_cast<std::size_t>(SmallField::csat)];
  csat.values = std::span<const std::int8_t>(c.csat);
  csat.valid = c.csat_valid;
  DictionaryArray agent;
  agent.codes = std::span<const std::int16_t>(c.agent);
  for (const auto& s : c.agent_names)
    agent.dictionary.emplace_back(s);
  a.dimensions.emplace_back("agent_id", std::move(agent));
  return a;
}

KpiOptions options_with(int threads) {
  KpiOptions o;
  o.threads = threads;
  return o;
}

const std::vector<std::string> by{"agent_id", "day"};

void BM_ArraysToKpis(benchmark::State& state) {
  const Columns& c = columns();
  const KpiOptions options = options_with(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    ReadResult r = read_contact_arrays(arrays_of(c), options);
    KpiTable t = finalize(aggregate(r.table, by, options));
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.rows));
}

void BM_ReadArrays(benchmark::State& state) {
  const Columns& c = columns();
  const KpiOptions options;
  for (auto _ : state) {
    ReadResult r = read_contact_arrays(arrays_of(c), options);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.rows));
}

void BM_AggregateRead(benchmark::State& state) {
  const Columns& c = columns();
  const KpiOptions options = options_with(static_cast<int>(state.range(0)));
  static const ReadResult r = read_contact_arrays(arrays_of(c), KpiOptions{});
  for (auto _ : state) {
    KpiTable t = finalize(aggregate(r.table, by, options));
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.rows));
}

BENCHMARK(BM_ArraysToKpis)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReadArrays)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AggregateRead)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--rows=", 7) == 0)
      rows_flag = static_cast<std::size_t>(std::strtoull(argv[i] + 7, nullptr, 10));
    else
      rest.push_back(argv[i]);
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
