// The type checker of the rules language: resolves names in the scope, checks units
// (docs/rules.md, "Types"), and reports every error it finds with a stable code and a hint.
#include "dsl_internal.hpp"

#include <cmath>
#include <sstream>

namespace kpiscore::dsl::detail {
namespace {

std::string number_text(double v) {
  std::ostringstream s;
  s.precision(15);
  s << v;
  return s.str();
}

bool is_aggregate(Builtin b) {
  return b == Builtin::count || b == Builtin::sum || b == Builtin::mean;
}

} // namespace

std::optional<Builtin> builtin_of(std::string_view name) {
  const auto names = builtin_function_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Builtin>(i);
  return std::nullopt;
}

void Checker::error(std::string code, std::string message, SourceRange r, std::string hint) {
  errors.push_back({std::move(code), std::move(message), r, std::move(hint)});
}

// A plain number literal written where a unit is expected: the `30s` / `85%` hints.
bool Checker::unit_literal_error(const Node& lit, Type unit) {
  if (!lit.plain_literal) return false;
  if (unit == Type::duration) {
    error("E0202", "a number without a unit where a duration is expected", lit.range,
          "did you mean `" + number_text(lit.number) + "s`?");
    return true;
  }
  if (unit == Type::ratio) {
    error("E0203", "a number above 1 where a ratio is expected", lit.range,
          "did you mean `" + number_text(lit.number) + "%`?");
    return true;
  }
  return false;
}

// Whether a plain literal can stand for a value of `unit`: points take any number, a ratio a
// fraction 0..1 (so `fcr >= 0.85` reads as 85 %; `fcr >= 85` is an error).
static bool adapts(const Node& lit, Type unit) {
  if (!lit.plain_literal) return false;
  if (unit == Type::points) return true;
  if (unit == Type::ratio) return lit.number >= 0 && lit.number <= 1;
  return false;
}

std::optional<Type> Checker::common(const Node& a, const Node& b, std::string_view verb,
                                    SourceRange where) {
  const Type ta = a.type, tb = b.type;
  if (ta == Type::null) return tb;
  if (tb == Type::null) return ta;
  if (ta == tb) return ta;
  if (is_plain(ta) && is_plain(tb)) return Type::number;
  if (is_plain(ta) && adapts(a, tb)) return tb;
  if (is_plain(tb) && adapts(b, ta)) return ta;
  if ((ta == Type::points && is_plain(tb)) || (tb == Type::points && is_plain(ta)))
    return Type::points;
  if (is_plain(ta) && unit_literal_error(a, tb)) return std::nullopt;
  if (is_plain(tb) && unit_literal_error(b, ta)) return std::nullopt;
  error("E0201",
        "cannot " + std::string(verb) + " " + std::string(name_of(ta)) + " and " +
            std::string(name_of(tb)),
        where);
  return std::nullopt;
}

static std::optional<Type> arithmetic(char op, Type a, Type b) {
  using T = Type;
  const bool pa = is_plain(a), pb = is_plain(b);
  const bool ints = a == T::integer && b == T::integer;
  switch (op) {
  case '+':
  case '-':
    if (pa && pb) return ints ? T::integer : T::number;
    if (a == b && (a == T::duration || a == T::ratio || a == T::points)) return a;
    if ((a == T::points && pb) || (pa && b == T::points)) return T::points;
    if (a == T::time && b == T::duration) return T::time;
    if (op == '+' && a == T::duration && b == T::time) return T::time;
    if (op == '-' && a == T::time && b == T::time) return T::duration;
    return std::nullopt;
  case '*':
    if (pa && pb) return ints ? T::integer : T::number;
    if ((a == T::duration && (pb || b == T::ratio)) || ((pa || a == T::ratio) && b == T::duration))
      return T::duration;
    if (a == T::ratio && b == T::ratio) return T::ratio;
    if ((a == T::ratio && pb) || (pa && b == T::ratio)) return T::number;
    if ((a == T::points && (pb || b == T::ratio)) || ((pa || a == T::ratio) && b == T::points))
      return T::points;
    return std::nullopt;
  case '/':
    if (pa && pb) return T::number;
    if (a == b && (a == T::duration || a == T::ratio || a == T::points)) return T::number;
    if (pb && (a == T::duration || a == T::ratio || a == T::points)) return a;
    if (pa && b == T::ratio) return T::number;
    return std::nullopt;
  default:
    return std::nullopt;
  }
}

bool Checker::expect_bool(const Node& n, std::string_view what) {
  if (n.type == Type::boolean || n.type == Type::null) return true;
  error("E0204",
        std::string(what) + " must be a condition (bool), found " + std::string(name_of(n.type)),
        n.range);
  return false;
}

bool Checker::check(Node& n, bool in_aggregate) {
  bool ok = true;
  if (n.kind != NodeKind::call) {
    for (auto& c : n.children)
      ok = check(*c, in_aggregate) && ok;
    if (!ok) return false;
  }
  switch (n.kind) {
  case NodeKind::literal:
    return true;
  case NodeKind::name: {
    for (std::size_t i = lets.size(); i-- > 0;) {
      if (lets[i].name == n.text) {
        n.binds_let = true;
        n.slot = static_cast<std::int32_t>(lets[i].statement);
        n.type = lets[i].type;
        if (lets[i].aggregate && !aggregate_context) {
          error("E0108", "`" + n.text + "` is a custom KPI and cannot be used here", n.range);
          return false;
        }
        return true;
      }
    }
    // Outside the aggregates of a `kpi` a name is a group KPI first (`answered` is the count).
    if (aggregate_context && !in_aggregate && group_scope) {
      if (auto g = group_scope->find(n.text)) {
        n.slot = static_cast<std::int32_t>(*g);
        n.host = true; // marks a group-scope name inside a kpi expression
        n.type = group_scope->fields()[*g].type;
        return true;
      }
    }
    if (auto f = scope.find(n.text)) {
      if (aggregate_context && !in_aggregate) {
        error("E0109", "record field `" + n.text + "` outside an aggregate function in a `kpi`",
              n.range, "wrap it in count(), sum() or mean(), or use a group KPI");
        return false;
      }
      n.slot = static_cast<std::int32_t>(*f);
      n.type = scope.fields()[*f].type;
      return true;
    }
    std::vector<std::string> candidates = scope.names();
    for (const auto& l : lets)
      candidates.push_back(l.name);
    if (group_scope && aggregate_context)
      for (const auto& f : group_scope->fields())
        candidates.push_back(f.name);
    const std::string near = closest_name(n.text, candidates);
    error("E0102",
          "unknown name `" + n.text + "` in the " +
              (scope.kind() == Scope::Kind::record ? "record" : "group") + " scope",
          n.range, near.empty() ? "" : "did you mean `" + near + "`?");
    return false;
  }
  case NodeKind::unary: {
    Node& x = *n.children[0];
    if (n.op == "not") {
      if (!expect_bool(x, "the operand of `not`")) return false;
      n.type = Type::boolean;
      return true;
    }
    if (!(x.type == Type::null || (is_numeric(x.type) && x.type != Type::time))) {
      error("E0201", "cannot negate " + std::string(name_of(x.type)), n.range);
      return false;
    }
    n.type = x.type;
    n.plain_literal = x.plain_literal;
    if (x.kind == NodeKind::literal) n.number = -x.number;
    return true;
  }
  case NodeKind::binary: {
    Node& a = *n.children[0];
    Node& b = *n.children[1];
    const std::string& op = n.op;
    if (op == "and" || op == "or") {
      const bool oa = expect_bool(a, "an operand of `" + op + "`");
      const bool ob = expect_bool(b, "an operand of `" + op + "`");
      n.type = Type::boolean;
      return oa && ob;
    }
    if (op == "??") {
      auto t = common(a, b, "mix", n.range);
      if (!t) return false;
      n.type = *t;
      return true;
    }
    if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
      auto t = common(a, b, "compare", n.range);
      if (!t) return false;
      const bool ordering = op != "==" && op != "!=";
      if (ordering && (*t == Type::string || *t == Type::boolean)) {
        error("E0207",
              "`" + op + "` needs numbers, durations, ratios, points or times, found " +
                  std::string(name_of(*t)),
              n.range);
        return false;
      }
      n.type = Type::boolean;
      return true;
    }
    const char c = op[0];
    Type ta = a.type, tb = b.type;
    if (ta == Type::null) ta = tb == Type::null ? Type::number : tb;
    if (tb == Type::null) tb = ta;
    if (ta == Type::string || tb == Type::string || ta == Type::boolean || tb == Type::boolean) {
      error("E0201",
            "cannot apply `" + op + "` to " + std::string(name_of(ta)) + " and " +
                std::string(name_of(tb)),
            n.range);
      return false;
    }
    if (c == '+' || c == '-') {
      // A plain literal next to a unit takes that unit when it can (`fcr - 0.05`, `score + 5`).
      if (is_plain(ta) && !is_plain(tb) && adapts(a, tb))
        ta = tb;
      else if (is_plain(tb) && !is_plain(ta) && adapts(b, ta))
        tb = ta;
      else if (is_plain(ta) && !is_plain(tb) && unit_literal_error(a, tb))
        return false;
      else if (is_plain(tb) && !is_plain(ta) && unit_literal_error(b, ta))
        return false;
    }
    auto t = arithmetic(c, ta, tb);
    if (!t) {
      const char* verb = c == '+'   ? "add"
                         : c == '-' ? "subtract"
                         : c == '*' ? "multiply"
                                    : "divide";
      error("E0201",
            std::string("cannot ") + verb + " " + std::string(name_of(ta)) + " and " +
                std::string(name_of(tb)),
            n.range);
      return false;
    }
    n.type = *t;
    return true;
  }
  case NodeKind::is_missing:
    n.type = Type::boolean;
    return true;
  case NodeKind::in_list: {
    Node& x = *n.children[0];
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      Node& e = *n.children[i];
      if (!is_constant(e)) {
        error("E0208", "a list element must be a constant", e.range);
        ok = false;
        continue;
      }
      if (!common(x, e, "compare", e.range)) ok = false;
    }
    n.type = Type::boolean;
    return ok;
  }
  case NodeKind::between: {
    auto t1 = common(*n.children[0], *n.children[1], "compare", n.range);
    auto t2 = t1 ? common(*n.children[0], *n.children[2], "compare", n.range) : std::nullopt;
    if (!t1 || !t2) return false;
    if (*t1 == Type::string || *t1 == Type::boolean) {
      error("E0207",
            "`between` needs numbers, durations, ratios, points or times, found " +
                std::string(name_of(*t1)),
            n.range);
      return false;
    }
    n.type = Type::boolean;
    return true;
  }
  case NodeKind::if_else: {
    if (!expect_bool(*n.children[0], "the condition of `if`")) return false;
    auto t = common(*n.children[1], *n.children[2], "mix", n.range);
    if (!t) return false;
    n.type = *t;
    return true;
  }
  case NodeKind::call:
    return check_call(n, in_aggregate);
  }
  return false;
}

