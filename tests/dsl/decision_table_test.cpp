// Decision tables: FEEL unary tests, the DMN hit policies, compile-time gap/overlap/shadow
// checks with pinned messages, and the index against a brute-force scan on random tables.
#include <kpiscore/dsl/decision_table.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace kpiscore::dsl;
using nlohmann::json;

TableScope scope() {
  TableScope s;
  s.input = [](std::string_view n) -> std::optional<Type> {
    if (n == "score") return Type::points;
    if (n == "wait") return Type::duration;
    if (n == "rate") return Type::ratio;
    if (n == "channel") return Type::string;
    if (n == "x" || n == "y") return Type::number;
    return std::nullopt;
  };
  s.output = [](std::string_view n, std::vector<std::string>&) -> std::optional<Type> {
    if (n == "grade") return Type::string;
    if (n == "points" || n == "v") return Type::number;
    if (n == "target") return Type::duration;
    if (n == "bonus") return Type::ratio;
    return std::nullopt;
  };
  s.input_names = {"score", "wait", "rate", "channel", "x", "y"};
  s.output_names = {"grade", "points", "target", "bonus", "v"};
  return s;
}

DecisionTable compile(const json& j, bool check = true) {
  DecisionTable::Options o;
  o.check = check;
  std::vector<TableError> errors;
  DecisionTable t = DecisionTable::compile(j, scope(), o, &errors);
  if (!errors.empty()) throw errors.front();
  return t;
}

std::vector<std::string> errors_of(const json& j) {
  std::vector<TableError> errors;
  (void)DecisionTable::compile(j, scope(), DecisionTable::Options{}, &errors);
  std::vector<std::string> out;
  for (const auto& e : errors)
    out.push_back(e.what());
  return out;
}

std::string cell_error(std::string_view text, Type t) {
  try {
    (void)parse_unary_test(text, t);
  } catch (const TableError& e) {
    return e.what();
  }
  return "(parsed)";
}

/// One row evaluated through the index: `numbers` feed the numeric inputs in order, `labels`
/// the string inputs in order (`valid` 0 makes a label null).
std::pair<std::int32_t, double> eval1(const DecisionTable& t, std::vector<double> numbers,
                                      std::vector<std::string_view> labels = {},
                                      std::vector<std::uint8_t> valid = {}) {
  const std::size_t C = t.inputs().size();
  std::vector<TableInput> in(C);
  numbers.resize(C, NAN);
  labels.resize(C);
  valid.resize(C, 1);
  std::size_t ni = 0, li = 0;
  for (std::size_t c = 0; c < C; ++c) {
    if (t.inputs()[c].type == Type::string) {
      in[c] = {nullptr, &labels[li], &valid[li]};
      ++li;
    } else
      in[c] = {&numbers[ni++], nullptr, nullptr};
  }
  std::int32_t rule = 0;
  double value = 0;
  t.evaluate(in, 1, &rule, &value);
  return {rule, value};
}

json grades_json(const char* policy) {
  return {{"hit_policy", policy},
          {"inputs", {"score"}},
          {"outputs", {"grade", "bonus"}},
          {"rules",
           {{{"when", {">= 90"}}, {"then", {"A", "120%"}}},
            {{"when", {"[80..90)"}}, {"then", {"B", "100%"}}},
            {{"when", {"< 80"}}, {"then", {"C", "0%"}}}}}};
}

