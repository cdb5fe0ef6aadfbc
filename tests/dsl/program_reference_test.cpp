// The engine against a straightforward tree-walk reference evaluator written here, on random
// expressions over random columns with nulls (deterministic seeds). The reference follows the
// null rules of docs/rules.md row by row with std::optional-like values, independent of the
// engine's kernels, tiles, masks and selection vectors, so no optimisation of the engine can
// silently change a result.
#include "dsl/dsl_test_util.hpp"

#include <cmath>
#include <memory>
#include <random>
#include <sstream>

namespace kpiscore::test {
namespace {

using dsl::Program;
using dsl::Scope;

enum class R : std::uint8_t { num, boolean, str };

// A value of the reference evaluator: null, or a number, bool or string.
struct V {
  bool null = true;
  double n = 0;
  bool b = false;
  std::string s;
};
V num(double x) {
  V v;
  v.null = false;
  v.n = x;
  return v;
}
V boolean(bool x) {
  V v;
  v.null = false;
  v.b = x;
  return v;
}
V str(std::string x) {
  V v;
  v.null = false;
  v.s = std::move(x);
  return v;
}

// The random columns: a, b numbers with nulls; d a number without nulls (no mask at all);
// p, q booleans with nulls; r a boolean without nulls; s a string with nulls, and t the same
// strings dictionary-encoded.
struct Data {
  std::size_t rows = 0;
  std::vector<double> a, b, d, p, q, r;
  std::vector<std::uint8_t> va, vb, vp, vq, vs;
  std::vector<std::string> s;
};

struct E {
  enum class K : std::uint8_t {
    column,
    let_ref,
    literal,
    null_lit,
    neg,
    binary, // op: + - * / < <= > >= == != and or ??
    not_,
    is_missing,
    in_list,
    between,
    if_else,
    call,
  } kind = K::literal;
  R rep = R::num;
  std::string op; // binary operator, function name or column name
  bool negated = false;
  V lit;
  std::vector<V> list;
  std::vector<std::unique_ptr<E>> kids;
  const E* let = nullptr;
  std::string text;
};
using EP = std::unique_ptr<E>;

std::string number_text(double v) {
  std::ostringstream o;
  o << v;
  const std::string t = o.str();
  return v < 0 ? "(" + t + ")" : t;
}

struct Gen {
  std::mt19937_64 rng;
  std::vector<std::pair<std::string, const E*>> lets; // name, tree

  int pick(int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }
  double literal() {
    static const double ks[] = {0, 1, 2, 3, 0.5, -2, 10, 2.5, -1};
    return ks[pick(9)];
  }

  EP leaf(R rep) {
    auto e = std::make_unique<E>();
    e->rep = rep;
    // A let of the right representation, sometimes.
    std::vector<std::pair<std::string, const E*>> ok;
    for (const auto& l : lets)
      if (l.second->rep == rep) ok.push_back(l);
    if (!ok.empty() && pick(4) == 0) {
      const auto& l = ok[static_cast<std::size_t>(pick(static_cast<int>(ok.size())))];
      e->kind = E::K::let_ref;
      e->let = l.second;
      e->text = l.first;
      return e;
    }
    const int k = pick(6);
    if (rep == R::num) {
      if (k < 4) {
        static const char* cols[] = {"a", "b", "d", "a"};
        e->kind = E::K::column;
        e->op = cols[k];
        e->text = e->op;
      } else {
        e->kind = E::K::literal;
        e->lit = num(literal());
        e->text = number_text(e->lit.n);
      }
    } else if (rep == R::boolean) {
      if (k < 4) {
        static const char* cols[] = {"p", "q", "r", "p"};
        e->kind = E::K::column;
        e->op = cols[k];
        e->text = e->op;
      } else {
        e->kind = E::K::literal;
        e->lit = boolean(k == 4);
        e->text = k == 4 ? "true" : "false";
      }
    } else {
      if (k < 4) {
        e->kind = E::K::column;
        e->op = k % 2 ? "s" : "t";
        e->text = e->op;
      } else {
        static const char* ks[] = {"phone", "chat"};
        e->kind = E::K::literal;
        e->lit = str(ks[k - 4]);
        e->text = "\"" + e->lit.s + "\"";
      }
    }
    return e;
  }

