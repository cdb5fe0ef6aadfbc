// Units, dates, conditions and targets of scorecard specs (include/kpiscore/scoring/).
#include <kpiscore/scoring/condition.hpp>
#include <kpiscore/scoring/indicator_rule.hpp>
#include <kpiscore/scoring/penalty.hpp>
#include <kpiscore/scoring/scorecard.hpp>
#include <kpiscore/scoring/target.hpp>
#include <kpiscore/scoring/units.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace kpiscore::scoring {
namespace {

using json = nlohmann::json;

std::string json_quoted(const json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

/// A finite number at the start of `s`; the rest is returned in `rest`.
std::optional<double> leading_number(std::string_view s, std::string_view& rest) {
  double x = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), x);
  if (r.ec != std::errc{} || !std::isfinite(x)) return std::nullopt;
  rest = s.substr(static_cast<std::size_t>(r.ptr - s.data()));
  return x;
}

} // namespace

std::string_view name_of(Unit u) noexcept {
  switch (u) {
  case Unit::seconds: return "seconds";
  case Unit::ratio: return "ratio";
  default: return "number";
  }
}

std::optional<Unit> unit_from_name(std::string_view n) noexcept {
  if (n == "seconds") return Unit::seconds;
  if (n == "ratio") return Unit::ratio;
  if (n == "number") return Unit::number;
  return std::nullopt;
}

Unit unit_of(KpiKind k) noexcept {
  switch (k) {
  case KpiKind::mean_seconds:
  case KpiKind::quantile_seconds: return Unit::seconds;
  case KpiKind::ratio: return Unit::ratio;
  default: return Unit::number;
  }
}

double parse_quantity(const json& v, Unit u, const std::string& path, bool allow_negative) {
  switch (u) {
  case Unit::seconds: {
    const char* expected = "expected a duration: seconds or a string such as \"30s\", \"5min\"";
    double s = 0;
    if (v.is_number()) s = v.get<double>();
    else if (v.is_string()) {
      const auto text = v.get<std::string>();
      std::string_view rest;
      const auto x = leading_number(text, rest);
      if (!x) throw SpecError(path, std::string(expected) + ", actual " + json_quoted(v));
      if (rest == "ms") s = *x / 1000.0;
      else if (rest == "s") s = *x;
      else if (rest == "min") s = *x * 60.0;
      else if (rest == "h") s = *x * 3600.0;
      else if (rest == "%")
        throw SpecError(path, "expected a duration, actual a percentage " + json_quoted(v));
      else
        throw SpecError(path, "unknown duration unit in " + json_quoted(v) + " (expected ms, s, min or h)");
    } else
      throw SpecError(path, std::string(expected) + ", actual " + json_quoted(v));
    if (!std::isfinite(s) || s < 0) throw SpecError(path, "expected a non-negative duration, actual " + json_quoted(v));
    return s;
  }
  case Unit::ratio: {
    double r = 0;
    if (v.is_number()) {
      r = v.get<double>();
      if (!std::isfinite(r) || r > 1 || r < -1)
        throw SpecError(path, "expected a fraction 0..1 or a percentage such as \"85%\", actual " + json_quoted(v));
    } else if (v.is_string()) {
      const auto text = v.get<std::string>();
      std::string_view rest;
      const auto x = leading_number(text, rest);
      if (!x || rest != "%")
        throw SpecError(path, "expected a fraction 0..1 or a percentage such as \"85%\", actual " + json_quoted(v));
      r = *x / 100.0;
    } else
      throw SpecError(path, "expected a fraction 0..1 or a percentage such as \"85%\", actual " + json_quoted(v));
    if (r < 0 && !allow_negative) throw SpecError(path, "expected a non-negative ratio, actual " + json_quoted(v));
    return r;
  }
  default: {
    if (!v.is_number()) {
      if (v.is_string()) {
        const auto text = v.get<std::string>();
        std::string_view rest;
        if (leading_number(text, rest) && !rest.empty())
          throw SpecError(path, "expected a plain number (this KPI has no unit), actual " + json_quoted(v));
      }
      throw SpecError(path, "expected a number, actual " + json_quoted(v));
    }
    const double x = v.get<double>();
    if (!std::isfinite(x)) throw SpecError(path, "expected a finite number");
    if (x < 0 && !allow_negative) throw SpecError(path, "expected a non-negative number, actual " + json_quoted(v));
    return x;
  }
  }
}