TEST(UnaryTest, FeelSimpleUnaryTests) {
  const UnaryTest lt = parse_unary_test("< 90", Type::points);
  EXPECT_TRUE(lt.matches(89.999));
  EXPECT_FALSE(lt.matches(90));
  const UnaryTest iv = parse_unary_test("[80..90)", Type::points);
  EXPECT_TRUE(iv.matches(80));
  EXPECT_TRUE(iv.matches(89.9));
  EXPECT_FALSE(iv.matches(90));
  const UnaryTest open = parse_unary_test("]80..90]", Type::points); // FEEL's other open bracket
  EXPECT_FALSE(open.matches(80));
  EXPECT_TRUE(open.matches(90));
  const UnaryTest list = parse_unary_test("\"phone\", \"chat\"", Type::string);
  EXPECT_TRUE(list.matches("chat"));
  EXPECT_FALSE(list.matches("email"));
  const UnaryTest neg = parse_unary_test("not(\"phone\", \"chat\")", Type::string);
  EXPECT_TRUE(neg.matches("email"));
  EXPECT_FALSE(neg.matches("phone"));
  EXPECT_TRUE(parse_unary_test("-", Type::string).any);
  EXPECT_TRUE(parse_unary_test(">= 85%", Type::ratio).matches(0.85));
  EXPECT_FALSE(parse_unary_test(">= 85%", Type::ratio).matches(0.8499));
  EXPECT_TRUE(parse_unary_test("(1h..1h30m]", Type::duration).matches(5400));
  EXPECT_TRUE(parse_unary_test("30s", Type::duration).matches(30));
  EXPECT_TRUE(parse_unary_test("= 30s, > 5min", Type::duration).matches(301));
  EXPECT_TRUE(parse_unary_test("0.5", Type::ratio).matches(0.5)); // a plain fraction for a ratio
  // Null (NaN) passes only `-`; `not(...)` of null is not a match either (DMN 1.3, FEEL unary
  // tests).
  EXPECT_FALSE(neg.matches(std::nan("")));
  EXPECT_FALSE(parse_unary_test("not(< 5)", Type::number).matches(std::nan("")));
  EXPECT_TRUE(parse_unary_test("-", Type::number).matches(std::nan("")));
}

TEST(UnaryTest, MistakesArePinned) {
  EXPECT_EQ(cell_error("> 30", Type::duration),
            "E0602: /: a number without a unit where a duration is expected (did you mean `30s`?)");
  EXPECT_EQ(cell_error(">= 85", Type::ratio),
            "E0602: /: a number above 1 where a ratio is expected (did you mean `85%`?)");
  EXPECT_EQ(cell_error("phone", Type::string),
            "E0601: /: expected a quoted string (did you mean `\"phone\"`?)");
  EXPECT_EQ(cell_error("< \"a\"", Type::string), "E0602: /: ordering (`<`) of strings");
  EXPECT_EQ(cell_error("[90..80]", Type::number),
            "E0601: /: an empty interval (the lower end is not below the upper end)");
  EXPECT_EQ(cell_error("!= 5", Type::number),
            "E0601: /: FEEL has no `!=` in an input entry (write `not(5)`)");
  EXPECT_EQ(cell_error("30x", Type::duration),
            "E0601: /: unknown unit `x` (durations are written with ms, s, min (or m), h or d: "
            "`30s`, `5min`, `1h30m`)");
  EXPECT_EQ(cell_error("", Type::number),
            "E0601: /: an empty input entry; write `-` for any value");
  EXPECT_EQ(cell_error("5%", Type::points), "E0602: /: a percentage where a number is expected");
  EXPECT_EQ(cell_error("1, -", Type::number),
            "E0601: /: `-` (any value) stands alone, not in a list");
  EXPECT_EQ(cell_error("[1..2", Type::number),
            "E0601: /: expected `]` or `)` to close the interval");
}

TEST(DecisionTable, FirstReturnsTheFirstMatchInRuleOrder) {
  json j = {{"hit_policy", "first"},
            {"inputs", {"score"}},
            {"outputs", {"points"}},
            {"rules",
             {{{"when", {">= 90"}}, {"then", {1}}},
              {{"when", {">= 80"}}, {"then", {2}}},
              {{"when", {"-"}}, {"then", {3}}}}}};
  const DecisionTable t = compile(j);
  EXPECT_EQ(eval1(t, {95}), std::make_pair(0, 1.0));
  EXPECT_EQ(eval1(t, {85}), std::make_pair(1, 2.0));
  EXPECT_EQ(eval1(t, {10}), std::make_pair(2, 3.0));
  EXPECT_EQ(eval1(t, {NAN}).first, 2); // null matches only `-`
  EXPECT_EQ(t.describe(1), ">= 80 => 2");
}

