// The rules engine against a hand-written C++ loop (the limit) and muParser (a per-row bytecode
// interpreter; Debian libmuparser-dev, a benchmark-only dependency) on the same formulas over
// 10 M rows of two double columns. Items/s counts values × operations, so 1 / rate is the time
// per value per operation (the goal: <= 1 ns).
//
//   bench_rules [--benchmark_filter=...]
//
// BM_<formula>_Loop     a plain C++ loop over the arrays (no nulls: the lower bound)
// BM_<formula>_Engine   dsl::Program::evaluate_into (output reused) over batches of 1024 rows
// BM_<formula>_Stats    dsl::Program::stats (nothing materialized: counts only)
// BM_<formula>_MuParser muParser::Parser::Eval per row with bound variables
#include "release_guard.hpp"

#include <kpiscore/dsl.hpp>

#include <benchmark/benchmark.h>

#if KPISCORE_HAVE_MUPARSER
#include <muParser.h>
#endif

#include <random>
#include <vector>

namespace {

using namespace kpiscore;

constexpr std::size_t rows = 10'000'000;

struct Data {
  std::vector<double> a, b;
  dsl::Scope scope{dsl::Scope::Kind::group,
                   {{"a", dsl::Type::number, ""}, {"b", dsl::Type::number, ""}}};
  dsl::Table table{scope, rows};
  Data() : a(rows), b(rows) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(0, 100);
    for (std::size_t i = 0; i < rows; ++i) {
      a[i] = u(rng);
      b[i] = u(rng);
    }
    dsl::ColumnRef ca, cb;
    ca.storage = cb.storage = dsl::ColumnRef::Storage::f64;
    ca.f64 = a.data();
    cb.f64 = b.data();
    table.set("a", ca);
    table.set("b", cb);
  }
};

const Data& data() {
  static const Data d;
  return d;
}

// Formulas: the DSL text, the muParser text, the operation count and a C++ loop body.
struct Formula {
  const char* dsl;
  const char* mu;
  int ops;
};
constexpr Formula arith{"(a - 30) * 2 + b / 4", "(a - 30) * 2 + b / 4", 4};
constexpr Formula compare{"a * 2 > b + 10 and a < 90", "a * 2 > b + 10 && a < 90", 5};
constexpr Formula branch{"if a > b then a - b else b - a", "a > b ? a - b : b - a", 3};

void report(benchmark::State& st, int ops) {
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) *
                       static_cast<std::int64_t>(rows) * ops);
}

template <class F> void loop(benchmark::State& st, int ops, F f) {
  const Data& d = data();
  std::vector<double> out(rows);
  for (auto _ : st) {
    for (std::size_t i = 0; i < rows; ++i)
      out[i] = f(d.a[i], d.b[i]);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  report(st, ops);
}

void engine(benchmark::State& st, const Formula& f, bool stats) {
  const Data& d = data();
  const auto p = dsl::Program::compile_expression(f.dsl, d.scope);
  std::vector<dsl::Column> out; // reused, as the loop reuses its output array
  for (auto _ : st) {
    if (stats) {
      auto s = p.stats(d.table);
      benchmark::DoNotOptimize(s);
    } else {
      p.evaluate_into(d.table, out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  report(st, f.ops);
}

void BM_Arith_Loop(benchmark::State& st) {
  loop(st, arith.ops, [](double a, double b) { return (a - 30) * 2 + b / 4; });
}
void BM_Compare_Loop(benchmark::State& st) {
  loop(st, compare.ops,
       [](double a, double b) { return static_cast<double>((a * 2 > b + 10) & (a < 90)); });
}
void BM_Branch_Loop(benchmark::State& st) {
  loop(st, branch.ops, [](double a, double b) { return a > b ? a - b : b - a; });
}
void BM_Arith_Engine(benchmark::State& st) {
  engine(st, arith, false);
}
void BM_Compare_Engine(benchmark::State& st) {
  engine(st, compare, false);
}
void BM_Branch_Engine(benchmark::State& st) {
  engine(st, branch, false);
}
void BM_Compare_Stats(benchmark::State& st) {
  engine(st, compare, true);
}

BENCHMARK(BM_Arith_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Arith_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Compare_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Compare_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Compare_Stats)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Branch_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Branch_Engine)->Unit(benchmark::kMillisecond);

#if KPISCORE_HAVE_MUPARSER
void muparser(benchmark::State& st, const Formula& f) {
  const Data& d = data();
  double a = 0, b = 0;
  mu::Parser p;
  p.DefineVar("a", &a);
  p.DefineVar("b", &b);
  p.SetExpr(f.mu);
  std::vector<double> out(rows);
  for (auto _ : st) {
    for (std::size_t i = 0; i < rows; ++i) {
      a = d.a[i];
      b = d.b[i];
      out[i] = p.Eval();
    }
    benchmark::DoNotOptimize(out.data());
  }
  report(st, f.ops);
}
void BM_Arith_MuParser(benchmark::State& st) {
  muparser(st, arith);
}
void BM_Compare_MuParser(benchmark::State& st) {
  muparser(st, compare);
}
void BM_Branch_MuParser(benchmark::State& st) {
  muparser(st, branch);
}
BENCHMARK(BM_Arith_MuParser)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Compare_MuParser)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Branch_MuParser)->Unit(benchmark::kMillisecond);
#endif

} // namespace

BENCHMARK_MAIN();
