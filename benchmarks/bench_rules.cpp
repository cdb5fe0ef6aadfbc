// The rules engine against a hand-written C++ loop (the limit) and muParser (a per-row bytecode
// interpreter; Debian libmuparser-dev, a benchmark-only dependency) on the same formulas over
// 10 M rows. Items/s counts values × operations, so 1 / rate is the time per value per operation
// (the goal: <= 1 ns). Columns: a, b uniform doubles in [0, 100) without nulls; c like a
// with 10 % nulls (a validity mask); s a dictionary-encoded string column (4 values, 5 % null).
//
//   bench_rules --benchmark_min_time=1 [--benchmark_filter=...]
//
// BM_<formula>_Loop     a plain C++ loop over the arrays (the lower bound); with nulls it writes
//                       a validity byte too, as the engine does
// BM_<formula>_Engine   dsl::Program::evaluate_into (output reused) over batches of 1024 rows
// BM_<formula>_Stats    dsl::Program::stats (nothing materialized: counts only)
// BM_<formula>_MuParser muParser::Parser::Eval per row with bound variables (no nulls, no
//                       strings: it runs the formula on the values and ignores the mask)
#include "release_guard.hpp"

#include <kpiscore/dsl.hpp>

#include <benchmark/benchmark.h>

#if KPISCORE_HAVE_MUPARSER
#include <muParser.h>
#endif

#include <cmath>
#include <random>
#include <vector>

namespace {

using namespace kpiscore;

constexpr std::size_t rows = 10'000'000;

struct Data {
  std::vector<double> a, b, c;
  std::vector<std::uint8_t> vc;
  DictionaryColumn s{"s"};
  std::uint32_t phone = 0; // the code of "phone" in s
  dsl::Scope scope{dsl::Scope::Kind::group,
                   {{"a", dsl::Type::number, ""},
                    {"b", dsl::Type::number, ""},
                    {"c", dsl::Type::number, ""},
                    {"s", dsl::Type::string, ""}}};
  dsl::Table table{scope, rows};
  Data() : a(rows), b(rows), c(rows), vc(rows) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(0, 100);
    static const char* channels[] = {"phone", "chat", "email", "social"};
    for (std::size_t i = 0; i < rows; ++i) {
      a[i] = u(rng);
      b[i] = u(rng);
      const double x = u(rng);
      vc[i] = x >= 10 ? 1 : 0;
      c[i] = vc[i] ? u(rng) : 0;
      s.push_back(x < 5 ? std::string_view() : std::string_view(channels[rng() % 4]));
    }
    phone = s.encode("phone");
    dsl::ColumnRef ca, cb, cc, cs;
    ca.storage = cb.storage = cc.storage = dsl::ColumnRef::Storage::f64;
    ca.f64 = a.data();
    cb.f64 = b.data();
    cc.f64 = c.data();
    cc.valid = vc.data();
    cs.storage = dsl::ColumnRef::Storage::dict;
    cs.dict = &s;
    table.set("a", ca);
    table.set("b", cb);
    table.set("c", cc);
    table.set("s", cs);
  }
};

const Data& data() {
  static const Data d;
  return d;
}

// Formulas: the DSL text, the muParser text (empty: not expressible) and the operation count
// (arithmetic, comparison, logic and function operators as written; loads not counted).
struct Formula {
  const char* dsl;
  const char* mu;
  int ops;
};
constexpr Formula arith{"(a - 30) * 2 + b / 4", "(a - 30) * 2 + b / 4", 4};
constexpr Formula compare{"a * 2 > b + 10 and a < 90", "a * 2 > b + 10 && a < 90", 5};
constexpr Formula branch{"if a > b then a - b else b - a", "a > b ? a - b : b - a", 3};
constexpr Formula chain{"((a - 30) * 2 + b / 4 - a * 0.5) * 3 - b + 1",
                        "((a - 30) * 2 + b / 4 - a * 0.5) * 3 - b + 1", 9};
constexpr Formula range{"a > 10 and a < 90 and b >= 5 and b <= 95 and a + b < 150",
                        "a > 10 && a < 90 && b >= 5 && b <= 95 && a + b < 150", 10};
constexpr Formula nulls{"(c - 30) * 2 + b / 4", "(c - 30) * 2 + b / 4", 4};
constexpr Formula null_logic{"c * 2 > b + 10 and c < 90", "c * 2 > b + 10 && c < 90", 5};
constexpr Formula text{"s == \"phone\" and a > 50", "", 3};
constexpr Formula rare{"if a > 95 then round(a / 7, 2) + max(b, 50) * 2 - abs(b - a) else b", "",
                       10};

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