TEST(DecisionTable, UniqueOverlapIsACompileErrorAndARuntimeNullWhenUnchecked) {
  json j = {{"hit_policy", "unique"},
            {"inputs", {"score", "channel"}},
            {"outputs", {"points"}},
            {"rules",
             {{{"when", {">= 80", "\"phone\""}}, {"then", {1}}},
              {{"when", {"< 80", "-"}}, {"then", {2}}},
              {{"when", {"[85..100]", "\"phone\", \"chat\""}}, {"then", {3}}},
              {{"when", {">= 80", "not(\"phone\")"}}, {"then", {4}}}}}};
  EXPECT_EQ(
      errors_of(j),
      (std::vector<std::string>{
          "E0606: /rules/2: rules 1 and 3 both match score = 85, channel = \"phone\" (a unique "
          "table allows one match; narrow the entries, or use first or priority)",
          "E0606: /rules/3: rules 3 and 4 both match score = 85, channel = \"chat\" (a unique "
          "table "
          "allows one match; narrow the entries, or use first or priority)"}));
  // Compiled without the checks, a double match is DMN's "unique violation": no result.
  const DecisionTable t = compile(j, false);
  EXPECT_EQ(eval1(t, {90}, {"phone"}).first, DecisionTable::unique_violation);
  EXPECT_TRUE(std::isnan(eval1(t, {90}, {"phone"}).second));
  EXPECT_EQ(eval1(t, {81}, {"phone"}), std::make_pair(0, 1.0));
  EXPECT_EQ(eval1(t, {81}, {"email"}), std::make_pair(3, 4.0));
  EXPECT_EQ(eval1(t, {50}, {""}, {0}), std::make_pair(1, 2.0)); // null channel: only `-`
  EXPECT_EQ(eval1(t, {81}, {""}, {0}).first, DecisionTable::no_match);
}

TEST(DecisionTable, PriorityRanksByTheOutputsValueOrderNotRuleOrder) {
  // Grades worst first: the worst grade any rule gives wins (a red line caps the grade).
  json j = {{"hit_policy", "priority"},
            {"inputs", {"score", "rate"}},
            {"outputs", {json{{"name", "grade"}, {"values", {"D", "C", "B", "A"}}}}},
            {"rules",
             {{{"when", {">= 90", "-"}}, {"then", {"A"}}},
              {{"when", {"[60..90)", "-"}}, {"then", {"B"}}},
              {{"when", {"< 60", "-"}}, {"then", {"D"}}},
              {{"when", {"-", "> 5%"}}, {"then", {"C"}}}}}};
  const DecisionTable t = compile(j);
  EXPECT_EQ(eval1(t, {95, 0.01}).first, 0);
  EXPECT_EQ(eval1(t, {95, 0.06}).first, 3); // A and C match: C has the higher priority
  EXPECT_EQ(eval1(t, {50, 0.06}).first, 2); // D and C: D
  EXPECT_EQ(eval1(t, {95, NAN}).first, 0);  // a null rate matches only `-`
  // A value outside the list is an error; a priority table needs a list.
  j["rules"][0]["then"][0] = "E";
  EXPECT_EQ(errors_of(j).front(),
            "E0604: /rules/0/then/0: `E` is not one of the values of `grade` (D, C, B, A)");
  json k = grades_json("priority");
  EXPECT_EQ(errors_of(k).front(), "E0603: /outputs: a priority table ranks rules by their outputs' "
                                  "values: give an output its \"values\", "
                                  "highest priority first");
}

TEST(DecisionTable, CollectAggregatesAndNoMatchIsNull) {
  json j = {{"hit_policy", "collect"},
            {"aggregation", "sum"},
            {"allow_gaps", true},
            {"inputs", {"score", "channel"}},
            {"outputs", {"bonus"}},
            {"rules",
             {{{"when", {">= 90", "-"}}, {"then", {"10%"}}},
              {{"when", {">= 80", "\"phone\""}}, {"then", {"5%"}}},
              {{"when", {"-", "\"phone\""}}, {"then", {"2.5%"}}}}}};
  const DecisionTable sum = compile(j);
  EXPECT_EQ(eval1(sum, {95}, {"phone"}).first, DecisionTable::collected);
  EXPECT_NEAR(eval1(sum, {95}, {"phone"}).second, 0.175, 1e-12);
  EXPECT_NEAR(eval1(sum, {85}, {"phone"}).second, 0.075, 1e-12);
  // No match: null for every aggregation (DMN 1.3 hit policies), not 0.
  EXPECT_EQ(eval1(sum, {70}, {"chat"}).first, DecisionTable::no_match);
  EXPECT_TRUE(std::isnan(eval1(sum, {70}, {"chat"}).second));
  j["aggregation"] = "min";
  EXPECT_NEAR(eval1(compile(j), {95}, {"phone"}).second, 0.025, 1e-12);
  j["aggregation"] = "max";
  EXPECT_NEAR(eval1(compile(j), {95}, {"phone"}).second, 0.10, 1e-12);
  j["aggregation"] = "count";
  EXPECT_EQ(eval1(compile(j), {95}, {"phone"}).second, 3.0);
  EXPECT_TRUE(std::isnan(eval1(compile(j), {70}, {"chat"}).second));
}

