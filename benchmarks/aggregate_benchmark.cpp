// Throughput of the KPI aggregation: the full contact KPI set grouped by agent_id × day over an
// in-memory ContactTable made once by the seeded generator.
//
//   bench_aggregate [--rows=1000000,10000000] [--agents=1000] [--seed=42] [benchmark flags]
//
// Benchmarks (real time; records/s/core = items_per_second / threads):
//   BM_Aggregate/rows/threads/quantiles   aggregate(table, {"agent_id","day"}, options)
//   BM_GroupIndex/rows/threads            build_group_index alone
//   BM_Kernel/rows/threads/quantiles      aggregate(table, prebuilt GroupIndex, options) alone
//   BM_KernelBy/rows/keys                 the kernel alone, one thread, by other keys (0 = none,
//                                         1 = team, 2 = agent_id, 3 = agent_id,day): how the
//                                         number of groups (the size of the state) costs
// bytes_per_second counts the bytes of the input columns each benchmark reads (see bytes_*).
#include "contact_generator.hpp"
#include "release_guard.hpp"

#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/grouping.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace kpiscore;

struct Config {
  std::vector<std::int64_t> rows{1'000'000, 10'000'000};
  int agents = 1000;
  std::uint64_t seed = 42;
} config;

const std::vector<std::string> by{"agent_id", "day"};

/// Tables and group indexes are made once per row count (lazily, outside the timed loops).
const ContactTable& table_of(std::size_t rows) {
  static std::map<std::size_t, std::unique_ptr<ContactTable>> tables;
  auto& t = tables[rows];
  if (!t) {
    examples::GeneratorConfig c;
    c.rows = rows;
    c.seed = config.seed;
    c.agents = config.agents;
    t = std::make_unique<ContactTable>(examples::ContactGenerator::table(c));
  }
  return *t;
}

const GroupIndex& index_of(std::size_t rows) {
  static std::map<std::size_t, std::unique_ptr<GroupIndex>> indexes;
  auto& g = indexes[rows];
  if (!g) {
    KpiOptions o;
    o.threads = 1;
    g = std::make_unique<GroupIndex>(build_group_index(table_of(rows), by, o));
  }
  return *g;
}

KpiOptions options_for(int threads, bool quantiles) {
  KpiOptions o;
  o.threads = threads;
  o.quantiles = quantiles;
  return o;
}

/// Bytes per row read by the kernel: group id (4), inbound and answered (1+1), wait (8),
/// talk/hold/acw (3×8), the five small columns (5×1).
std::int64_t bytes_kernel(const ContactTable& t) {
  std::int64_t b = sizeof(std::uint32_t) + 2 + sizeof(std::int64_t);
  for (const auto& d : t.durations) b += d.empty() ? 0 : sizeof(std::int64_t);
  for (const auto& s : t.smalls) b += s.empty() ? 0 : 1;
  return b;
}
/// Bytes per row read by the group-index build: agent_id codes (4) and arrived_at (8).
constexpr std::int64_t bytes_index = sizeof(std::uint32_t) + sizeof(std::int64_t);

void report(benchmark::State& state, std::size_t rows, std::int64_t bytes_per_row, int threads,
            std::size_t groups) {
  const auto n = static_cast<std::int64_t>(rows);
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * n * bytes_per_row);
  state.counters["records_per_s_per_core"] =
      benchmark::Counter(static_cast<double>(n) / threads, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["groups"] = static_cast<double>(groups);
}

void BM_Aggregate(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const ContactTable& t = table_of(rows);
  const KpiOptions o = options_for(threads, state.range(2) != 0);
  std::size_t groups = 0;
  for (auto _ : state) {
    GroupedKpiState s = aggregate(t, by, o);
    groups = s.size();
    benchmark::DoNotOptimize(s);
  }
  report(state, rows, bytes_kernel(t) - 4 + bytes_index, threads, groups);
}