bool Checker::check_call(Node& n, bool in_aggregate) {
  const auto argc = n.children.size();
  const SourceRange name_range{n.range.begin, static_cast<std::uint32_t>(n.text.size())};
  auto arity = [&](std::size_t lo, std::size_t hi) {
    if (argc >= lo && argc <= hi) return true;
    std::string want = lo == hi         ? std::to_string(lo)
                       : hi == SIZE_MAX ? "at least " + std::to_string(lo)
                                        : std::to_string(lo) + " or " + std::to_string(hi);
    error("E0104",
          "`" + n.text + "` takes " + want + " argument" + (lo == 1 && hi == 1 ? "" : "s") +
              ", found " + std::to_string(argc),
          n.range);
    return false;
  };
  auto b = builtin_of(n.text);
  if (!b) {
    if (const HostFunction* h = host ? host->find(n.text) : nullptr) {
      bool ok = true;
      for (auto& c : n.children)
        ok = check(*c, in_aggregate) && ok;
      if (!ok || !arity(h->params.size(), h->params.size())) return false;
      for (std::size_t i = 0; i < argc; ++i) {
        const Node& a = *n.children[i];
        const Type want = h->params[i];
        const bool fits = a.type == Type::null || a.type == want ||
                          (is_plain(a.type) && is_plain(want)) ||
                          (is_plain(a.type) && adapts(a, want));
        if (!fits) {
          if (is_plain(a.type) && unit_literal_error(a, want)) return false;
          error("E0206",
                "argument " + std::to_string(i + 1) + " of `" + n.text + "` must be " +
                    std::string(name_of(want)) + ", found " + std::string(name_of(a.type)),
                a.range);
          return false;
        }
      }
      n.host = true;
      n.slot = static_cast<std::int32_t>(h - host->functions().data());
      n.type = h->result;
      return true;
    }
    std::vector<std::string> candidates;
    for (auto f : builtin_function_names())
      candidates.emplace_back(f);
    if (host)
      for (const auto& f : host->functions())
        candidates.push_back(f.name);
    const std::string near = closest_name(n.text, candidates);
    error("E0103", "unknown function `" + n.text + "`", name_range,
          near.empty() ? "" : "did you mean `" + near + "`?");
    return false;
  }
  n.slot = static_cast<std::int32_t>(*b);
  // In a `kpi`, outside aggregates, min(x) and max(x) of one argument are aggregates too.
  const bool extreme = (*b == Builtin::min || *b == Builtin::max) && argc == 1 &&
                       aggregate_context && !in_aggregate;
  if (extreme) {
    if (!check(*n.children[0], true)) return false;
    const Node& a = *n.children[0];
    if (!is_numeric(a.type)) {
      error("E0206",
            "`" + n.text + "` needs a number, duration, ratio, points or time, found " +
                std::string(name_of(a.type)),
            a.range);
      return false;
    }
    n.type = a.type;
    return true;
  }
  if (is_aggregate(*b)) {
    if (!aggregate_context || in_aggregate) {
      error("E0110",
            "aggregate function `" + n.text + "` is only allowed in a `kpi` over record fields",
            name_range);
      return false;
    }
    if (!arity(1, 1)) return false;
    if (!check(*n.children[0], true)) return false;
    const Node& a = *n.children[0];
    if (*b == Builtin::count) {
      if (!expect_bool(a, "the argument of `count`")) return false;
      n.type = Type::integer;
    } else {
      if (!(is_numeric(a.type) && a.type != Type::time) && a.type != Type::boolean) {
        error("E0206",
              "`" + n.text + "` needs a number, duration, ratio or points, found " +
                  std::string(name_of(a.type)),
              a.range);
        return false;
      }
      n.type = a.type == Type::boolean
                   ? (*b == Builtin::mean ? Type::ratio : Type::integer)
                   : (*b == Builtin::mean && a.type == Type::integer ? Type::number : a.type);
    }
    return true;
  }
  bool ok = true;
  for (auto& c : n.children)
    ok = check(*c, in_aggregate) && ok;
  if (!ok) return false;
  auto numeric_arg = [&](const Node& a) {
    if (a.type == Type::null || (is_numeric(a.type) && a.type != Type::time)) return true;
    error("E0206",
          "`" + n.text + "` needs a number, duration, ratio or points, found " +
              std::string(name_of(a.type)),
          a.range);
    return false;
  };
  auto string_arg = [&](const Node& a) {
    if (a.type == Type::null || a.type == Type::string) return true;
    error("E0206", "`" + n.text + "` needs a string, found " + std::string(name_of(a.type)),
          a.range);
    return false;
  };
  auto common_all = [&](std::size_t from) -> std::optional<Type> {
    // The common type of the arguments; a plain literal is judged against the typed ones.
    const Node* typed = nullptr;
    for (std::size_t i = from; i < argc; ++i)
      if (!n.children[i]->plain_literal && n.children[i]->type != Type::null)
        typed = n.children[i].get();
    if (!typed) typed = n.children[from].get();
    Type t = typed->type;
    for (std::size_t i = from; i < argc; ++i) {
      auto c = common(*typed, *n.children[i], "mix", n.children[i]->range);
      if (!c) return std::nullopt;
      if (t == Type::null || (t == Type::integer && *c == Type::number)) t = *c;
    }
    return t;
  };
  switch (*b) {
  case Builtin::min:
  case Builtin::max:
  case Builtin::clamp: {
    if (*b == Builtin::clamp ? !arity(3, 3) : !arity(2, SIZE_MAX)) return false;
    for (auto& c : n.children)
      if (!numeric_arg(*c)) return false;
    auto t = common_all(0);
    if (!t) return false;
    n.type = *t;
    return true;
  }
  case Builtin::abs:
  case Builtin::floor:
  case Builtin::ceil:
    if (!arity(1, 1) || !numeric_arg(*n.children[0])) return false;
    n.type = n.children[0]->type;
    return true;
  case Builtin::round:
    if (!arity(1, 2) || !numeric_arg(*n.children[0])) return false;
    if (argc == 2) {
      const Node& d = *n.children[1];
      if (!(d.kind == NodeKind::literal && d.type == Type::integer) &&
          !(d.kind == NodeKind::unary && d.plain_literal && d.type == Type::integer)) {
        error("E0206", "the digits of `round` must be a whole number literal", d.range);
        return false;
      }
      if (d.number < -15 || d.number > 15) {
        error("E0206", "the digits of `round` must be within -15..15", d.range);
        return false;
      }
    }
    n.type = n.children[0]->type;
    return true;
  case Builtin::coalesce: {
    if (!arity(1, SIZE_MAX)) return false;
    auto t = common_all(0);
    if (!t) return false;
    n.type = *t;
    return true;
  }
  case Builtin::lower:
  case Builtin::upper:
    if (!arity(1, 1) || !string_arg(*n.children[0])) return false;
    n.type = Type::string;
    return true;
  case Builtin::starts_with:
  case Builtin::ends_with:
  case Builtin::contains:
    if (!arity(2, 2) || !string_arg(*n.children[0]) || !string_arg(*n.children[1])) return false;
    n.type = Type::boolean;
    return true;
  default:
    break;
  }
  return false;
}

bool is_constant(const Node& n) {
  if (n.kind == NodeKind::name) return false;
  if (n.kind == NodeKind::call) {
    auto b = builtin_of(n.text);
    if (!b || *b == Builtin::count || *b == Builtin::sum || *b == Builtin::mean) return false;
  }
  for (const auto& c : n.children)
    if (!is_constant(*c)) return false;
  return true;
}

} // namespace kpiscore::dsl::detail