TEST(DecisionTable, CollectRules) {
  json j = grades_json("collect");
  j["aggregation"] = "sum";
  EXPECT_EQ(errors_of(j).front(), "E0603: /outputs: a collect table with an aggregation has at "
                                  "most one output (DMN: no aggregation of "
                                  "compound outputs)");
  json k = grades_json("first");
  k["aggregation"] = "sum";
  EXPECT_EQ(errors_of(k).front(),
            "E0603: /aggregation: an aggregation needs the collect hit policy");
}

TEST(DecisionTable, GapsAreFoundExactlyWithAnExample) {
  json j = {{"hit_policy", "unique"},
            {"inputs", {"score"}},
            {"outputs", {"points"}},
            {"rules", {{{"when", {"< 80"}}, {"then", {1}}}, {{"when", {"> 80"}}, {"then", {2}}}}}};
  EXPECT_EQ(errors_of(j), std::vector<std::string>{
                              "E0605: /: the table has a gap: no rule matches score = 80 (add a "
                              "rule, a last rule with `-`, or set allow_gaps)"});
  j["rules"][1]["when"][0] = ">= 80";
  EXPECT_TRUE(errors_of(j).empty());
  // Two columns: an open interval left uncovered for one channel; other labels are a gap too.
  json k = {{"hit_policy", "first"},
            {"inputs", {"channel", "wait"}},
            {"outputs", {"target"}},
            {"rules",
             {{{"when", {"\"phone\"", "<= 20s"}}, {"then", {"15s"}}},
              {{"when", {"\"phone\"", "> 1min"}}, {"then", {"20s"}}},
              {{"when", {"not(\"phone\")", "-"}}, {"then", {"30s"}}}}}};
  EXPECT_EQ(errors_of(k), std::vector<std::string>{
                              "E0605: /: the table has a gap: no rule matches channel = \"phone\", "
                              "wait = 40s (any value in (20s..60s)) (add a rule, a last rule "
                              "with `-`, or set allow_gaps)"});
  k["rules"][2]["when"][0] = "\"chat\"";
  k["rules"][1]["when"][1] = "> 20s";
  EXPECT_EQ(errors_of(k), std::vector<std::string>{
                              "E0605: /: the table has a gap: no rule matches channel = (any other "
                              "value), wait = 0s (any value in (-inf..20s)) (add a rule, a last "
                              "rule with `-`, or set allow_gaps)"});
  k["allow_gaps"] = true;
  EXPECT_TRUE(errors_of(k).empty());
}

TEST(DecisionTable, ShadowedRulesAreErrorsForFirstAndPriority) {
  json j = {{"hit_policy", "first"},
            {"inputs", {"score", "channel"}},
            {"outputs", {"points"}},
            {"rules",
             {{{"when", {">= 80", "-"}}, {"then", {1}}},
              {{"when", {"< 80", "\"phone\""}}, {"then", {2}}},
              {{"when", {">= 90", "\"chat\""}}, {"then", {3}}},
              {{"when", {"-", "-"}}, {"then", {4}}}}}};
  EXPECT_EQ(errors_of(j),
            std::vector<std::string>{"E0607: /rules/2: rule 3 can never be chosen: rule 1 before "
                                     "it match every input it matches"});
  // Covered by two earlier rules together (neither alone covers it).
  json k = {{"hit_policy", "first"},
            {"inputs", {"x"}},
            {"outputs", {"points"}},
            {"rules",
             {{{"when", {"< 5"}}, {"then", {1}}},
              {{"when", {">= 5"}}, {"then", {2}}},
              {{"when", {"[3..7]"}}, {"then", {3}}}}}};
  EXPECT_EQ(errors_of(k),
            std::vector<std::string>{"E0607: /rules/2: rule 3 can never be chosen: rules 1, 2 "
                                     "before it match every input it matches"});
}