double parse_weight(const json& v, const std::string& path) {
  if (v.is_number()) {
    const double w = v.get<double>();
    if (!std::isfinite(w) || w < 0)
      throw SpecError(path, "expected a non-negative weight such as \"30%\" or 0.3, actual " + json_quoted(v));
    return w;
  }
  if (v.is_string()) {
    const auto text = v.get<std::string>();
    std::string_view rest;
    const auto x = leading_number(text, rest);
    if (x && rest == "%" && *x >= 0) return *x / 100.0;
  }
  throw SpecError(path, "expected a non-negative weight such as \"30%\" or 0.3, actual " + json_quoted(v));
}

double parse_points(const json& v, const std::string& path, bool allow_negative) {
  if (!v.is_number()) throw SpecError(path, "expected a number of points, actual " + json_quoted(v));
  const double x = v.get<double>();
  if (!std::isfinite(x) || (x < 0 && !allow_negative))
    throw SpecError(path, "expected a non-negative number of points, actual " + json_quoted(v));
  return x;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "null";
  if (v == 0) return "0";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string format_quantity(double v, Unit u) {
  if (std::isnan(v)) return "null";
  switch (u) {
  case Unit::seconds:
    if (v >= 60 && std::fmod(v, 60.0) == 0) return format_number(v / 60.0) + "min";
    return format_number(v) + "s";
  case Unit::ratio: {
    // Percent with up to 10 significant digits: 0.85 → "85%", not "85.00000000000001%".
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v * 100.0);
    return std::string(buf) + "%";
  }
  default: return format_number(v);
  }
}

std::optional<std::int32_t> parse_date(std::string_view t) noexcept {
  auto num = [&](std::size_t at, std::size_t n) -> int {
    int x = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      x = x * 10 + (t[i] - '0');
    }
    return x;
  };
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  const int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<std::int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

std::string format_date(std::int32_t days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<std::int32_t> period_start_day(std::string_view label) noexcept {
  using namespace std::chrono;
  if (label.size() == 8 && label[4] == '-' && label[5] == 'W') {
    // ISO week: the Monday of week 1 is the Monday on or before January 4.
    int y = 0, w = 0;
    for (std::size_t i : {0u, 1u, 2u, 3u}) {
      if (label[i] < '0' || label[i] > '9') return std::nullopt;
      y = y * 10 + (label[i] - '0');
    }
    for (std::size_t i : {6u, 7u}) {
      if (label[i] < '0' || label[i] > '9') return std::nullopt;
      w = w * 10 + (label[i] - '0');
    }
    if (w < 1 || w > 53) return std::nullopt;
    const sys_days jan4{year{y} / January / 4};
    const sys_days monday = jan4 - (weekday{jan4} - Monday);
    return static_cast<std::int32_t>((monday + weeks{w - 1}).time_since_epoch().count());
  }
  if (label.size() == 7) return parse_date(std::string(label) + "-01");
  if (label.size() >= 10 && (label.size() == 10 || label[10] == 'T')) return parse_date(label.substr(0, 10));
  return std::nullopt;
}

std::string_view name_of(CompareOp op) noexcept {
  switch (op) {
  case CompareOp::lt: return "<";
  case CompareOp::le: return "<=";
  case CompareOp::gt: return ">";
  case CompareOp::ge: return ">=";
  case CompareOp::eq: return "==";
  case CompareOp::ne: return "!=";
  default: return "in";
  }
}

Truth evaluate(const Condition& c, const GroupView& g) {
  switch (c.kind) {
  case Condition::Kind::all: {
    Truth t = Truth::yes;
    for (const auto& p : c.parts) {
      const Truth x = evaluate(p, g);
      if (x == Truth::no) return Truth::no;
      if (x == Truth::unknown) t = Truth::unknown;
    }
    return t;
  }
  case Condition::Kind::any: {
    Truth t = Truth::no;
    for (const auto& p : c.parts) {
      const Truth x = evaluate(p, g);
      if (x == Truth::yes) return Truth::yes;
      if (x == Truth::unknown) t = Truth::unknown;
    }
    return t;
  }
  case Condition::Kind::negate: {
    const Truth x = evaluate(c.parts.front(), g);
    return x == Truth::unknown ? x : (x == Truth::yes ? Truth::no : Truth::yes);
  }
  case Condition::Kind::kpi: {
    const auto v = g.kpi(c.slot);
    if (!v) return Truth::unknown;
    bool r = false;
    switch (c.op) {
    case CompareOp::lt: r = *v < c.number; break;
    case CompareOp::le: r = *v <= c.number; break;
    case CompareOp::gt: r = *v > c.number; break;
    case CompareOp::ge: r = *v >= c.number; break;
    case CompareOp::eq: r = *v == c.number; break;
    case CompareOp::ne: r = *v != c.number; break;
    case CompareOp::in: r = false; break;
    }
    return r ? Truth::yes : Truth::no;
  }
  case Condition::Kind::key: {
    const auto* k = g.key(c.slot);
    if (!k || !*k) return Truth::unknown;
    bool found = false;
    for (const auto& l : c.labels) found = found || l == **k;
    return (c.op == CompareOp::ne ? !found : found) ? Truth::yes : Truth::no;
  }
  }
  return Truth::unknown;
}

std::size_t key_leaves(const Condition& c) noexcept {
  if (c.kind == Condition::Kind::key) return 1;
  std::size_t n = 0;
  for (const auto& p : c.parts) n += key_leaves(p);
  return n;
}

int Target::resolve(const GroupView& g, std::optional<std::int32_t> day) const {
  int best = -1;
  std::size_t best_spec = 0;
  std::int64_t best_from = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const TargetEntry& e = entries[i];
    if (e.from || e.until) {
      if (!day) continue;
      if (e.from && *day < *e.from) continue;
      if (e.until && *day >= *e.until) continue;
    }
    if (e.when && evaluate(*e.when, g) != Truth::yes) continue;
    const std::size_t spec = e.when ? key_leaves(*e.when) + 1 : 0;
    const std::int64_t from = e.from ? *e.from : INT64_MIN;
    if (best < 0 || spec > best_spec || (spec == best_spec && from >= best_from)) {
      best = static_cast<int>(i);
      best_spec = spec;
      best_from = from;
    }
  }
  return best;
}

