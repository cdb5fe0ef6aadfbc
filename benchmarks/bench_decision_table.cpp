// Decision tables: the indexed evaluation (per column a binary search to an elementary segment
// and one AND of its rule bitset) against a scan of every rule per row, on a UNIQUE table of
// R rules (score bands × 10 channels) over 1 M rows. Items/s counts rows.
//
//   bench_decision_table [--benchmark_filter=...]
//
// BM_Index/R   DecisionTable::evaluate (batches of 256 rows)
// BM_Scan/R    for each row, every rule's UnaryTest::matches until the first match
#include "release_guard.hpp"

#include <kpiscore/dsl/decision_table.hpp>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

namespace {

using namespace kpiscore::dsl;

constexpr std::size_t rows = 1'000'000;
const char* channels[] = {"phone", "chat",   "email", "app",    "web",
                          "sms",   "wechat", "video", "social", "kiosk"};

struct Fixture {
  DecisionTable table;
  std::vector<double> score;
  std::vector<std::string_view> channel;
  explicit Fixture(int rules) : score(rows), channel(rows) {
    const int bands = rules / 10;
    nlohmann::json j = {{"hit_policy", "unique"},
                        {"inputs", {"score", "channel"}},
                        {"outputs", {"v"}},
                        {"rules", nlohmann::json::array()}};
    for (int b = 0; b < bands; ++b)
      for (const char* c : channels) {
        const std::string lo = std::to_string(100.0 * b / bands),
                          hi = std::to_string(100.0 * (b + 1) / bands);
        j["rules"].push_back(
            {{"when",
              {"[" + lo + ".." + hi + (b + 1 == bands ? "]" : ")"), std::string("\"") + c + "\""}},
             {"then", {b}}});
      }
    TableScope s;
    s.input = [](std::string_view n) -> std::optional<Type> {
      return n == "score" ? std::optional<Type>(Type::points) : std::optional<Type>(Type::string);
    };
    s.output = [](std::string_view, std::vector<std::string>&) -> std::optional<Type> {
      return Type::number;
    };
    DecisionTable::Options o;
    o.check = false; // the table is well formed by construction (and checked in the tests)
    std::vector<TableError> errors;
    table = DecisionTable::compile(j, s, o, &errors);
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(0, 100);
    for (std::size_t i = 0; i < rows; ++i) {
      score[i] = u(rng);
      channel[i] = channels[rng() % 10];
    }
  }
};

void BM_Index(benchmark::State& state) {
  const Fixture f(static_cast<int>(state.range(0)));
  const std::vector<TableInput> in = {{f.score.data(), nullptr, nullptr},
                                      {nullptr, f.channel.data(), nullptr}};
  std::vector<std::int32_t> rule(rows);
  std::vector<double> value(rows);
  for (auto _ : state) {
    f.table.evaluate(in, rows, rule.data(), value.data());
    benchmark::DoNotOptimize(rule.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}

void BM_Scan(benchmark::State& state) {
  const Fixture f(static_cast<int>(state.range(0)));
  std::vector<std::int32_t> rule(rows);
  const auto& rules = f.table.rules();
  for (auto _ : state) {
    for (std::size_t i = 0; i < rows; ++i) {
      std::int32_t hit = -1;
      for (std::size_t k = 0; k < rules.size() && hit < 0; ++k)
        if (rules[k].inputs[0].matches(f.score[i]) && rules[k].inputs[1].matches(f.channel[i]))
          hit = static_cast<std::int32_t>(k);
      rule[i] = hit;
    }
    benchmark::DoNotOptimize(rule.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}

BENCHMARK(BM_Index)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Scan)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