TEST(DecisionTable, TableShapeErrors) {
  json j = grades_json("first");
  j["inputs"][0] = "scroe";
  EXPECT_EQ(errors_of(j).front(),
            "E0603: /inputs/0: unknown input `scroe` (did you mean `score`?)");
  j = grades_json("first");
  j["rules"][1]["when"] = {">= 1", "-"};
  EXPECT_EQ(errors_of(j).front(), "E0603: /rules/1/when: expected 1 input entry");
  j = grades_json("first");
  j["rules"][2]["then"][1] = "30s";
  EXPECT_EQ(errors_of(j).front(),
            "E0602: /rules/2/then/1: a duration where a ratio is expected (output `bonus`)");
  j = grades_json("firts");
  EXPECT_EQ(errors_of(j).front(), "E0603: /hit_policy: expected a hit policy: unique, first, "
                                  "priority or collect, actual \"firts\"");
}

// ---------------------------------------------------------------------------------------------
// Property: the index gives what a scan of every rule gives (an independent implementation of
// the hit policies over UnaryTest::matches), on random tables and random inputs that hit every
// boundary, the open intervals between them, other labels and nulls.

struct Random {
  std::mt19937_64 rng;
  int below(int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }
};

std::string random_numeric_entry(Random& r) {
  switch (r.below(6)) {
  case 0:
    return "-";
  case 1:
    return std::string(r.below(2) ? "<" : "<=") + " " + std::to_string(r.below(10));
  case 2:
    return std::string(r.below(2) ? ">" : ">=") + " " + std::to_string(r.below(10));
  case 3: {
    const int a = r.below(9), b = a + 1 + r.below(3);
    return std::string(r.below(2) ? "[" : "(") + std::to_string(a) + ".." + std::to_string(b) +
           (r.below(2) ? "]" : ")");
  }
  case 4:
    return std::to_string(r.below(10)) + ", " + std::to_string(r.below(10));
  default:
    return "not(" + std::to_string(r.below(10)) + ")";
  }
}

std::string random_label_entry(Random& r) {
  static const char* labels[] = {"\"a\"", "\"b\"", "\"c\""};
  switch (r.below(4)) {
  case 0:
    return "-";
  case 1:
    return labels[r.below(3)];
  case 2:
    return std::string(labels[r.below(3)]) + ", " + labels[r.below(3)];
  default:
    return std::string("not(") + labels[r.below(3)] + ")";
  }
}