// A loop with a validity byte per row (the engine's output format).
template <class F> void loop_valid(benchmark::State& st, int ops, F f) {
  std::vector<double> out(rows);
  std::vector<std::uint8_t> valid(rows);
  for (auto _ : st) {
    for (std::size_t i = 0; i < rows; ++i)
      f(i, out[i], valid[i]);
    benchmark::DoNotOptimize(out.data());
    benchmark::DoNotOptimize(valid.data());
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
void BM_Chain9_Loop(benchmark::State& st) {
  loop(st, chain.ops,
       [](double a, double b) { return ((a - 30) * 2 + b / 4 - a * 0.5) * 3 - b + 1; });
}
void BM_Range10_Loop(benchmark::State& st) {
  loop(st, range.ops, [](double a, double b) {
    return static_cast<double>((a > 10) & (a < 90) & (b >= 5) & (b <= 95) & (a + b < 150));
  });
}
void BM_NullArith_Loop(benchmark::State& st) {
  const Data& d = data();
  loop_valid(st, nulls.ops, [&d](std::size_t i, double& out, std::uint8_t& valid) {
    valid = d.vc[i];
    out = valid ? (d.c[i] - 30) * 2 + d.b[i] / 4 : 0;
  });
}
void BM_NullLogic_Loop(benchmark::State& st) {
  const Data& d = data();
  // Kleene: c null makes both comparisons null; false and null is false.
  loop_valid(st, null_logic.ops, [&d](std::size_t i, double& out, std::uint8_t& valid) {
    const bool l = d.c[i] * 2 > d.b[i] + 10, r = d.c[i] < 90;
    valid = d.vc[i];
    out = valid && l && r ? 1 : 0;
  });
}
void BM_String_Loop(benchmark::State& st) {
  const Data& d = data();
  const std::uint32_t* codes = d.s.codes().data();
  loop_valid(st, text.ops, [&d, codes](std::size_t i, double& out, std::uint8_t& valid) {
    const bool ok = codes[i] != null_code, eq = codes[i] == d.phone, gt = d.a[i] > 50;
    valid = ok || !gt; // null and false is false
    out = ok && eq && gt ? 1 : 0;
  });
}
void BM_RareBranch_Loop(benchmark::State& st) {
  loop(st, rare.ops, [](double a, double b) {
    return a > 95 ? std::round(a / 7 * 100) / 100 + std::max(b, 50.0) * 2 - std::fabs(b - a) : b;
  });
}
void BM_Arith_Engine(benchmark::State& st) {
  engine(st, arith, false);
}
void BM_Compare_Engine(benchmark::State& st) {
  engine(st, compare, false);
}
void BM_Compare_Stats(benchmark::State& st) {
  engine(st, compare, true);
}
void BM_Branch_Engine(benchmark::State& st) {
  engine(st, branch, false);
}
void BM_Chain9_Engine(benchmark::State& st) {
  engine(st, chain, false);
}
void BM_Range10_Engine(benchmark::State& st) {
  engine(st, range, false);
}
void BM_Range10_Stats(benchmark::State& st) {
  engine(st, range, true);
}
void BM_NullArith_Engine(benchmark::State& st) {
  engine(st, nulls, false);
}
void BM_NullLogic_Engine(benchmark::State& st) {
  engine(st, null_logic, false);
}
void BM_String_Engine(benchmark::State& st) {
  engine(st, text, false);
}
void BM_RareBranch_Engine(benchmark::State& st) {
  engine(st, rare, false);
}

BENCHMARK(BM_Arith_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Arith_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Compare_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Compare_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Compare_Stats)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Branch_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Branch_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Chain9_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Chain9_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Range10_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Range10_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Range10_Stats)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NullArith_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NullArith_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NullLogic_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NullLogic_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_String_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_String_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RareBranch_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RareBranch_Engine)->Unit(benchmark::kMillisecond);

#if KPISCORE_HAVE_MUPARSER
void muparser(benchmark::State& st, const Formula& f) {
  const Data& d = data();
  double a = 0, b = 0, c = 0;
  mu::Parser p;
  p.DefineVar("a", &a);
  p.DefineVar("b", &b);
  p.DefineVar("c", &c);
  p.SetExpr(f.mu);
  std::vector<double> out(rows);
  for (auto _ : st) {
    for (std::size_t i = 0; i < rows; ++i) {
      a = d.a[i];
      b = d.b[i];
      c = d.c[i];
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
void BM_Chain9_MuParser(benchmark::State& st) {
  muparser(st, chain);
}
void BM_Range10_MuParser(benchmark::State& st) {
  muparser(st, range);
}
void BM_NullArith_MuParser(benchmark::State& st) {
  muparser(st, nulls);
}
void BM_NullLogic_MuParser(benchmark::State& st) {
  muparser(st, null_logic);
}
BENCHMARK(BM_Arith_MuParser)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Compare_MuParser)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Branch_MuParser)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Chain9_MuParser)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Range10_MuParser)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NullArith_MuParser)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NullLogic_MuParser)->Unit(benchmark::kMillisecond);
#endif

} // namespace

BENCHMARK_MAIN();