  EP null_literal(R rep) {
    auto e = std::make_unique<E>();
    e->kind = E::K::null_lit;
    e->rep = rep;
    e->text = "null";
    return e;
  }

  EP node(E::K kind, R rep, std::string op, std::vector<EP> kids) {
    auto e = std::make_unique<E>();
    e->kind = kind;
    e->rep = rep;
    e->op = std::move(op);
    e->kids = std::move(kids);
    return e;
  }
  static std::vector<EP> list(EP x) {
    std::vector<EP> v;
    v.push_back(std::move(x));
    return v;
  }
  static std::vector<EP> list(EP x, EP y) {
    std::vector<EP> v = list(std::move(x));
    v.push_back(std::move(y));
    return v;
  }
  static std::vector<EP> list(EP x, EP y, EP z) {
    std::vector<EP> v = list(std::move(x), std::move(y));
    v.push_back(std::move(z));
    return v;
  }

  EP binary(R rep, const std::string& op, EP x, EP y) {
    auto e = node(E::K::binary, rep, op, list(std::move(x), std::move(y)));
    e->text = "(" + e->kids[0]->text + " " + op + " " + e->kids[1]->text + ")";
    return e;
  }
  EP call(R rep, const std::string& f, std::vector<EP> args, const std::string& extra = {}) {
    auto e = node(E::K::call, rep, f, std::move(args));
    e->text = f + "(";
    for (std::size_t k = 0; k < e->kids.size(); ++k)
      e->text += (k ? ", " : "") + e->kids[k]->text;
    e->text += extra + ")";
    return e;
  }
  EP if_else(R rep, int depth) {
    auto e = node(E::K::if_else, rep, "",
                  list(boolean_expr(depth - 1), expr(rep, depth - 1),
                       pick(8) == 0 ? null_literal(rep) : expr(rep, depth - 1)));
    e->text =
        "(if " + e->kids[0]->text + " then " + e->kids[1]->text + " else " + e->kids[2]->text + ")";
    return e;
  }

  EP expr(R rep, int depth) {
    if (rep == R::num) return number_expr(depth);
    if (rep == R::boolean) return boolean_expr(depth);
    return string_expr(depth);
  }

  EP number_expr(int depth) {
    if (depth <= 0 || pick(5) == 0) return leaf(R::num);
    switch (pick(14)) {
    case 0:
    case 1:
    case 2:
    case 3: {
      static const char* ops[] = {"+", "-", "*", "/"};
      EP y = pick(10) == 0 ? null_literal(R::num) : number_expr(depth - 1);
      return binary(R::num, ops[pick(4)], number_expr(depth - 1), std::move(y));
    }
    case 4: {
      auto e = node(E::K::neg, R::num, "-", list(number_expr(depth - 1)));
      e->text = "(-" + e->kids[0]->text + ")";
      return e;
    }
    case 5:
      return binary(R::num, "??", number_expr(depth - 1), number_expr(depth - 1));
    case 6:
    case 7:
      return if_else(R::num, depth);
    case 8: {
      static const char* fs[] = {"min", "max"};
      std::vector<EP> args = list(number_expr(depth - 1), number_expr(depth - 1));
      if (pick(2)) args.push_back(number_expr(depth - 1));
      return call(R::num, fs[pick(2)], std::move(args));
    }
    case 9: {
      static const char* fs[] = {"abs", "floor", "ceil", "round"};
      return call(R::num, fs[pick(4)], list(number_expr(depth - 1)));
    }
    case 10: {
      auto e = call(R::num, "round", list(number_expr(depth - 1)), ", 1");
      e->op = "round1";
      return e;
    }
    case 11:
      return call(R::num, "clamp",
                  list(number_expr(depth - 1), number_expr(depth - 1), number_expr(depth - 1)));
    case 12:
      return call(R::num, "coalesce",
                  list(number_expr(depth - 1), null_literal(R::num), number_expr(depth - 1)));
    default:
      return binary(R::num, "+", number_expr(depth - 1), number_expr(depth - 1));
    }
  }