TEST(DecisionTableProperty, IndexEqualsBruteForceScan) {
  Random r{std::mt19937_64(20261122)};
  const HitPolicy policies[] = {HitPolicy::unique, HitPolicy::first, HitPolicy::priority,
                                HitPolicy::collect};
  const char* names[] = {"unique", "first", "priority", "collect"};
  for (int trial = 0; trial < 300; ++trial) {
    const int p = r.below(4);
    const int R = 1 + r.below(trial < 250 ? 12 : 150); // some tables span several bitset words
    json j = {{"hit_policy", names[p]}, {"inputs", {"x", "channel", "y"}}};
    if (policies[p] == HitPolicy::priority)
      j["outputs"] = {json{{"name", "v"}, {"values", {3, 1, 2, 0}}}};
    else
      j["outputs"] = {"v"};
    if (policies[p] == HitPolicy::collect) {
      const char* aggs[] = {"sum", "min", "max", "count"};
      j["aggregation"] = aggs[r.below(4)];
    }
    j["rules"] = json::array();
    for (int k = 0; k < R; ++k)
      j["rules"].push_back(
          {{"when", {random_numeric_entry(r), random_label_entry(r), random_numeric_entry(r)}},
           {"then", {r.below(4)}}});
    const DecisionTable t = compile(j, false);
    // Inputs: every half-step in [-1, 11] and nulls; labels a, b, c, d (other) and null.
    std::vector<double> xs, ys;
    std::vector<std::string_view> ls;
    std::vector<std::uint8_t> lv;
    const std::string_view labels[] = {"a", "b", "c", "d"};
    for (int n = 0; n < 400; ++n) {
      xs.push_back(r.below(14) == 0 ? NAN : -1 + 0.5 * r.below(25));
      ys.push_back(r.below(14) == 0 ? NAN : -1 + 0.5 * r.below(25));
      ls.push_back(labels[r.below(4)]);
      lv.push_back(r.below(10) == 0 ? 0 : 1);
    }
    const std::vector<TableInput> in = {{xs.data(), nullptr, nullptr},
                                        {nullptr, ls.data(), lv.data()},
                                        {ys.data(), nullptr, nullptr}};
    std::vector<std::int32_t> rule(xs.size());
    std::vector<double> value(xs.size());
    t.evaluate(in, xs.size(), rule.data(), value.data());
    for (std::size_t n = 0; n < xs.size(); ++n) {
      std::vector<std::size_t> hits;
      for (std::size_t k = 0; k < t.rules().size(); ++k) {
        const auto& e = t.rules()[k].inputs;
        const bool label_ok = lv[n] ? e[1].matches(ls[n]) : e[1].any;
        if (e[0].matches(xs[n]) && label_ok && e[2].matches(ys[n])) hits.push_back(k);
      }
      EXPECT_EQ(t.matching(in, n), hits);
      std::int32_t want = DecisionTable::no_match;
      double want_value = NAN;
      auto out = [&](std::size_t k) { return t.rules()[k].outputs[0].number; };
      switch (policies[p]) {
      case HitPolicy::unique:
        if (hits.size() == 1) want = static_cast<std::int32_t>(hits[0]);
        if (hits.size() > 1) want = DecisionTable::unique_violation;
        break;
      case HitPolicy::first:
        if (!hits.empty()) want = static_cast<std::int32_t>(hits[0]);
        break;
      case HitPolicy::priority: {
        const std::vector<double> order = {3, 1, 2, 0};
        std::size_t best_pos = 99;
        for (std::size_t k : hits) {
          const auto pos = static_cast<std::size_t>(std::find(order.begin(), order.end(), out(k)) -
                                                    order.begin());
          if (pos < best_pos) {
            best_pos = pos;
            want = static_cast<std::int32_t>(k);
          }
        }
        break;
      }
      case HitPolicy::collect: {
        if (hits.empty()) break;
        want = DecisionTable::collected;
        const std::string agg = j["aggregation"];
        want_value = agg == "count" ? static_cast<double>(hits.size())
                     : agg == "sum" ? 0.0
                                    : out(hits[0]);
        for (std::size_t k : hits) {
          if (agg == "sum") want_value += out(k);
          if (agg == "min") want_value = std::min(want_value, out(k));
          if (agg == "max") want_value = std::max(want_value, out(k));
        }
        break;
      }
      }
      if (policies[p] != HitPolicy::collect && want >= 0)
        want_value = out(static_cast<std::size_t>(want));
      ASSERT_EQ(rule[n], want) << "trial " << trial << " row " << n << "\n" << j.dump();
      if (std::isnan(want_value))
        EXPECT_TRUE(std::isnan(value[n]));
      else
        EXPECT_EQ(value[n], want_value);
    }
  }
}

TEST(DecisionTableProperty, GapCheckAgreesWithAnExhaustiveGrid) {
  // Entries have integer ends in 0..9, so every elementary segment contains a point of the grid
  // of half-steps in [-1, 11] (and labels a, b, c plus one other): a gap exists exactly when
  // a grid point is unmatched.
  Random r{std::mt19937_64(7)};
  int with_gap = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int R = 1 + r.below(6);
    json j = {{"hit_policy", "collect"},
              {"aggregation", "count"},
              {"inputs", {"x", "channel"}},
              {"outputs", json::array()}};
    j["rules"] = json::array();
    for (int k = 0; k < R; ++k)
      j["rules"].push_back(
          {{"when", {random_numeric_entry(r), random_label_entry(r)}}, {"then", json::array()}});
    const DecisionTable t = compile(j, false);
    bool gap = false;
    for (int xi = 0; xi <= 24 && !gap; ++xi)
      for (const char* l : {"a", "b", "c", "other"}) {
        bool hit = false;
        for (const auto& rule : t.rules())
          hit = hit || (rule.inputs[0].matches(-1 + 0.5 * xi) && rule.inputs[1].matches(l));
        gap = gap || !hit;
      }
    const auto errs = errors_of(j);
    const bool reported = !errs.empty() && errs.front().rfind("E0605", 0) == 0;
    EXPECT_EQ(reported, gap) << j.dump();
    with_gap += gap;
  }
  EXPECT_GT(with_gap, 50); // both outcomes are exercised
  EXPECT_LT(with_gap, 350);
}

TEST(DecisionTable, JsonFormRoundTrips) {
  const DecisionTable t = compile(grades_json("unique"));
  EXPECT_EQ(t.to_json(), grades_json("unique"));
  EXPECT_EQ(compile(t.to_json()), t);
}

} // namespace
