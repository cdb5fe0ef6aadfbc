// CSV ingest throughput: read_contacts_csv over an in-memory string of generated contacts
// (the CSV that build/generate_contacts writes), made once.
//
//   bench_csv [benchmark flags]
//
// BM_ReadCsv/rows: bytes_per_second = CSV bytes parsed, items_per_second = records accepted.
#include "contact_generator.hpp"
#include "release_guard.hpp"

#include <kpiscore/io/csv_reader.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <string>

namespace {

using namespace kpiscore;

const std::string& csv_of(std::size_t rows) {
  static std::map<std::size_t, std::string> texts;
  std::string& s = texts[rows];
  if (s.empty()) {
    examples::GeneratorConfig c;
    c.rows = rows;
    c.seed = 42;
    c.agents = 1000;
    examples::ContactGenerator gen(c);
    s = examples::ContactGenerator::header();
    for (std::size_t i = 0; i < rows; ++i) s += examples::ContactGenerator::csv_row(gen.next());
  }
  return s;
}

void BM_ReadCsv(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const std::string& text = csv_of(rows);
  KpiOptions options;
  options.threads = 1;
  std::size_t accepted = 0, rejected = 0;
  for (auto _ : state) {
    ReadResult r = read_contacts_csv(text, options);
    accepted = r.accepted();
    rejected = r.rejects.size();
    benchmark::DoNotOptimize(r);
  }
  if (accepted != rows || rejected != 0) {
    state.SkipWithError("the generated CSV did not read back whole");
    return;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
  state.counters["bytes_per_row"] = static_cast<double>(text.size()) / static_cast<double>(rows);
}

BENCHMARK(BM_ReadCsv)->ArgName("rows")->Arg(1'000'000)->UseRealTime()->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