std::string IndicatorRule::describe(Unit u, Direction d) const {
  const char* side = d == Direction::lower_is_better ? "over" : "short of";
  std::string s;
  switch (type) {
  case Type::deduct:
    s = format_number(points) + " points per " + format_quantity(per, u) + " " + side + " target (" +
        (rounding == StepRounding::none    ? "continuous"
         : rounding == StepRounding::floor ? "whole steps"
                                           : "started steps") +
        ")";
    break;
  case Type::value: s = "value as score (x" + format_number(scale) + ")"; break;
  case Type::proportional:
    s = d == Direction::lower_is_better ? "target/value x 100" : "value/target x 100";
    break;
  case Type::tiers: {
    s = "tiers:";
    for (const Tier& t : tiers) {
      s += " [";
      if (std::isfinite(t.lo)) s += (t.lo_open ? ">" : ">=") + format_quantity(t.lo, u);
      if (std::isfinite(t.lo) && std::isfinite(t.hi)) s += " ";
      if (std::isfinite(t.hi)) s += (t.hi_open ? "<" : "<=") + format_quantity(t.hi, u);
      if (!std::isfinite(t.lo) && !std::isfinite(t.hi)) s += "otherwise";
      s += " -> " + format_number(t.score) + "]";
    }
    break;
  }
  case Type::bands: {
    s = "piecewise linear through";
    for (const auto& [x, y] : bands) s += " (" + format_quantity(x, u) + ", " + format_number(y) + ")";
    break;
  }
  }
  if (floor != 0 || cap != 100) s += ", within [" + format_number(floor) + ", " + format_number(cap) + "]";
  return s;
}

std::string_view name_of(Penalty::Level l) noexcept {
  switch (l) {
  case Penalty::Level::indicator: return "indicator";
  case Penalty::Level::dimension: return "dimension";
  default: return "overall";
  }
}

std::string_view name_of(NaReason r) noexcept {
  switch (r) {
  case NaReason::none: return "none";
  case NaReason::null_value: return "null_value";
  case NaReason::too_few_observations: return "too_few_observations";
  case NaReason::no_target: return "no_target";
  default: return "missing_kpi";
  }
}

} // namespace kpiscore::scoring
