#include "dsl/dsl_test_util.hpp"

#include <atomic>
#include <cmath>
#include <random>
#include <thread>

namespace kpiscore::test {
namespace {

using dsl::Program;
using dsl::Scope;
using std::nullopt;
using Values = std::vector<std::optional<double>>;

struct DslRecord : ::testing::Test {
  ContactTable t = dsl_contacts();
  Scope scope = Scope::record(t);
  dsl::Table table = dsl::bind(scope, t);
  Values eval(const std::string& e, std::size_t batch = 1024) {
    return eval_numbers(e, scope, table, batch);
  }
};

TEST_F(DslRecord, FieldsAndUnits) {
  EXPECT_EQ(eval("wait_s"), (Values{10, 45, 30, 5, 0, 25}));
  EXPECT_EQ(eval("handle_s"), (Values{150, 240, nullopt, nullopt, 70, 120}));
  EXPECT_EQ(eval("wait_s - 30s"), (Values{-20, 15, 0, -25, -30, -5}));
  EXPECT_EQ(eval("(wait_s - 30s) / 10s"), (Values{-2, 1.5, 0, -2.5, -3, -0.5}));
  EXPECT_EQ(eval("1h30m / 1min"), (Values{90, 90, 90, 90, 90, 90}));
  EXPECT_EQ(eval("handle_s > 2min"), (Values{1, 1, nullopt, nullopt, 0, 0}));
  EXPECT_EQ(eval("csat * 20%"), (Values{1, 0.8, 0.6000000000000001, nullopt, 0.4, nullopt}));
}

TEST_F(DslRecord, KleeneLogicAndNullConditions) {
  // resolved: 1 0 null null 1 1; complaint: 0 0 1 null 0 null
  EXPECT_EQ(eval("resolved_first_contact and complaint"),
            (Values{0, 0, nullopt, nullopt, 0, nullopt}));
  EXPECT_EQ(eval("resolved_first_contact or complaint"), (Values{1, 0, 1, nullopt, 1, 1}));
  EXPECT_EQ(eval("not complaint"), (Values{1, 1, 0, nullopt, 1, nullopt}));
  EXPECT_EQ(eval("complaint is missing"), (Values{0, 0, 0, 1, 0, 1}));
  EXPECT_EQ(eval("complaint is not missing"), (Values{1, 1, 1, 0, 1, 0}));
  EXPECT_EQ(eval("complaint ?? false"), (Values{0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(eval("csat ?? 0"), (Values{5, 4, 3, 0, 2, 0}));
  EXPECT_EQ(eval("coalesce(csat, nps, -1)"), (Values{5, 4, 3, -1, 2, 0}));
  // A comparison with null is null; an `if` with a null condition takes the else branch.
  EXPECT_EQ(eval("csat == null"), (Values{nullopt, nullopt, nullopt, nullopt, nullopt, nullopt}));
  EXPECT_EQ(eval("if csat >= 4 then 1 else 0"), (Values{1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(eval("null + 1"), (Values{nullopt, nullopt, nullopt, nullopt, nullopt, nullopt}));
}

TEST_F(DslRecord, ArithmeticPassesNullAndDivisionByZeroIsNull) {
  EXPECT_EQ(eval("csat + nps"), (Values{15, 13, 11, nullopt, 8, nullopt}));
  EXPECT_EQ(eval("10 / (csat - 3)"), (Values{5, 10, nullopt, nullopt, -10, nullopt}));
  EXPECT_EQ(eval("-csat"), (Values{-5, -4, -3, nullopt, -2, nullopt}));
}

TEST_F(DslRecord, StringsListsAndRanges) {
  EXPECT_EQ(eval("channel == \"phone\""), (Values{1, 1, 0, 1, 0, nullopt}));
  EXPECT_EQ(eval("lower(channel) == \"phone\""), (Values{1, 1, 0, 1, 1, nullopt}));
  EXPECT_EQ(eval("upper(queue) in [\"Q1\", \"Q3\"]"), (Values{1, 1, 0, 1, 1, 0}));
  EXPECT_EQ(eval("channel not in [\"chat\"]"), (Values{1, 1, 0, 1, 1, nullopt}));
  EXPECT_EQ(eval("starts_with(agent_id, \"A\")"), (Values{1, 1, 1, nullopt, 1, 1}));
  EXPECT_EQ(eval("ends_with(agent_id, \"2\")"), (Values{0, 0, 1, nullopt, 1, 1}));
  EXPECT_EQ(eval("contains(channel, \"ha\")"), (Values{0, 0, 1, 0, 0, nullopt}));
  EXPECT_EQ(eval("wait_s between 10s and 30s"), (Values{1, 0, 1, 0, 0, 1}));
  EXPECT_EQ(eval("wait_s not between 10s and 30s"), (Values{0, 1, 0, 1, 1, 0}));
  EXPECT_EQ(eval("csat in [4, 5]"), (Values{1, 1, 0, nullopt, 0, nullopt}));
  EXPECT_EQ(eval("answered in [true]"), (Values{1, 1, 1, 0, 1, 1}));
  EXPECT_EQ(eval("arrived_at >= @2026-03-01T08:03"), (Values{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(eval("(arrived_at - @2026-03-01T08:00Z) / 1min"), (Values{0, 1, 2, 3, 4, 5}));
}

TEST_F(DslRecord, Functions) {
  EXPECT_EQ(eval("min(wait_s, 20s, 40s)"), (Values{10, 20, 20, 5, 0, 20}));
  EXPECT_EQ(eval("max(wait_s, 20s)"), (Values{20, 45, 30, 20, 20, 25}));
  EXPECT_EQ(eval("clamp(wait_s, 10s, 30s)"), (Values{10, 30, 30, 10, 10, 25}));
  EXPECT_EQ(eval("abs(wait_s - 30s)"), (Values{20, 15, 0, 25, 30, 5}));
  EXPECT_EQ(eval("round(wait_s / 7s, 2)"), (Values{1.43, 6.43, 4.29, 0.71, 0, 3.57}));
  EXPECT_EQ(eval("round(2.5) + round(-2.5)"), (Values{0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(eval("round(wait_s / 10s)"), (Values{1, 5, 3, 1, 0, 3}));
  EXPECT_EQ(eval("floor(wait_s / 10s) + ceil(wait_s / 10s)"), (Values{2, 9, 6, 1, 0, 5}));
}

TEST_F(DslRecord, BatchBoundariesDoNotChangeResults) {
  for (std::size_t batch : {1u, 2u, 4u, 5u, 1024u}) {
    EXPECT_EQ(
        eval("if channel == \"phone\" and wait_s > 8s then handle_s ?? 0s else -wait_s", batch),
        (Values{150, 240, -30, -5, 0, -25}))
        << batch;
  }
}

TEST_F(DslRecord, LetsRulesStatsAndExplain) {
  const std::string src = "let slow = handle_s > 2min\n"
                          "rule slow_unhappy = slow and csat <= 4\n"
                          "rule wait_minutes = wait_s / 1min\n";
  auto p = Program::compile(src, scope);
  ASSERT_EQ(p.outputs().size(), 2u);
  EXPECT_EQ(p.outputs()[0].name, "slow_unhappy");
  EXPECT_EQ(p.outputs()[1].type, dsl::Type::number);
  auto stats = p.stats(table);
  // slow: 1 1 null null 0 0; csat <= 4: 0 1 1 null 1 null → and: 0 1 null null 0 0
  EXPECT_EQ(stats[0].fired, 1u);
  EXPECT_EQ(stats[0].not_fired, 3u);
  EXPECT_EQ(stats[0].nulls, 2u);
  EXPECT_EQ(stats[1].nulls, 0u);
  EXPECT_EQ(
      p.explain_json(table, 1),
      R"({"row":1,"statements":[)"
      R"({"name":"slow","kind":"let","fired":true,"tree":{"expr":"handle_s > 2min","at":"1:12","type":"bool","kind":"operator","op":">","value":true,"children":[)"
      R"({"expr":"handle_s","at":"1:12","type":"duration","kind":"field","name":"handle_s","value":240},)"
      R"({"expr":"2min","at":"1:23","type":"duration","kind":"literal","value":120}]}},)"
      R"({"name":"slow_unhappy","kind":"rule","fired":true,"tree":{"expr":"slow and csat <= 4","at":"2:21","type":"bool","kind":"operator","op":"and","value":true,"children":[)"
      R"({"expr":"slow","at":"2:21","type":"bool","kind":"let","name":"slow","value":true},)"
      R"({"expr":"csat <= 4","at":"2:30","type":"bool","kind":"operator","op":"<=","value":true,"children":[)"
      R"({"expr":"csat","at":"2:30","type":"integer","kind":"field","name":"csat","value":4},)"
      R"({"expr":"4","at":"2:38","type":"integer","kind":"literal","value":4}]}]}},)"
      R"({"name":"wait_minutes","kind":"rule","tree":{"expr":"wait_s / 1min","at":"3:21","type":"number","kind":"operator","op":"/","value":0.75,"children":[)"
      R"({"expr":"wait_s","at":"3:21","type":"duration","kind":"field","name":"wait_s","value":45},)"
      R"({"expr":"1min","at":"3:30","type":"duration","kind":"literal","value":60}]}}]})");
}

TEST_F(DslRecord, ConstantsAreFoldedThroughTheSameKernels) {
  auto p = Program::compile_expression("wait_s > (1h30m - 89min) * 2 + 0s", scope);
  EXPECT_EQ(p.instruction_count(), 2u); // load + compare
  EXPECT_EQ(eval("wait_s > (1h30m - 89min) * 2 + 0s"), (Values{0, 0, 0, 0, 0, 0}));
  auto q = Program::compile_expression("max(1, 2) + abs(-3) ?? 7", scope);
  EXPECT_EQ(q.instruction_count(), 0u);
  EXPECT_EQ(q.evaluate(table)[0].numbers[0], 5);
  EXPECT_NE(q.explain_json(table, 0).find("\"folded\":true"), std::string::npos);
}

TEST_F(DslRecord, BudgetAndCancellation) {
  auto p = Program::compile_expression("wait_s + 1s > 5s and csat > 2", scope);
  EXPECT_EQ(p.cost_per_row(), 6); // 2 loads, +, >, >, and
  dsl::EvalOptions o;
  o.budget = 35;
  try {
    p.evaluate(table, o);
    FAIL();
  } catch (const dsl::BudgetExceeded& e) {
    EXPECT_STREQ(e.what(), "rules: estimated cost 36 operations exceeds the budget of 35");
  }
  o.budget = 36;
  EXPECT_NO_THROW(p.evaluate(table, o));
  std::atomic<bool> stop{true};
  o.cancel = &stop;
  EXPECT_THROW(p.evaluate(table, o), dsl::Cancelled);
}

TEST_F(DslRecord, HostFunctionsRunTheirVectorKernel) {
  dsl::FunctionRegistry reg;
  reg.add({"penalty",
           {dsl::Type::duration, dsl::Type::number},
           dsl::Type::number,
           3,
           [](std::span<const double* const> a, std::size_t n, double* out) {
             for (std::size_t i = 0; i < n; ++i)
               out[i] = a[0][i] > 20 ? a[1][i] : 0;
           },
           "points when a wait is over 20 s"});
  dsl::CompileOptions co;
  co.functions = &reg;
  auto p = Program::compile_expression("penalty(wait_s, csat)", scope, co);
  EXPECT_EQ(p.cost_per_row(), 5);
  auto c = p.evaluate(table)[0];
  EXPECT_EQ(c.valid, (std::vector<std::uint8_t>{1, 1, 1, 0, 1, 0}));
  EXPECT_EQ(c.numbers[1], 4);
  EXPECT_EQ(c.numbers[0], 0);
  EXPECT_EQ(c.numbers[2], 3);
  EXPECT_THROW(reg.add({"min",
                        {},
                        dsl::Type::number,
                        1,
                        [](std::span<const double* const>, std::size_t, double*) {},
                        ""}),
               std::invalid_argument);
  EXPECT_EQ(diagnostics_of("rule x = penalty(wait_s, 5%)", scope, co),
            "<rules>:1:26: error[E0206]: argument 2 of `penalty` must be number, found ratio\n"
            "  1 | rule x = penalty(wait_s, 5%)\n"
            "    |                          ^^\n");
}

TEST_F(DslRecord, SharedAcrossThreads) {
  auto p = Program::compile_expression("if answered then handle_s ?? 0s else wait_s", scope);
  const auto expected = p.evaluate(table)[0].numbers;
  std::vector<std::thread> ts;
  std::atomic<int> bad{0};
  for (int k = 0; k < 4; ++k)
    ts.emplace_back([&] {
      for (int r = 0; r < 50; ++r)
        if (p.evaluate(table)[0].numbers != expected) ++bad;
    });
  for (auto& th : ts)
    th.join();
  EXPECT_EQ(bad.load(), 0);
}

// The engine against a direct per-row reference on random data with nulls: the same formula
// computed by plain C++ (independent of the kernels), over several batch sizes.
TEST(DslEngine, MatchesAScalarReferenceOnRandomData) {
  const Scope scope(Scope::Kind::group, {{"a", dsl::Type::number, ""},
                                         {"b", dsl::Type::number, ""},
                                         {"flag", dsl::Type::boolean, ""}});
  const std::size_t n = 5000;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-10, 10);
  std::vector<double> a(n), b(n), f(n);
  std::vector<std::uint8_t> va(n), vb(n), vf(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = std::round(u(rng));
    b[i] = std::round(u(rng));
    f[i] = u(rng) > 0;
    va[i] = u(rng) > -7;
    vb[i] = u(rng) > -7;
    vf[i] = u(rng) > -5;
  }
  dsl::Table t(scope, n);
  t.set_owned("a", a, va);
  t.set_owned("b", b, vb);
  t.set_owned("flag", f, vf);
  auto p = Program::compile_expression(
      "if (a > b or flag) and not (a == 0) then (a - b) / a else min(a, b) * 2 ?? 99", scope);
  for (std::size_t batch : {1u, 7u, 1024u}) {
    dsl::EvalOptions o;
    o.batch_rows = batch;
    auto c = p.evaluate(t, o)[0];
    for (std::size_t i = 0; i < n; ++i) {
      using T = std::optional<bool>;
      const T gt = va[i] && vb[i] ? T(a[i] > b[i]) : std::nullopt;
      const T fl = vf[i] ? T(f[i] != 0) : std::nullopt;
      T orv = (gt == true || fl == true) ? T(true) : (gt && fl ? T(false) : std::nullopt);
      const T nz = va[i] ? T(!(a[i] == 0)) : std::nullopt;
      T cond = (orv == false || nz == false) ? T(false) : (orv && nz ? T(true) : std::nullopt);
      std::optional<double> r;
      if (cond == true) {
        if (va[i] && vb[i] && a[i] != 0) r = (a[i] - b[i]) / a[i];
      } else {
        r = va[i] && vb[i] ? std::optional<double>(std::min(a[i], b[i]) * 2) : 99.0;
      }
      ASSERT_EQ(c.is_null(i), !r.has_value()) << i;
      if (r) {
        ASSERT_EQ(c.numbers[i], *r) << i;
      }
    }
  }
}

TEST(DslGroup, KpiTableScope) {
  ContactTable contacts = dsl_contacts();
  KpiOptions o;
  const KpiTable k = finalize(aggregate(contacts, std::vector<std::string>{"agent_id"}, o));
  const Scope scope = Scope::group(k);
  const dsl::Table t = dsl::bind(scope, k);
  // Groups sorted by key: A1, A2, (null).
  EXPECT_EQ(eval_numbers("asa_s", scope, t), (Values{27.5, 27.5, nullopt}));
  EXPECT_EQ(eval_numbers("fcr >= 50%", scope, t), (Values{1, 1, nullopt}));
  EXPECT_EQ(eval_numbers("fcr > 0.5", scope, t), (Values{0, 1, nullopt}));
  EXPECT_EQ(eval_numbers("agent_id == \"A2\"", scope, t), (Values{0, 1, nullopt}));
  EXPECT_EQ(eval_numbers("answered", scope, t), (Values{2, 2, 0}));
  EXPECT_EQ(eval_numbers("nps", scope, t), (Values{100, -200.0 / 3, nullopt}));
}

} // namespace
} // namespace kpiscore::test