  EP boolean_expr(int depth) {
    if (depth <= 0 || pick(6) == 0) return leaf(R::boolean);
    switch (pick(14)) {
    case 0:
    case 1:
    case 2: {
      static const char* ops[] = {"<", "<=", ">", ">=", "==", "!="};
      return binary(R::boolean, ops[pick(6)], number_expr(depth - 1), number_expr(depth - 1));
    }
    case 3:
    case 4:
      return binary(R::boolean, "and", boolean_expr(depth - 1), boolean_expr(depth - 1));
    case 5:
    case 6:
      return binary(R::boolean, "or", boolean_expr(depth - 1), boolean_expr(depth - 1));
    case 7: {
      auto e = node(E::K::not_, R::boolean, "not", list(boolean_expr(depth - 1)));
      e->text = "(not " + e->kids[0]->text + ")";
      return e;
    }
    case 8: {
      const R r = pick(3) == 0 ? R::str : (pick(2) ? R::num : R::boolean);
      auto e = node(E::K::is_missing, R::boolean, "", list(expr(r, depth - 1)));
      e->negated = pick(2) == 1;
      e->text = "(" + e->kids[0]->text + (e->negated ? " is not missing)" : " is missing)");
      return e;
    }
    case 9: {
      auto e = node(E::K::in_list, R::boolean, "", list(number_expr(depth - 1)));
      e->negated = pick(2) == 1;
      std::string items;
      const int k = 1 + pick(3);
      for (int i = 0; i < k; ++i) {
        V v = pick(6) == 0 ? V{} : num(literal());
        items += (i ? ", " : "") + (v.null ? std::string("null") : number_text(v.n));
        e->list.push_back(v);
      }
      e->text = "(" + e->kids[0]->text + (e->negated ? " not in [" : " in [") + items + "])";
      return e;
    }
    case 10: {
      auto e = node(E::K::between, R::boolean, "",
                    list(number_expr(depth - 1), number_expr(depth - 1), number_expr(depth - 1)));
      e->negated = pick(2) == 1;
      e->text = "(" + e->kids[0]->text + (e->negated ? " not between " : " between ") +
                e->kids[1]->text + " and " + e->kids[2]->text + ")";
      return e;
    }
    case 11: {
      const int k = pick(3);
      if (k == 0)
        return binary(R::boolean, pick(2) ? "==" : "!=", boolean_expr(depth - 1),
                      boolean_expr(depth - 1));
      if (k == 1)
        return binary(R::boolean, pick(2) ? "==" : "!=", string_expr(depth - 1),
                      string_expr(depth - 1));
      static const char* fs[] = {"starts_with", "ends_with", "contains"};
      static const char* ps[] = {"\"ph\"", "\"at\"", "\"\"", "\"e\""};
      auto e = call(R::boolean, fs[pick(3)], list(string_expr(depth - 1)));
      const std::string pat = ps[pick(4)];
      e->text = e->text.substr(0, e->text.size() - 1) + ", " + pat + ")";
      e->lit = str(pat.substr(1, pat.size() - 2));
      return e;
    }
    case 12:
      return if_else(R::boolean, depth);
    default:
      return binary(R::boolean, "??", boolean_expr(depth - 1), boolean_expr(depth - 1));
    }
  }