void BM_GroupIndex(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const ContactTable& t = table_of(rows);
  const KpiOptions o = options_for(threads, false);
  std::size_t groups = 0;
  for (auto _ : state) {
    GroupIndex g = build_group_index(t, by, o);
    groups = g.groups;
    benchmark::DoNotOptimize(g);
  }
  report(state, rows, bytes_index, threads, groups);
}

void BM_Kernel(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const ContactTable& t = table_of(rows);
  const GroupIndex& g = index_of(rows);
  const KpiOptions o = options_for(threads, state.range(2) != 0);
  for (auto _ : state) {
    GroupedKpiState s = aggregate(t, g, o);
    benchmark::DoNotOptimize(s);
  }
  report(state, rows, bytes_kernel(t), threads, g.groups);
}

const std::vector<std::vector<std::string>> key_sets{{}, {"team"}, {"agent_id"}, {"agent_id", "day"}};

void BM_KernelBy(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const ContactTable& t = table_of(rows);
  const KpiOptions o = options_for(1, false);
  const GroupIndex g = build_group_index(t, key_sets.at(static_cast<std::size_t>(state.range(1))), o);
  for (auto _ : state) {
    GroupedKpiState s = aggregate(t, g, o);
    benchmark::DoNotOptimize(s);
  }
  report(state, rows, bytes_kernel(t), 1, g.groups);
}

void register_all() {
  for (auto* b : {benchmark::RegisterBenchmark("BM_Aggregate", BM_Aggregate),
                  benchmark::RegisterBenchmark("BM_Kernel", BM_Kernel)}) {
    b->ArgNames({"rows", "threads", "quantiles"})->UseRealTime()->Unit(benchmark::kMillisecond);
    for (auto rows : config.rows)
      for (int threads : {1, 2})
        for (int q : {0, 1}) b->Args({rows, threads, q});
  }
  auto* b = benchmark::RegisterBenchmark("BM_GroupIndex", BM_GroupIndex);
  b->ArgNames({"rows", "threads"})->UseRealTime()->Unit(benchmark::kMillisecond);
  for (auto rows : config.rows)
    for (int threads : {1, 2}) b->Args({rows, threads});
  b = benchmark::RegisterBenchmark("BM_KernelBy", BM_KernelBy);
  b->ArgNames({"rows", "keys"})->UseRealTime()->Unit(benchmark::kMillisecond);
  for (auto rows : config.rows)
    for (int k = 0; k < static_cast<int>(key_sets.size()); ++k) b->Args({rows, k});
}

/// Takes our own --rows= --agents= --seed= out of argv; the rest goes to Google Benchmark.
bool parse_own_flags(int& argc, char** argv) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* prefix) -> const char* {
      return a.rfind(prefix, 0) == 0 ? argv[i] + std::strlen(prefix) : nullptr;
    };
    if (const char* v = value("--rows=")) {
      config.rows.clear();
      for (const char* p = v; *p;) {
        char* end = nullptr;
        const long long n = std::strtoll(p, &end, 10);
        if (end == p || n <= 0) return false;
        config.rows.push_back(n);
        p = *end == ',' ? end + 1 : end;
        if (*end != ',' && *end != '\0') return false;
      }
    } else if (const char* v = value("--agents=")) {
      config.agents = std::atoi(v);
      if (config.agents <= 0) return false;
    } else if (const char* v = value("--seed=")) {
      config.seed = std::strtoull(v, nullptr, 10);
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  argv[argc] = nullptr;
  return !config.rows.empty();
}

} // namespace

int main(int argc, char** argv) {
  if (!parse_own_flags(argc, argv)) {
    std::cerr << "bench_aggregate: usage: bench_aggregate [--rows=N[,N...]] [--agents=N] [--seed=N] "
                 "[benchmark flags]\n";
    return 1;
  }
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("rows", [] {
    std::string s;
    for (auto r : config.rows) {
      if (!s.empty()) s += ',';
      s += std::to_string(r);
    }
    return s;
  }());
  benchmark::AddCustomContext("agents", std::to_string(config.agents));
  benchmark::AddCustomContext("seed", std::to_string(config.seed));
  benchmark::AddCustomContext("group_by", "agent_id,day");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
