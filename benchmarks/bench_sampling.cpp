// QA sampling throughput: a stratified 15 % sample by agent × day (the manuals' daily QA share)
// of an in-memory ContactTable made once by the seeded generator (examples/contact_generator.hpp).
//
//   bench_sampling [--rows=10000000] [--agents=1000] [--seed=42] [benchmark flags]
//
// BM_Sample/rows/threads/plan   draw_sample(table, plan): strata (agent_id × day), hashes, sizes,
//                               selection, report (per-stratum margin of error, coverage of
//                               agent_id and peak). items_per_second counts input contacts.
//   plan 0  pareto, rate 0.15, strata agent_id × day, at least 1 per stratum
//   plan 1  plan 0 with four risk rules (complaint, low CSAT, long handling, top CSAT): πps
//   plan 2  bernoulli, rate 0.15 (no strata sizes; the report still groups by agent_id × day)
#include "contact_generator.hpp"
#include "release_guard.hpp"

#include <kpiscore/sampling.hpp>

#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace kpiscore;

struct Config {
  std::int64_t rows = 10'000'000;
  int agents = 1000;
  std::uint64_t seed = 42;
} config;

const ContactTable& table() {
  static std::unique_ptr<ContactTable> t;
  if (!t) {
    examples::GeneratorConfig c;
    c.rows = static_cast<std::size_t>(config.rows);
    c.seed = config.seed;
    c.agents = config.agents;
    t = std::make_unique<ContactTable>(examples::ContactGenerator::table(c));
  }
  return *t;
}

sampling::SamplePlan plan_of(int which, int threads) {
  nlohmann::json p = {{"seed", 20260301}, {"rate", 0.15}};
  p["design"] = which == 2 ? "bernoulli" : "pareto";
  p["strata"] = {{"by", {"agent_id", "day"}}};
  if (which != 2) p["strata"]["min"] = 1;
  if (which == 1)
    p["risk"] = nlohmann::json::parse(R"([
      {"name": "complaint", "when": {"field": "complaint", "op": "==", "value": 1}, "weight": 4},
      {"name": "low_csat", "when": {"field": "csat", "op": "<=", "value": 2}, "weight": 3},
      {"name": "long_handle", "when": {"field": "handle_s", "op": ">", "value": 900}, "weight": 2},
      {"name": "top_csat", "when": {"field": "csat", "op": "==", "value": 5}, "weight": 1.5}])");
  p["timezone"] = "Asia/Shanghai";
  sampling::SamplePlan plan = sampling::SamplePlan::from_json(p);
  plan.options.threads = threads;
  return plan;
}

void BM_Sample(benchmark::State& state) {
  const ContactTable& t = table();
  const sampling::SamplePlan plan =
      plan_of(static_cast<int>(state.range(2)), static_cast<int>(state.range(1)));
  std::size_t selected = 0, strata = 0;
  for (auto _ : state) {
    sampling::Sample s = sampling::draw_sample(t, plan);
    selected = s.contacts.size();
    strata = s.report.strata.size();
    benchmark::DoNotOptimize(s.contacts.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(t.size()));
  state.counters["selected"] = static_cast<double>(selected);
  state.counters["strata"] = static_cast<double>(strata);
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
      config.rows = std::strtoll(v, nullptr, 10);
      if (config.rows <= 0) return false;
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
  return true;
}

} // namespace

int main(int argc, char** argv) {
  if (!parse_own_flags(argc, argv)) {
    std::cerr << "bench_sampling: expected --rows=N, --agents=N (positive) and --seed=N\n";
    return 1;
  }
  auto* b = benchmark::RegisterBenchmark("BM_Sample", BM_Sample);
  b->ArgNames({"rows", "threads", "plan"})->UseRealTime()->Unit(benchmark::kMillisecond);
  for (int plan : {0, 1, 2})
    for (int threads : {1, 2})
      b->Args({config.rows, threads, plan});
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