  EP string_expr(int depth) {
    if (depth <= 0 || pick(3) == 0) return leaf(R::str);
    switch (pick(4)) {
    case 0:
      return call(R::str, pick(2) ? "lower" : "upper", list(string_expr(depth - 1)));
    case 1:
      return if_else(R::str, depth);
    case 2:
      return binary(R::str, "??", string_expr(depth - 1), string_expr(depth - 1));
    default:
      return leaf(R::str);
    }
  }
};

// Kleene and / or / not on nullable booleans.
V kleene_and(const V& x, const V& y) {
  if ((!x.null && !x.b) || (!y.null && !y.b)) return boolean(false);
  if (x.null || y.null) return {};
  return boolean(true);
}
V kleene_or(const V& x, const V& y) {
  if ((!x.null && x.b) || (!y.null && y.b)) return boolean(true);
  if (x.null || y.null) return {};
  return boolean(false);
}
V kleene_not(const V& x) {
  return x.null ? V{} : boolean(!x.b);
}

std::string ascii_case(std::string s, bool upper) {
  for (char& c : s) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

V compare(const std::string& op, const V& x, const V& y, R rep) {
  if (x.null || y.null) return {};
  if (rep == R::str) return boolean((x.s == y.s) == (op == "=="));
  if (rep == R::boolean) return boolean((x.b == y.b) == (op == "=="));
  if (op == "<") return boolean(x.n < y.n);
  if (op == "<=") return boolean(x.n <= y.n);
  if (op == ">") return boolean(x.n > y.n);
  if (op == ">=") return boolean(x.n >= y.n);
  if (op == "==") return boolean(x.n == y.n);
  return boolean(x.n != y.n);
}

// The reference: a tree walk over one row, following docs/rules.md "Null rules".
V eval(const E& e, const Data& d, std::size_t i) {
  auto kid = [&](std::size_t k) { return eval(*e.kids[k], d, i); };
  switch (e.kind) {
  case E::K::column: {
    const std::string& c = e.op;
    if (c == "a") return d.va[i] ? num(d.a[i]) : V{};
    if (c == "b") return d.vb[i] ? num(d.b[i]) : V{};
    if (c == "d") return num(d.d[i]);
    if (c == "p") return d.vp[i] ? boolean(d.p[i] != 0) : V{};
    if (c == "q") return d.vq[i] ? boolean(d.q[i] != 0) : V{};
    if (c == "r") return boolean(d.r[i] != 0);
    if (c == "t") return d.vs[i] && !d.s[i].empty() ? str(d.s[i]) : V{}; // "" is null there
    return d.vs[i] ? str(d.s[i]) : V{};
  }
  case E::K::let_ref:
    return eval(*e.let, d, i);
  case E::K::literal:
    return e.lit;
  case E::K::null_lit:
    return {};
  case E::K::neg: {
    const V x = kid(0);
    return x.null ? V{} : num(-x.n);
  }
  case E::K::not_:
    return kleene_not(kid(0));
  case E::K::binary: {
    const std::string& op = e.op;
    const V x = kid(0), y = kid(1);
    if (op == "and") return kleene_and(x, y);
    if (op == "or") return kleene_or(x, y);
    if (op == "??") return x.null ? y : x;
    if (op == "+" || op == "-" || op == "*" || op == "/") {
      if (x.null || y.null) return {};
      if (op == "+") return num(x.n + y.n);
      if (op == "-") return num(x.n - y.n);
      if (op == "*") return num(x.n * y.n);
      return y.n == 0 ? V{} : num(x.n / y.n);
    }
    return compare(op, x, y, e.kids[0]->rep);
  }
  case E::K::is_missing: {
    const bool missing = kid(0).null;
    return boolean(e.negated ? !missing : missing);
  }
  case E::K::in_list: {
    const V x = kid(0);
    if (x.null) return {};
    bool hit = false;
    for (const V& k : e.list)
      hit = hit || (!k.null && k.n == x.n);
    return boolean(e.negated ? !hit : hit);
  }
  case E::K::between: {
    const V x = kid(0), lo = kid(1), hi = kid(2);
    const V r = kleene_and(compare(">=", x, lo, R::num), compare("<=", x, hi, R::num));
    return e.negated ? kleene_not(r) : r;
  }
  case E::K::if_else: {
    const V c = kid(0);
    return !c.null && c.b ? kid(1) : kid(2); // a null condition takes else
  }
  case E::K::call: {
    const std::string& f = e.op;
    if (f == "coalesce") {
      for (std::size_t k = 0; k < e.kids.size(); ++k) {
        V x = kid(k);
        if (!x.null) return x;
      }
      return {};
    }
    std::vector<V> xs;
    for (std::size_t k = 0; k < e.kids.size(); ++k)
      xs.push_back(kid(k));
    for (const V& x : xs)
      if (x.null) return {};
    if (f == "min" || f == "max") {
      double r = xs[0].n;
      for (std::size_t k = 1; k < xs.size(); ++k)
        r = f == "min" ? (xs[k].n < r ? xs[k].n : r) : (xs[k].n > r ? xs[k].n : r);
      return num(r);
    }
    if (f == "clamp") {
      const double lo = xs[1].n > xs[0].n ? xs[1].n : xs[0].n;
      return num(xs[2].n < lo ? xs[2].n : lo);
    }
    if (f == "abs") return num(std::fabs(xs[0].n));
    if (f == "floor") return num(std::floor(xs[0].n));
    if (f == "ceil") return num(std::ceil(xs[0].n));
    if (f == "round") return num(std::round(xs[0].n));
    if (f == "round1") return num(std::round(xs[0].n * 10.0) / 10.0);
    if (f == "lower" || f == "upper") return str(ascii_case(xs[0].s, f == "upper"));
    const std::string& v = xs[0].s;
    const std::string& p = e.lit.s;
    if (f == "starts_with") return boolean(v.compare(0, p.size(), p) == 0 && v.size() >= p.size());
    if (f == "ends_with")
      return boolean(v.size() >= p.size() && v.compare(v.size() - p.size(), p.size(), p) == 0);
    return boolean(v.find(p) != std::string::npos);
  }
  }
  return {};
}

Data random_data(std::uint64_t seed, std::size_t rows) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  static const double values[] = {-3, -2, -1, 0, 1, 2, 3, 0.5, 2.5, -2.5, 10};
  static const char* strings[] = {"phone", "Phone", "chat", "email", ""};
  Data d;
  d.rows = rows;
  for (std::size_t i = 0; i < rows; ++i) {
    d.a.push_back(values[pick(11)]);
    d.b.push_back(values[pick(11)]);
    d.d.push_back(values[pick(11)]);
    d.p.push_back(pick(2));
    d.q.push_back(pick(2));
    d.r.push_back(pick(2));
    d.s.push_back(strings[pick(5)]);
    d.va.push_back(pick(5) != 0);
    d.vb.push_back(pick(4) != 0);
    d.vp.push_back(pick(5) != 0);
    d.vq.push_back(pick(3) != 0);
    d.vs.push_back(pick(5) != 0);
  }
  return d;
}

struct Bound {
  Scope scope{Scope::Kind::group,
              {{"a", dsl::Type::number, ""},
               {"b", dsl::Type::number, ""},
               {"d", dsl::Type::number, ""},
               {"p", dsl::Type::boolean, ""},
               {"q", dsl::Type::boolean, ""},
               {"r", dsl::Type::boolean, ""},
               {"s", dsl::Type::string, ""},
               {"t", dsl::Type::string, ""}}};
  DictionaryColumn t{"t"}; // s dictionary-encoded (an empty value is null)
  dsl::Table table;
  explicit Bound(const Data& d) : table(scope, d.rows) {
    for (std::size_t i = 0; i < d.rows; ++i)
      t.push_back(d.vs[i] ? std::string_view(d.s[i]) : std::string_view());
    dsl::ColumnRef ct;
    ct.storage = dsl::ColumnRef::Storage::dict;
    ct.dict = &t;
    table.set("t", ct);
    table.set_owned("a", d.a, d.va);
    table.set_owned("b", d.b, d.vb);
    table.set_owned("d", d.d, {}); // no validity mask at all
    table.set_owned("p", d.p, d.vp);
    table.set_owned("q", d.q, d.vq);
    table.set_owned("r", d.r, {});
    std::vector<std::string> s = d.s;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (!d.vs[i]) s[i] = "garbage under a null";
    table.set_owned_strings("s", std::move(s), d.vs);
  }
};

std::string json_value(const V& v, R rep) {
  if (v.null) return "null";
  if (rep == R::boolean) return v.b ? "true" : "false";
  if (rep == R::str) return "\"" + v.s + "\"";
  std::ostringstream s;
  s.precision(17);
  s << v.n;
  return s.str();
}

// Checks one output column against the reference, row by row.
void expect_column(const dsl::Column& c, const E& e, const Data& d, const std::string& what) {
  ASSERT_EQ(c.size(), d.rows) << what;
  for (std::size_t i = 0; i < d.rows; ++i) {
    const V r = eval(e, d, i);
    ASSERT_EQ(c.is_null(i), r.null) << what << " row " << i;
    if (r.null) {
      // A null shows 0 / false / "" underneath.
      const bool zero = e.rep == R::num       ? c.numbers[i] == 0.0
                        : e.rep == R::boolean ? c.bools[i] == 0
                                              : c.strings[i].empty();
      ASSERT_TRUE(zero) << what << " row " << i;
      continue;
    }
    if (e.rep == R::num) {
      ASSERT_EQ(c.numbers[i], r.n) << what << " row " << i;
    } else if (e.rep == R::boolean) {
      ASSERT_EQ(c.bools[i], r.b ? 1 : 0) << what << " row " << i;
    } else {
      ASSERT_EQ(c.strings[i], r.s) << what << " row " << i;
    }
  }
}

TEST(DslEngineReference, RandomExpressionsMatchATreeWalk) {
  const Data d = random_data(20260322, 2100);
  const Bound bound(d);
  Gen g{std::mt19937_64(99), {}};
  std::size_t checked = 0;
  for (int k = 0; k < 300; ++k) {
    const R rep = k % 5 == 4 ? R::str : (k % 2 ? R::boolean : R::num);
    const EP e = g.expr(rep, 1 + k % 6);
    const std::string what = "expression " + std::to_string(k) + ": " + e->text;
    const Program p = Program::compile_expression(e->text, bound.scope);
    for (std::size_t batch : {1024u, 1u, 7u, 300u}) {
      dsl::EvalOptions o;
      o.batch_rows = batch;
      const auto cols = p.evaluate(bound.table, o);
      ASSERT_EQ(cols.size(), 1u);
      expect_column(cols[0], *e, d, what + " (batch " + std::to_string(batch) + ")");
      if (::testing::Test::HasFatalFailure()) return;
    }
    if (rep == R::boolean) {
      const auto s = p.stats(bound.table);
      std::size_t fired = 0, not_fired = 0, nulls = 0;
      for (std::size_t i = 0; i < d.rows; ++i) {
        const V r = eval(*e, d, i);
        (r.null ? nulls : r.b ? fired : not_fired) += 1;
      }
      EXPECT_EQ(s.at(0).fired, fired) << what;
      EXPECT_EQ(s.at(0).not_fired, not_fired) << what;
      EXPECT_EQ(s.at(0).nulls, nulls) << what;
    }
    // Explain shows the reference's value at the root for a few rows.
    for (std::size_t row : {std::size_t{0}, std::size_t{1037}, d.rows - 1}) {
      const std::string j = p.explain_json(bound.table, row);
      const std::string want = "\"value\":" + json_value(eval(*e, d, row), rep);
      const auto tree = j.find("\"tree\":");
      const auto at = j.find("\"value\":", tree);
      ASSERT_NE(at, std::string::npos) << what;
      EXPECT_EQ(j.compare(at, want.size(), want), 0) << what << " row " << row << ": " << j;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 300u);
}

// Files with lets shared by several rules: the same values through named registers.
TEST(DslEngineReference, RandomFilesWithLetsMatchATreeWalk) {
  const Data d = random_data(7, 3000);
  const Bound bound(d);
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    Gen g{std::mt19937_64(seed), {}};
    std::vector<EP> lets, rules;
    std::string src;
    for (int k = 0; k < 3; ++k) {
      const R rep = k == 1 ? R::boolean : R::num;
      lets.push_back(g.expr(rep, 3));
      std::string name = "v";
      name += std::to_string(k);
      src += "let " + name + " = " + lets.back()->text + "\n";
      g.lets.push_back({name, lets.back().get()});
    }
    for (int k = 0; k < 3; ++k) {
      rules.push_back(g.expr(k == 2 ? R::num : R::boolean, 4));
      src += "rule r";
      src += std::to_string(k);
      src += " = " + rules.back()->text + "\n";
    }
    const Program p = Program::compile(src, bound.scope);
    dsl::EvalOptions o;
    o.batch_rows = seed % 2 ? 1024 : 100;
    const auto cols = p.evaluate(bound.table, o);
    ASSERT_EQ(cols.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k)
      expect_column(cols[k], *rules[k], d, "seed " + std::to_string(seed) + "\n" + src);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// Selection vectors over every storage of the record scope (int64 milliseconds, int8 flags and
// scores, uint8 flags, the summed handle time, dictionaries), and a host function inside a
// branch: each row of `evaluate` equals the value `explain_json` shows for that row, which
// evaluates both branches for every row without selection.
TEST(DslEngineReference, SelectiveBranchesOverRecordColumnsMatchExplain) {
  std::mt19937_64 rng(11);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  std::ostringstream csv;
  csv << header;
  // An optional field: empty (null) one time in five.
  auto field = [&](auto value) {
    csv << ',';
    if (pick(5) != 0) csv << value;
  };
  static const char* channels[] = {"phone", "chat", "email"};
  for (int i = 0; i < 700; ++i) {
    const int minute = i % 60, hour = 8 + i / 60;
    csv << i << ",2026-03-01T" << (hour < 10 ? "0" : "") << hour << ':' << (minute < 10 ? "0" : "")
        << minute << ":00Z," << (pick(4) ? "inbound" : "outbound") << ',' << pick(2) << ','
        << pick(90);
    field(static_cast<char>('0' + pick(7)));
    field(channels[pick(3)]);
    csv << ",q" << pick(3);
    field(pick(600));
    field(pick(60));
    field(pick(90));
    field(pick(2));
    field(1 + pick(5));
    field(pick(11));
    field(pick(2));
    field(pick(2));
    csv << '\n';
  }
  const ContactTable contacts = table_of(csv.str());
  const Scope scope = Scope::record(contacts);
  const dsl::Table table = dsl::bind(scope, contacts);
  dsl::FunctionRegistry fns;
  fns.add({"penalty",
           {dsl::Type::duration, dsl::Type::number},
           dsl::Type::number,
           3,
           [](std::span<const double* const> a, std::size_t n, double* out) {
             for (std::size_t i = 0; i < n; ++i)
               out[i] = a[0][i] > 20 ? a[1][i] : 0.5;
           },
           ""});
  dsl::CompileOptions co;
  co.functions = &fns;
  const char* exprs[] = {
      "if channel == \"phone\" then round(handle_s / 7s, 2) + abs(wait_s - 20s) / 1s "
      "else max(talk_s, hold_s) / 1s * 2 - csat",
      "if answered then (resolved_first_contact and csat >= 4) or complaint "
      "else (converted ?? false) and not inbound and nps > 5",
      "if wait_s > 20s then (if csat >= 4 then round(talk_s / 3s) * 2 + 1 else nps * 3 - 1) "
      "else floor(handle_s / 60s) + ceil(wait_s / 7s) - abs(acw_s / 1s - 30)",
      "if inbound then lower(agent_id) else upper(queue)",
      "if csat >= 3 then penalty(wait_s, csat) * 2 + round(nps / 3) else -penalty(talk_s, 1)",
      "if agent_id in [\"1\", \"2\"] then handle_s / 1s * 2 - wait_s / 1s + 1 else null",
  };
  for (const char* text : exprs) {
    const Program p = Program::compile_expression(text, scope, co);
    const dsl::Column c = p.evaluate(table).at(0);
    for (std::size_t i = 0; i < table.rows(); ++i) {
      V v;
      v.null = c.is_null(i);
      R rep = R::num;
      if (c.type == dsl::Type::boolean) {
        rep = R::boolean;
        v.b = !v.null && c.bools[i] != 0;
      } else if (c.type == dsl::Type::string) {
        rep = R::str;
        if (!v.null) v.s = c.strings[i];
      } else if (!v.null) {
        v.n = c.numbers[i];
      }
      const std::string j = p.explain_json(table, i);
      const std::string want = "\"value\":" + json_value(v, rep);
      const auto at = j.find("\"value\":", j.find("\"tree\":"));
      ASSERT_EQ(j.compare(at, want.size(), want), 0) << text << " row " << i << ": " << j;
    }
  }
}

} // namespace
} // namespace kpiscore::test
