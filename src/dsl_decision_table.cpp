// Decision tables (include/kpiscore/dsl/decision_table.hpp; docs/rules.md, "Decision tables"):
// FEEL simple unary tests, DMN 1.3 hit policies, compile-time gap/overlap/shadow checks over
// elementary segments, and indexed batch evaluation.
//
// The elementary segments of a numeric column: with the sorted distinct finite interval ends
// b0 < b1 < ... < bk-1, the real line splits into (-inf, b0), {b0}, (b0, b1), {b1}, ...,
// {bk-1}, (bk-1, +inf): 2k + 1 segments, numbered so that segment 2i + 1 is the point bi. Every
// entry of the column is a union of whole segments (its ends are among the b's), so a value's
// matching rules depend only on its segment; a string column's segments are its labels plus
// "any other label". Checking and evaluation both work on segments: per (column, segment) the
// bitset of rules whose entry covers it; a row's candidates are the AND over its columns.
// Exact gap detection is then a search over products of segments (deduplicated by candidate
// bitset), not a sampling of points.
#include <kpiscore/dsl/decision_table.hpp>
#include <kpiscore/dsl/diagnostic.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_set>

namespace kpiscore::dsl {

using json = nlohmann::json;

std::string_view name_of(HitPolicy p) noexcept {
  switch (p) {
  case HitPolicy::unique:
    return "unique";
  case HitPolicy::first:
    return "first";
  case HitPolicy::priority:
    return "priority";
  default:
    return "collect";
  }
}

std::string_view name_of(Aggregation a) noexcept {
  switch (a) {
  case Aggregation::sum:
    return "sum";
  case Aggregation::min:
    return "min";
  case Aggregation::max:
    return "max";
  case Aggregation::count:
    return "count";
  default:
    return "none";
  }
}

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string tick(std::string_view s) {
  return "`" + std::string(s) + "`";
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

/// A value for people, in the column's unit.
std::string value_text(double v, Type t) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (t == Type::duration) return number_text(v) + "s";
  if (t == Type::ratio) return number_text(v * 100.0) + "%";
  return number_text(v);
}

bool numeric(Type t) {
  return t != Type::string;
}

std::string unit_word(Type t) {
  switch (t) {
  case Type::duration:
    return "a duration";
  case Type::ratio:
    return "a ratio";
  case Type::string:
    return "a string";
  default:
    return "a number";
  }
}

/// A literal of a cell: a number with an optional unit (`90`, `85%`, `30s`, `1h30m`), or a
/// quoted string. Units: ms, s, min (or m), h, d; durations are seconds, percentages fractions.
struct Literal {
  enum class Kind : std::uint8_t { plain, percent, duration, string } kind = Kind::plain;
  double value = 0;
  std::string text; ///< the string's content
};

class CellParser {
public:
  CellParser(std::string_view s, Type t) : s_(s), t_(t) {}

  UnaryTest unary() {
    UnaryTest u;
    u.text = std::string(trimmed());
    skip();
    if (i_ < s_.size() && s_[i_] == '-' && rest_is_blank(i_ + 1)) {
      u.any = true;
      return u;
    }
    if (s_.compare(i_, 3, "not") == 0) {
      std::size_t j = i_ + 3;
      while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t'))
        ++j;
      if (j < s_.size() && s_[j] == '(') {
        i_ = j + 1;
        u.negated = true;
        list(u);
        skip();
        if (i_ >= s_.size() || s_[i_] != ')') fail("E0601", "expected `)` to close `not(`");
        ++i_;
        skip();
        if (i_ < s_.size()) fail("E0601", "unexpected text after `not(...)`");
        return u;
      }
    }
    if (i_ >= s_.size()) fail("E0601", "an empty input entry; write `-` for any value");
    list(u);
    skip();
    if (i_ < s_.size())
      fail("E0601", "unexpected " + tick(s_.substr(i_, 1)) + " in an input entry");
    return u;
  }

  /// An output entry: one literal and nothing after it.
  Literal output() {
    skip();
    Literal l = literal();
    skip();
    if (i_ < s_.size()) fail("E0601", "unexpected text after the output value");
    return l;
  }

  double in_unit(const Literal& l) const {
    switch (t_) {
    case Type::duration:
      if (l.kind == Literal::Kind::duration) return l.value;
      if (l.kind == Literal::Kind::plain)
        fail2("E0602", "a number without a unit where a duration is expected",
              "did you mean " + tick(number_text(l.value) + "s") + "?");
      break;
    case Type::ratio:
      if (l.kind == Literal::Kind::percent) return l.value;
      if (l.kind == Literal::Kind::plain) {
        if (l.value >= -1 && l.value <= 1) return l.value;
        fail2("E0602", "a number above 1 where a ratio is expected",
              "did you mean " + tick(number_text(l.value) + "%") + "?");
      }
      break;
    case Type::string:
      if (l.kind == Literal::Kind::string) return 0;
      break;
    default:
      if (l.kind == Literal::Kind::plain) return l.value;
      break;
    }
    const char* what = l.kind == Literal::Kind::string     ? "a string"
                       : l.kind == Literal::Kind::percent  ? "a percentage"
                       : l.kind == Literal::Kind::duration ? "a duration"
                                                           : "a number";
    std::string hint;
    if (t_ == Type::string && l.kind != Literal::Kind::string)
      hint = "strings are quoted: `\"phone\"`";
    fail2("E0602", std::string(what) + " where " + unit_word(t_) + " is expected", hint);
  }

private:
  std::string_view s_;
  Type t_;
  std::size_t i_ = 0;

  [[noreturn]] void fail(const char* code, std::string m) const {
    throw TableError(code, "", std::move(m));
  }
  [[noreturn]] void fail2(const char* code, std::string m, const std::string& hint) const {
    throw TableError(code, "", hint.empty() ? std::move(m) : m + " (" + hint + ")");
  }

  std::string_view trimmed() const {
    const auto b = s_.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    const auto e = s_.find_last_not_of(" \t");
    return s_.substr(b, e - b + 1);
  }
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t'))
      ++i_;
  }
  bool rest_is_blank(std::size_t j) const {
    for (; j < s_.size(); ++j)
      if (s_[j] != ' ' && s_[j] != '\t') return false;
    return true;
  }

  void list(UnaryTest& u) {
    for (;;) {
      skip();
      item(u);
      skip();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      return;
    }
  }

  void item(UnaryTest& u) {
    skip();
    if (i_ >= s_.size()) fail("E0601", "expected a value after `,`");
    const char c = s_[i_];
    if (c == '-' &&
        (i_ + 1 >= s_.size() || s_[i_ + 1] == ',' || s_[i_ + 1] == ' ' || s_[i_ + 1] == ')'))
      fail("E0601", "`-` (any value) stands alone, not in a list");
    if (c == '<' || c == '>' || c == '=' || c == '!') {
      std::string op(1, c);
      ++i_;
      if (i_ < s_.size() && s_[i_] == '=' && c != '=') {
        op += '=';
        ++i_;
      }
      if (op == "!" || op == "!=") {
        std::string_view rest = s_.substr(i_);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
          rest.remove_prefix(1);
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t'))
          rest.remove_suffix(1);
        fail2("E0601", "FEEL has no `!=` in an input entry",
              "write `not(" + std::string(rest) + ")`");
      }
      skip();
      const Literal l = literal();
      if (op == "=") {
        add_equal(u, l);
        return;
      }
      if (!numeric(t_)) fail("E0602", "ordering (" + tick(op) + ") of strings");
      const double x = in_unit(l);
      Interval iv;
      if (op == "<")
        iv.hi = x;
      else if (op == "<=")
        iv = {-inf, x, false, true};
      else if (op == ">")
        iv.lo = x;
      else
        iv = {x, inf, true, false};
      u.intervals.push_back(iv);
      return;
    }
    if ((c == '[' || c == '(' || c == ']') && numeric(t_)) {
      ++i_;
      skip();
      const double lo = in_unit(literal());
      skip();
      if (s_.compare(i_, 2, "..") != 0)
        fail("E0601", "expected `..` in an interval such as `[80..90)`");
      i_ += 2;
      skip();
      const double hi = in_unit(literal());
      skip();
      if (i_ >= s_.size() || (s_[i_] != ']' && s_[i_] != ')' && s_[i_] != '['))
        fail("E0601", "expected `]` or `)` to close the interval");
      const char close = s_[i_++];
      Interval iv{lo, hi, c == '[', close == ']'};
      if (lo > hi || (lo == hi && !(iv.lo_closed && iv.hi_closed)))
        fail("E0601", "an empty interval (the lower end is not below the upper end)");
      u.intervals.push_back(iv);
      return;
    }
    add_equal(u, literal());
  }

  void add_equal(UnaryTest& u, const Literal& l) {
    const double x = in_unit(l);
    if (t_ == Type::string)
      u.labels.push_back(l.text);
    else
      u.intervals.push_back({x, x, true, true});
  }

  Literal literal() {
    skip();
    if (i_ >= s_.size()) fail("E0601", "expected a value");
    Literal l;
    if (s_[i_] == '"') {
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
          const char e = s_[i_ + 1];
          if (e != '"' && e != '\\')
            fail("E0601", "unknown escape in a string (only \\\" and \\\\)");
          l.text += e;
          i_ += 2;
        } else
          l.text += s_[i_++];
      }
      if (i_ >= s_.size()) fail("E0601", "unterminated string");
      ++i_;
      l.kind = Literal::Kind::string;
      return l;
    }
    auto number = [&]() -> double {
      const std::size_t nb = i_;
      if (i_ < s_.size() && (s_[i_] == '-' || s_[i_] == '+')) ++i_;
      bool digits = false;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
        ++i_;
        digits = true;
      }
      if (i_ + 1 < s_.size() && s_[i_] == '.' &&
          std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) {
        ++i_;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])))
          ++i_;
        digits = true;
      }
      if (digits && i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
        std::size_t j = i_ + 1;
        if (j < s_.size() && (s_[j] == '-' || s_[j] == '+')) ++j;
        if (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) {
          i_ = j;
          while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])))
            ++i_;
        }
      }
      if (!digits) {
        std::size_t e = nb;
        while (e < s_.size() && s_[e] != ',' && s_[e] != ' ' && s_[e] != ')' && s_[e] != ']')
          ++e;
        if (t_ == Type::string)
          fail2("E0601", "expected a quoted string",
                "did you mean " + tick("\"" + std::string(s_.substr(nb, e - nb)) + "\"") + "?");
        fail("E0601", "expected a number or a quoted string, actual " +
                          tick(s_.substr(nb, std::max<std::size_t>(e - nb, 1))));
      }
      double x = 0;
      const std::string part(s_.substr(nb, i_ - nb));
      const char* p = part.c_str() + (part[0] == '+' ? 1 : 0);
      const auto r = std::from_chars(p, part.c_str() + part.size(), x);
      if (r.ec != std::errc{} || !std::isfinite(x)) fail("E0601", "a number out of range");
      return x;
    };
    double x = number();
    auto unit = [&]() {
      const std::size_t ub = i_;
      while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_])))
        ++i_;
      return s_.substr(ub, i_ - ub);
    };
    if (i_ < s_.size() && s_[i_] == '%') {
      ++i_;
      l.kind = Literal::Kind::percent;
      l.value = x / 100.0;
      return l;
    }
    std::string_view u = unit();
    if (u.empty()) {
      l.value = x;
      return l;
    }
    double total = 0;
    for (;;) {
      double f = 0;
      if (u == "ms")
        f = 0.001;
      else if (u == "s")
        f = 1;
      else if (u == "min" || u == "m")
        f = 60;
      else if (u == "h")
        f = 3600;
      else if (u == "d")
        f = 86400;
      else
        fail2("E0601", "unknown unit " + tick(u),
              "durations are written with ms, s, min (or m), h or d: `30s`, `5min`, `1h30m`");
      total += x * f;
      if (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
        x = number();
        u = unit();
        if (u.empty()) fail("E0601", "a duration part needs a unit, e.g. `1h30m`");
        continue;
      }
      break;
    }
    l.kind = Literal::Kind::duration;
    l.value = total;
    return l;
  }
};

} // namespace

UnaryTest parse_unary_test(std::string_view text, Type t) {
  return CellParser(text, t).unary();
}

bool UnaryTest::matches(double x) const noexcept {
  if (any) return true;
  if (std::isnan(x)) return false;
  bool in = false;
  for (const auto& iv : intervals)
    in = in || iv.contains(x);
  return in != negated;
}

bool UnaryTest::matches(std::string_view s) const noexcept {
  if (any) return true;
  bool in = false;
  for (const auto& l : labels)
    in = in || l == s;
  return in != negated;
}

// ---------------------------------------------------------------------------------------------
// The index.

struct DecisionTable::Index {
  std::size_t rules = 0, words = 0;
  struct Col {
    bool numeric = true;
    std::vector<double> bounds;      ///< numeric: sorted distinct finite ends
    std::vector<std::string> labels; ///< string: sorted distinct labels
    std::size_t segments = 0;        ///< without the null segment (index `segments`)
    std::vector<std::uint64_t> bits; ///< (segments + 1) × words
    std::vector<std::uint8_t> empty; ///< an open segment between adjacent doubles
    std::vector<std::vector<std::uint32_t>> nonzero; ///< per segment: its non-zero words
    const std::uint64_t* seg(std::size_t s, std::size_t words) const {
      return bits.data() + s * words;
    }

    std::size_t segment_of(double x) const noexcept {
      if (std::isnan(x)) return segments;
      const auto k = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), x) -
                                              bounds.begin());
      return k < bounds.size() && bounds[k] == x ? 2 * k + 1 : 2 * k;
    }
    std::size_t segment_of(std::string_view s) const noexcept {
      const auto it = std::lower_bound(
          labels.begin(), labels.end(), s,
          [](const std::string& a, std::string_view b) { return std::string_view(a) < b; });
      return it != labels.end() && *it == s ? static_cast<std::size_t>(it - labels.begin())
                                            : labels.size();
    }
    /// A value inside the segment, for messages.
    std::string example(std::size_t s, Type t) const {
      if (!numeric) return s < labels.size() ? "\"" + labels[s] + "\"" : "(any other value)";
      const std::size_t k = s / 2;
      if (s % 2 == 1) return value_text(bounds[k], t);
      const double lo = k == 0 ? -inf : bounds[k - 1];
      const double hi = k == bounds.size() ? inf : bounds[k];
      double x = 0;
      if (std::isinf(lo) && std::isinf(hi))
        x = 0;
      else if (std::isinf(lo))
        x = hi - std::max(1.0, std::abs(hi));
      else if (std::isinf(hi))
        x = lo + std::max(1.0, std::abs(lo));
      else
        x = lo + (hi - lo) / 2;
      // Name the open interval too: the example is one of its points.
      std::string range = "(" + (std::isinf(lo) ? std::string("-inf") : value_text(lo, t)) + ".." +
                          (std::isinf(hi) ? std::string("inf") : value_text(hi, t)) + ")";
      return value_text(x, t) + " (any value in " + range + ")";
    }
  };
  std::vector<Col> cols;
  std::vector<std::uint64_t> all; ///< every rule
};

namespace {

using Index = DecisionTable::Index;

void set_bit(std::uint64_t* w, std::size_t i) {
  w[i / 64] |= std::uint64_t{1} << (i % 64);
}
bool get_bit(const std::uint64_t* w, std::size_t i) {
  return (w[i / 64] >> (i % 64)) & 1u;
}

/// The segments (ranges [first, last]) a numeric test covers, null excluded.
std::vector<std::pair<std::size_t, std::size_t>> numeric_ranges(const UnaryTest& u,
                                                                const Index::Col& c) {
  std::vector<std::pair<std::size_t, std::size_t>> r;
  const std::size_t last = c.segments - 1;
  if (u.any) return {{0, last}};
  auto pos = [&](double x) {
    return static_cast<std::size_t>(std::lower_bound(c.bounds.begin(), c.bounds.end(), x) -
                                    c.bounds.begin());
  };
  for (const auto& iv : u.intervals) {
    const std::size_t a = std::isinf(iv.lo) ? 0 : 2 * pos(iv.lo) + (iv.lo_closed ? 1 : 2);
    const std::size_t b = std::isinf(iv.hi) ? last : 2 * pos(iv.hi) + (iv.hi_closed ? 1 : 0);
    if (a <= b) r.emplace_back(a, b);
  }
  std::sort(r.begin(), r.end());
  if (!u.negated) return r;
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t next = 0;
  for (const auto& [a, b] : r) {
    if (a > next) out.emplace_back(next, a - 1);
    next = std::max(next, b + 1);
  }
  if (next <= last) out.emplace_back(next, last);
  return out;
}

} // namespace

std::optional<std::size_t> DecisionTable::output_index(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < outputs_.size(); ++i)
    if (outputs_[i].name == name) return i;
  return std::nullopt;
}

DecisionTable DecisionTable::compile(const json& j, const TableScope& scope,
                                     std::vector<TableError>* errors) {
  return compile(j, scope, Options{}, errors);
}

namespace {

/// The checks of a compiled table: gaps, UNIQUE overlaps, FIRST/PRIORITY shadowing.
class Checker {
public:
  Checker(const DecisionTable& t, const Index& ix, const std::vector<std::uint32_t>& rank,
          std::size_t budget, std::vector<TableError>& errors)
      : t_(t), ix_(ix), rank_(rank), budget_(budget), errors_(errors), W_(ix.words) {
    segs_.resize(ix.cols.size());
    any_.resize(ix.cols.size());
    all_segs_.resize(ix.cols.size());
  }

  bool run() {
    try {
      prepare();
      if (!t_.allow_gaps()) gaps();
      if (t_.hit_policy() == HitPolicy::unique) overlaps();
      if (t_.hit_policy() == HitPolicy::first || t_.hit_policy() == HitPolicy::priority) shadows();
    } catch (const TableError& e) {
      errors_.push_back(e);
      return false;
    }
    return true;
  }

private:
  /// Per column and rule: the non-empty segments its entry covers (`-`: flagged, not listed),
  /// from the entry's ranges (work proportional to the output, within the budget).
  void prepare() {
    for (std::size_t c = 0; c < ix_.cols.size(); ++c) {
      const Index::Col& col = ix_.cols[c];
      segs_[c].resize(ix_.rules);
      any_[c].resize(ix_.rules);
      for (std::size_t r = 0; r < ix_.rules; ++r) {
        const UnaryTest& u = t_.rules()[r].inputs[c];
        any_[c][r] = u.any;
        if (u.any) continue;
        if (col.numeric) {
          for (const auto& [a, b] : numeric_ranges(u, col)) {
            spend(b - a + 1);
            for (std::size_t s = a; s <= b; ++s)
              if (!col.empty[s]) segs_[c][r].push_back(static_cast<std::uint32_t>(s));
          }
        } else {
          spend(col.segments);
          for (std::size_t s = 0; s < col.segments; ++s)
            if (get_bit(col.seg(s, W_), r)) segs_[c][r].push_back(static_cast<std::uint32_t>(s));
        }
      }
      spend(col.segments);
      for (std::size_t s = 0; s < col.segments; ++s)
        if (!col.empty[s]) all_segs_[c].push_back(static_cast<std::uint32_t>(s));
    }
  }

  const DecisionTable& t_;
  const Index& ix_;
  const std::vector<std::uint32_t>& rank_;
  std::size_t budget_;
  std::vector<TableError>& errors_;
  std::size_t W_;
  std::vector<std::vector<std::vector<std::uint32_t>>> segs_;
  std::vector<std::vector<std::uint8_t>> any_;
  std::vector<std::vector<std::uint32_t>> all_segs_;
  std::unordered_set<std::string> seen_;

  void spend(std::size_t n) {
    if (n > budget_)
      throw TableError("E0608", "",
                       "the table is too large to check for gaps and overlaps within the budget (" +
                           std::to_string(ix_.rules) + " rules, " +
                           std::to_string(ix_.cols.size()) + " inputs)");
    budget_ -= n;
  }

  const std::vector<std::uint32_t>& domain(std::size_t c, std::optional<std::size_t> box) const {
    if (!box || any_[c][*box]) return all_segs_[c];
    return segs_[c][*box];
  }

  /// Finds an input combination (one segment per column, within `box`'s entries when given)
  /// that no rule of `cand` matches; path receives it. Deduplicated by (column, candidates).
  bool uncovered(std::size_t c, const std::vector<std::uint64_t>& cand,
                 std::optional<std::size_t> box, std::vector<std::uint32_t>& path) {
    if (c == ix_.cols.size()) return false;
    std::string key(reinterpret_cast<const char*>(cand.data()), cand.size() * 8);
    key += static_cast<char>(c);
    if (!seen_.insert(std::move(key)).second) return false;
    std::vector<std::uint64_t> next(W_);
    for (const std::uint32_t s : domain(c, box)) {
      spend(W_ + 1);
      const std::uint64_t* b = ix_.cols[c].seg(s, W_);
      bool anyb = false;
      for (std::size_t w = 0; w < W_; ++w) {
        next[w] = cand[w] & b[w];
        anyb = anyb || next[w] != 0;
      }
      path[c] = s;
      if (!anyb) {
        for (std::size_t k = c + 1; k < ix_.cols.size(); ++k)
          path[k] = domain(k, box).empty() ? 0 : domain(k, box).front();
        return true;
      }
      if (uncovered(c + 1, next, box, path)) return true;
    }
    return false;
  }

  std::string point(const std::vector<std::uint32_t>& path) const {
    std::string s;
    for (std::size_t c = 0; c < ix_.cols.size(); ++c)
      s += (c ? ", " : "") + t_.inputs()[c].name + " = " +
           ix_.cols[c].example(path[c], t_.inputs()[c].type);
    return s;
  }

  static std::string rule_list(const std::vector<std::size_t>& rs) {
    std::string s;
    const std::size_t shown = std::min<std::size_t>(rs.size(), 5);
    for (std::size_t i = 0; i < shown; ++i)
      s += (i ? ", " : "") + std::to_string(rs[i] + 1);
    if (rs.size() > shown) s += ", ...";
    return s;
  }

  void gaps() {
    if (ix_.cols.empty()) {
      if (ix_.rules == 0)
        errors_.emplace_back(
            "E0605", "",
            "the table has no rules: no input is matched (set allow_gaps to allow it)");
      return;
    }
    for (std::size_t c = 0; c < ix_.cols.size(); ++c)
      if (all_segs_[c].empty()) return;
    seen_.clear();
    std::vector<std::uint32_t> path(ix_.cols.size());
    if (uncovered(0, ix_.all, std::nullopt, path))
      errors_.emplace_back("E0605", "",
                           "the table has a gap: no rule matches " + point(path) +
                               " (add a rule, a last rule with `-`, or set allow_gaps)");
  }

  /// Rules other than r whose entries intersect r's in every column (bits of `mask` only).
  std::vector<std::uint64_t> intersecting(std::size_t r, std::vector<std::uint64_t> mask) {
    std::vector<std::uint64_t> col(W_);
    for (std::size_t c = 0; c < ix_.cols.size(); ++c) {
      if (any_[c][r]) continue;
      std::fill(col.begin(), col.end(), 0);
      for (const std::uint32_t s : segs_[c][r]) {
        spend(W_ + 1);
        const std::uint64_t* b = ix_.cols[c].seg(s, W_);
        for (std::size_t w = 0; w < W_; ++w)
          col[w] |= b[w];
      }
      for (std::size_t w = 0; w < W_; ++w)
        mask[w] &= col[w];
    }
    return mask;
  }

  static std::vector<std::size_t> bits_of(const std::vector<std::uint64_t>& m) {
    std::vector<std::size_t> out;
    for (std::size_t w = 0; w < m.size(); ++w)
      for (std::uint64_t x = m[w]; x; x &= x - 1)
        out.push_back(w * 64 + static_cast<std::size_t>(std::countr_zero(x)));
    return out;
  }

  void overlaps() {
    const std::size_t R = ix_.rules;
    std::vector<std::uint8_t> reported(R, 0);
    std::vector<std::pair<std::size_t, TableError>> found;
    for (std::size_t r = 0; r < R; ++r) {
      std::vector<std::uint64_t> later(W_, 0);
      for (std::size_t s = r + 1; s < R; ++s)
        set_bit(later.data(), s);
      for (std::size_t s : bits_of(intersecting(r, later))) {
        if (reported[s]) continue;
        reported[s] = 1;
        std::vector<std::uint32_t> path(ix_.cols.size());
        for (std::size_t c = 0; c < ix_.cols.size(); ++c)
          for (const std::uint32_t g : domain(c, r))
            if (get_bit(ix_.cols[c].seg(g, W_), s)) {
              path[c] = g;
              break;
            }
        found.emplace_back(
            s, TableError("E0606", "/rules/" + std::to_string(s),
                          "rules " + std::to_string(r + 1) + " and " + std::to_string(s + 1) +
                              " both match " + point(path) +
                              " (a unique table allows one match; narrow the entries, or use "
                              "first or priority)"));
      }
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& f : found)
      errors_.push_back(std::move(f.second));
  }

  void shadows() {
    const std::size_t R = ix_.rules;
    const bool priority = t_.hit_policy() == HitPolicy::priority;
    for (std::size_t r = 0; r < R; ++r) {
      std::vector<std::uint64_t> before(W_, 0);
      for (std::size_t s = 0; s < R; ++s)
        if (s != r && (priority ? (rank_[s] < rank_[r] || (rank_[s] == rank_[r] && s < r)) : s < r))
          set_bit(before.data(), s);
      const std::vector<std::uint64_t> cover = intersecting(r, before);
      if (std::all_of(cover.begin(), cover.end(), [](std::uint64_t w) { return w == 0; })) continue;
      bool empty_box = false;
      for (std::size_t c = 0; c < ix_.cols.size(); ++c)
        empty_box = empty_box || domain(c, r).empty();
      if (empty_box) continue;
      seen_.clear();
      std::vector<std::uint32_t> path(ix_.cols.size());
      if (uncovered(0, cover, r, path)) continue;
      errors_.emplace_back(
          "E0607", "/rules/" + std::to_string(r),
          "rule " + std::to_string(r + 1) + " can never be chosen: rule" +
              (bits_of(cover).size() > 1 ? "s " : " ") + rule_list(bits_of(cover)) + " " +
              (priority ? "of higher or equal priority match" : "before it match") +
              " every input it matches");
    }
  }
};

/// An enum from its name (name_of), or E0603 listing the names.
template <class E, std::size_t N>
E enum_of(const json& v, const std::string& path, const E (&all)[N], const char* what) {
  const std::string s = v.is_string() ? v.get<std::string>() : "";
  std::string list;
  for (std::size_t i = 0; i < N; ++i) {
    if (s == name_of(all[i])) return all[i];
    list += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(name_of(all[i]));
  }
  throw TableError("E0603", path,
                   std::string("expected ") + what + ": " + list + ", actual " + v.dump());
}

constexpr HitPolicy all_policies[] = {HitPolicy::unique, HitPolicy::first, HitPolicy::priority,
                                      HitPolicy::collect};
constexpr Aggregation all_aggregations[] = {Aggregation::sum, Aggregation::min, Aggregation::max,
                                            Aggregation::count};

std::string hint_for(std::string_view name, const std::vector<std::string>& names) {
  const std::string c = closest_name(name, names);
  return c.empty() ? std::string() : " (did you mean " + tick(c) + "?)";
}

} // namespace

DecisionTable DecisionTable::compile(const json& j, const TableScope& scope, const Options& options,
                                     std::vector<TableError>* errors) {
  std::vector<TableError> local;
  std::vector<TableError>& errs = errors ? *errors : local;
  const std::size_t first_error = errs.size();
  DecisionTable t;
  auto guard = [&](auto&& f) {
    try {
      f();
      return true;
    } catch (const TableError& e) {
      errs.push_back(e);
      return false;
    }
  };
  auto finish = [&]() -> DecisionTable {
    if (!errors && errs.size() > first_error) throw errs[first_error];
    return t;
  };
  const bool shape_ok = guard([&] {
    if (!j.is_object()) throw TableError("E0603", "", "expected a decision table object");
    for (const auto& [k, v] : j.items())
      if (k != "hit_policy" && k != "aggregation" && k != "allow_gaps" && k != "inputs" &&
          k != "outputs" && k != "rules")
        throw TableError("E0603", "/" + k,
                         "unknown key (expected one of: hit_policy, aggregation, allow_gaps, "
                         "inputs, outputs, rules)");
    if (!j.contains("hit_policy"))
      throw TableError("E0603", "", "missing required key \"hit_policy\"");
    t.policy_ = enum_of(j["hit_policy"], "/hit_policy", all_policies, "a hit policy");
    if (j.contains("aggregation")) {
      if (t.policy_ != HitPolicy::collect)
        throw TableError("E0603", "/aggregation", "an aggregation needs the collect hit policy");
      t.aggregation_ =
          enum_of(j["aggregation"], "/aggregation", all_aggregations, "an aggregation");
    }
    if (j.contains("allow_gaps")) {
      if (!j["allow_gaps"].is_boolean())
        throw TableError("E0603", "/allow_gaps", "expected true or false");
      t.allow_gaps_ = j["allow_gaps"].get<bool>();
    }
    for (const char* k : {"inputs", "outputs", "rules"})
      if (!j.contains(k) || !j[k].is_array())
        throw TableError("E0603", j.contains(k) ? std::string("/") + k : "",
                         std::string("expected an array \"") + k + "\"");
    if (j["inputs"].size() > options.max_columns || j["outputs"].size() > options.max_columns)
      throw TableError("E0603", "",
                       "more than " + std::to_string(options.max_columns) + " columns");
    if (j["rules"].size() > options.max_rules)
      throw TableError("E0603", "/rules",
                       "more than " + std::to_string(options.max_rules) + " rules");
  });
  if (!shape_ok) return finish();
  bool ok = true;
  std::set<std::string> names;
  const json& ins = j["inputs"];
  for (std::size_t c = 0; c < ins.size(); ++c) {
    ok = guard([&] {
           const std::string p = "/inputs/" + std::to_string(c);
           if (!ins[c].is_string() || ins[c].get<std::string>().empty())
             throw TableError("E0603", p, "expected an input name");
           TableColumn col{ins[c].get<std::string>(), Type::number, {}};
           const auto ty = scope.input ? scope.input(col.name) : std::nullopt;
           if (!ty)
             throw TableError("E0603", p,
                              "unknown input " + tick(col.name) +
                                  hint_for(col.name, scope.input_names));
           if (!names.insert(col.name).second)
             throw TableError("E0603", p, "input " + tick(col.name) + " is given twice");
           col.type = *ty;
           t.inputs_.push_back(std::move(col));
         }) &&
         ok;
  }
  const json& outs = j["outputs"];
  names.clear();
  for (std::size_t c = 0; c < outs.size(); ++c) {
    ok = guard([&] {
           const std::string p = "/outputs/" + std::to_string(c);
           TableColumn col;
           const json* values = nullptr;
           if (outs[c].is_object()) {
             for (const auto& [k, v] : outs[c].items())
               if (k != "name" && k != "values")
                 throw TableError("E0603", p + "/" + k,
                                  "unknown key (expected one of: name, values)");
             if (!outs[c].contains("name") || !outs[c]["name"].is_string())
               throw TableError("E0603", p, "expected an output name");
             col.name = outs[c]["name"].get<std::string>();
             if (outs[c].contains("values")) values = &outs[c]["values"];
           } else if (outs[c].is_string())
             col.name = outs[c].get<std::string>();
           else
             throw TableError("E0603", p, "expected an output name or {\"name\", \"values\"}");
           std::vector<std::string> fixed;
           const auto ty = scope.output ? scope.output(col.name, fixed) : std::nullopt;
           if (!ty)
             throw TableError("E0603", p,
                              "unknown output " + tick(col.name) +
                                  hint_for(col.name, scope.output_names));
           if (!names.insert(col.name).second)
             throw TableError("E0603", p, "output " + tick(col.name) + " is given twice");
           col.type = *ty;
           if (values) {
             if (!values->is_array() || values->empty())
               throw TableError("E0603", p + "/values", "expected a non-empty array of values");
             for (std::size_t k = 0; k < values->size(); ++k) {
               const json& v = (*values)[k];
               std::string text = v.is_string() ? v.get<std::string>() : v.dump();
               if (!v.is_string() && !v.is_number())
                 throw TableError("E0603", p + "/values/" + std::to_string(k), "expected a value");
               if (!fixed.empty() && std::find(fixed.begin(), fixed.end(), text) == fixed.end())
                 throw TableError("E0604", p + "/values/" + std::to_string(k),
                                  tick(text) + " is not one of the values of " + tick(col.name));
               col.values.push_back(std::move(text));
             }
           } else
             col.values = std::move(fixed);
           t.outputs_.push_back(std::move(col));
         }) &&
         ok;
  }
  if (!ok) return finish();
  ok = guard([&] {
    if (t.aggregation_ != Aggregation::none) {
      if (t.outputs_.size() > 1)
        throw TableError("E0603", "/outputs",
                         "a collect table with an aggregation has at most one output (DMN: no "
                         "aggregation of compound outputs)");
      if (t.aggregation_ != Aggregation::count &&
          (t.outputs_.empty() || !numeric(t.outputs_[0].type)))
        throw TableError("E0603", "/aggregation",
                         std::string(name_of(t.aggregation_)) + " needs one numeric output");
    } else if (t.outputs_.empty())
      throw TableError("E0603", "/outputs", "expected at least one output");
    if (t.policy_ == HitPolicy::priority &&
        std::none_of(t.outputs_.begin(), t.outputs_.end(),
                     [](const TableColumn& c) { return !c.values.empty(); }))
      throw TableError("E0603", "/outputs",
                       "a priority table ranks rules by their outputs' values: give an output its "
                       "\"values\", highest priority first");
  });
  if (!ok) return finish();
  const json& rules = j["rules"];
  for (std::size_t r = 0; r < rules.size(); ++r) {
    const std::string p = "/rules/" + std::to_string(r);
    TableRule rule;
    bool rule_ok = guard([&] {
      const json& x = rules[r];
      if (!x.is_object())
        throw TableError("E0603", p, "expected a rule {\"when\": [...], \"then\": [...]}");
      for (const auto& [k, v] : x.items())
        if (k != "when" && k != "then")
          throw TableError("E0603", p + "/" + k, "unknown key (expected one of: when, then)");
      if (!x.contains("when") || !x["when"].is_array() || x["when"].size() != t.inputs_.size())
        throw TableError("E0603", x.contains("when") ? p + "/when" : p,
                         "expected " + std::to_string(t.inputs_.size()) + " input entr" +
                             (t.inputs_.size() == 1 ? "y" : "ies"));
      const std::size_t n_out =
          x.contains("then") && x["then"].is_array() ? x["then"].size() : SIZE_MAX;
      if (n_out != t.outputs_.size())
        throw TableError("E0603", x.contains("then") ? p + "/then" : p,
                         "expected " + std::to_string(t.outputs_.size()) + " output entr" +
                             (t.outputs_.size() == 1 ? "y" : "ies"));
    });
    if (!rule_ok) {
      ok = false;
      continue;
    }
    for (std::size_t c = 0; c < t.inputs_.size(); ++c) {
      rule_ok =
          guard([&] {
            const std::string cp = p + "/when/" + std::to_string(c);
            const json& cell = rules[r]["when"][c];
            std::string text;
            if (cell.is_string())
              text = cell.get<std::string>();
            else if (cell.is_number())
              text = cell.dump();
            else
              throw TableError("E0601", cp,
                               "expected an input entry (a string such as \">= 90\" or \"-\")");
            try {
              rule.inputs.push_back(parse_unary_test(text, t.inputs_[c].type));
            } catch (const TableError& e) {
              throw TableError(e.code(), cp,
                               e.message() + " (input " + tick(t.inputs_[c].name) + ")");
            }
          }) &&
          rule_ok;
    }
    for (std::size_t c = 0; c < t.outputs_.size(); ++c) {
      rule_ok =
          guard([&] {
            const std::string cp = p + "/then/" + std::to_string(c);
            const json& cell = rules[r]["then"][c];
            const TableColumn& col = t.outputs_[c];
            OutputValue v;
            v.source = cell.dump();
            if (cell.is_string() && col.type == Type::string)
              v.label = cell.get<std::string>();
            else if (cell.is_number() || cell.is_string()) {
              const std::string text = cell.is_string() ? cell.get<std::string>() : cell.dump();
              try {
                CellParser cpn(text, col.type);
                v.number = cpn.in_unit(cpn.output());
              } catch (const TableError& e) {
                throw TableError(e.code(), cp, e.message() + " (output " + tick(col.name) + ")");
              }
            } else
              throw TableError("E0602", cp,
                               "expected a constant (a number, \"85%\", \"30s\" or a string)");
            if (!col.values.empty()) {
              const std::string key =
                  col.type == Type::string
                      ? v.label
                      : (cell.is_string() ? cell.get<std::string>() : cell.dump());
              bool found = false;
              for (const auto& allowed : col.values) {
                if (col.type == Type::string)
                  found = found || allowed == key;
                else {
                  try {
                    CellParser ap(allowed, col.type);
                    found = found || ap.in_unit(ap.output()) == v.number;
                  } catch (const TableError&) {
                  }
                }
              }
              if (!found) {
                std::string list;
                for (const auto& a : col.values)
                  list += (list.empty() ? "" : ", ") + a;
                throw TableError("E0604", cp,
                                 tick(key) + " is not one of the values of " + tick(col.name) +
                                     " (" + list + ")");
              }
            }
            rule.outputs.push_back(std::move(v));
          }) &&
          rule_ok;
    }
    ok = ok && rule_ok;
    if (rule_ok) t.rules_.push_back(std::move(rule));
  }
  if (!ok) return finish();

  // PRIORITY: rank each rule by the positions of its outputs in their value lists (DMN 1.3
  // clause 8, hit policy Priority: the first output's priority decides, then the next output's).
  if (t.policy_ == HitPolicy::priority) {
    std::vector<std::vector<std::size_t>> keys(t.rules_.size());
    for (std::size_t r = 0; r < t.rules_.size(); ++r)
      for (std::size_t c = 0; c < t.outputs_.size(); ++c) {
        const TableColumn& col = t.outputs_[c];
        if (col.values.empty()) continue;
        std::size_t pos = 0;
        for (; pos < col.values.size(); ++pos) {
          if (col.type == Type::string) {
            if (col.values[pos] == t.rules_[r].outputs[c].label) break;
          } else {
            CellParser ap(col.values[pos], col.type);
            if (ap.in_unit(ap.output()) == t.rules_[r].outputs[c].number) break;
          }
        }
        keys[r].push_back(pos);
      }
    std::vector<std::vector<std::size_t>> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (const auto& k : keys)
      t.rank_.push_back(static_cast<std::uint32_t>(
          std::lower_bound(sorted.begin(), sorted.end(), k) - sorted.begin()));
  }

  // The index.
  auto ix = std::make_shared<Index>();
  const std::size_t R = t.rules_.size();
  ix->rules = R;
  ix->words = std::max<std::size_t>(1, (R + 63) / 64);
  const std::size_t W = ix->words;
  ix->all.assign(W, 0);
  for (std::size_t r = 0; r < R; ++r)
    set_bit(ix->all.data(), r);
  for (std::size_t c = 0; c < t.inputs_.size(); ++c) {
    Index::Col col;
    col.numeric = numeric(t.inputs_[c].type);
    for (const auto& rule : t.rules_) {
      const UnaryTest& u = rule.inputs[c];
      for (const auto& iv : u.intervals) {
        if (std::isfinite(iv.lo)) col.bounds.push_back(iv.lo);
        if (std::isfinite(iv.hi)) col.bounds.push_back(iv.hi);
      }
      for (const auto& l : u.labels)
        col.labels.push_back(l);
    }
    std::sort(col.bounds.begin(), col.bounds.end());
    col.bounds.erase(std::unique(col.bounds.begin(), col.bounds.end()), col.bounds.end());
    std::sort(col.labels.begin(), col.labels.end());
    col.labels.erase(std::unique(col.labels.begin(), col.labels.end()), col.labels.end());
    col.segments = col.numeric ? 2 * col.bounds.size() + 1 : col.labels.size() + 1;
    if ((col.segments + 1) * W > options.max_index_words) {
      errs.emplace_back("E0603", "/inputs/" + std::to_string(c),
                        "the table is too large to index: " + std::to_string(col.segments) +
                            " segments x " + std::to_string(R) + " rules in input " +
                            tick(t.inputs_[c].name));
      return finish();
    }
    col.bits.assign((col.segments + 1) * W, 0);
    col.empty.assign(col.segments, 0);
    if (col.numeric)
      for (std::size_t k = 1; k < col.bounds.size(); ++k)
        if (std::nextafter(col.bounds[k - 1], inf) == col.bounds[k]) col.empty[2 * k] = 1;
    std::vector<std::uint64_t> any_mask(W, 0);
    for (std::size_t r = 0; r < R; ++r) {
      const UnaryTest& u = t.rules_[r].inputs[c];
      if (u.any) {
        set_bit(any_mask.data(), r);
        continue;
      }
      if (col.numeric) {
        for (const auto& [a, b] : numeric_ranges(u, col))
          for (std::size_t s = a; s <= b; ++s)
            set_bit(col.bits.data() + s * W, r);
      } else {
        for (std::size_t s = 0; s < col.segments; ++s) {
          const bool in = s < col.labels.size() ? std::find(u.labels.begin(), u.labels.end(),
                                                            col.labels[s]) != u.labels.end()
                                                : false;
          if (in != u.negated) set_bit(col.bits.data() + s * W, r);
        }
      }
    }
    // `-` covers every segment, and is the only entry the null segment (the last) carries.
    for (std::size_t s = 0; s <= col.segments; ++s)
      for (std::size_t w = 0; w < W; ++w)
        col.bits[s * W + w] |= any_mask[w];
    col.nonzero.resize(col.segments + 1);
    for (std::size_t s = 0; s <= col.segments; ++s)
      for (std::size_t w = 0; w < W; ++w)
        if (col.bits[s * W + w]) col.nonzero[s].push_back(static_cast<std::uint32_t>(w));
    ix->cols.push_back(std::move(col));
  }
  t.index_ = ix;
  if (options.check) {
    Checker ch(t, *ix, t.rank_, options.check_budget, errs);
    ch.run();
  }
  return finish();
}

namespace {

/// The segment of row `row` of an input column (the null segment for a null or absent value).
std::size_t segment_at(const Index::Col& col, const TableInput& in, std::size_t row) {
  if (in.valid && !in.valid[row]) return col.segments;
  if (col.numeric) return in.numbers ? col.segment_of(in.numbers[row]) : col.segments;
  return in.labels ? col.segment_of(in.labels[row]) : col.segments;
}

/// Calls f(w, bits) for each non-zero word of the row's candidate bitset, in rule order. The
/// input whose segment has the fewest non-zero words drives: only those words are ANDed with
/// the other inputs' words, so a row costs O(inputs × that count), not O(inputs × rules / 64).
template <class F> void for_each_word(const Index& ix, const std::size_t* seg, F&& f) {
  const std::size_t C = ix.cols.size(), W = ix.words;
  if (C == 0) {
    for (std::size_t w = 0; w < W; ++w)
      if (ix.all[w]) f(w, ix.all[w]);
    return;
  }
  std::size_t driver = 0;
  for (std::size_t c = 1; c < C; ++c)
    if (ix.cols[c].nonzero[seg[c]].size() < ix.cols[driver].nonzero[seg[driver]].size()) driver = c;
  for (const std::uint32_t w : ix.cols[driver].nonzero[seg[driver]]) {
    std::uint64_t x = ix.cols[driver].seg(seg[driver], W)[w];
    for (std::size_t c = 0; c < C && x; ++c)
      if (c != driver) x &= ix.cols[c].seg(seg[c], W)[w];
    if (x) f(w, x);
  }
}

} // namespace

void DecisionTable::evaluate(std::span<const TableInput> columns, std::size_t n, std::int32_t* rule,
                             double* value) const {
  if (!index_) throw std::logic_error("decision table: not compiled (compile() reported errors)");
  if (columns.size() != inputs_.size())
    throw std::invalid_argument("decision table: expected " + std::to_string(inputs_.size()) +
                                " input columns, actual " + std::to_string(columns.size()));
  const Index& ix = *index_;
  const std::size_t C = ix.cols.size();
  constexpr std::size_t batch = 256;
  std::vector<std::size_t> segs(batch * std::max<std::size_t>(C, 1)); // [row][column]
  for (std::size_t b0 = 0; b0 < n; b0 += batch) {
    const std::size_t m = std::min(batch, n - b0);
    // A lookup per value and input (binary search over the boundaries), column by column.
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t i = 0; i < m; ++i)
        segs[i * C + c] = segment_at(ix.cols[c], columns[c], b0 + i);
    for (std::size_t i = 0; i < m; ++i) {
      std::int32_t chosen = no_match;
      double v = nan;
      std::size_t count = 0;
      if (policy_ == HitPolicy::collect) {
        double acc = aggregation_ == Aggregation::min   ? inf
                     : aggregation_ == Aggregation::max ? -inf
                                                        : 0.0;
        for_each_word(ix, segs.data() + i * C, [&](std::size_t w, std::uint64_t bits) {
          for (; bits; bits &= bits - 1) {
            const std::size_t r = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
            ++count;
            if (aggregation_ == Aggregation::count || outputs_.empty()) continue;
            const double o = rules_[r].outputs[0].number;
            if (aggregation_ == Aggregation::sum)
              acc += o;
            else if (aggregation_ == Aggregation::min)
              acc = std::min(acc, o);
            else if (aggregation_ == Aggregation::max)
              acc = std::max(acc, o);
          }
        });
        // DMN 1.3 (clause 8, hit policies): a table without a hit has the result null, for every
        // aggregation.
        if (count > 0) {
          chosen = collected;
          if (aggregation_ == Aggregation::count)
            v = static_cast<double>(count);
          else if (aggregation_ != Aggregation::none)
            v = acc;
        }
      } else {
        for_each_word(ix, segs.data() + i * C, [&](std::size_t w, std::uint64_t bits) {
          for (; bits; bits &= bits - 1) {
            const auto r = static_cast<std::int32_t>(
                w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
            ++count;
            if (chosen < 0)
              chosen = r;
            else if (policy_ == HitPolicy::priority &&
                     rank_[static_cast<std::size_t>(r)] < rank_[static_cast<std::size_t>(chosen)])
              chosen = r;
          }
        });
        if (policy_ == HitPolicy::unique && count > 1) chosen = unique_violation;
        if (chosen >= 0 && !outputs_.empty() && numeric(outputs_[0].type))
          v = rules_[static_cast<std::size_t>(chosen)].outputs[0].number;
      }
      rule[b0 + i] = chosen;
      if (value) value[b0 + i] = v;
    }
  }
}

std::vector<std::size_t> DecisionTable::matching(std::span<const TableInput> columns,
                                                 std::size_t row) const {
  if (!index_) throw std::logic_error("decision table: not compiled (compile() reported errors)");
  if (columns.size() != inputs_.size())
    throw std::invalid_argument("decision table: wrong number of input columns");
  const Index& ix = *index_;
  std::vector<std::size_t> seg(ix.cols.size());
  for (std::size_t c = 0; c < ix.cols.size(); ++c)
    seg[c] = segment_at(ix.cols[c], columns[c], row);
  std::vector<std::size_t> out;
  for_each_word(ix, seg.data(), [&](std::size_t w, std::uint64_t bits) {
    for (; bits; bits &= bits - 1)
      out.push_back(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
  });
  return out;
}

std::string DecisionTable::describe(std::size_t r) const {
  const TableRule& rule = rules_.at(r);
  std::string s;
  for (std::size_t c = 0; c < rule.inputs.size(); ++c)
    s += (c ? " | " : "") + (rule.inputs[c].any ? std::string("-") : rule.inputs[c].text);
  s += " =>";
  for (std::size_t c = 0; c < rule.outputs.size(); ++c) {
    const OutputValue& v = rule.outputs[c];
    std::string shown = v.source;
    if (shown.size() >= 2 && shown.front() == '"') shown = json::parse(shown).get<std::string>();
    s += (c ? " | " : " ") + shown;
  }
  return s;
}

json DecisionTable::to_json() const {
  json j = {{"hit_policy", name_of(policy_)}};
  if (aggregation_ != Aggregation::none) j["aggregation"] = name_of(aggregation_);
  if (allow_gaps_) j["allow_gaps"] = true;
  j["inputs"] = json::array();
  for (const auto& c : inputs_)
    j["inputs"].push_back(c.name);
  j["outputs"] = json::array();
  for (const auto& c : outputs_)
    j["outputs"].push_back(c.name);
  j["rules"] = json::array();
  for (const auto& r : rules_) {
    json when = json::array(), then = json::array();
    for (const auto& u : r.inputs)
      when.push_back(u.any ? std::string("-") : u.text);
    for (const auto& v : r.outputs)
      then.push_back(json::parse(v.source));
    j["rules"].push_back({{"when", std::move(when)}, {"then", std::move(then)}});
  }
  return j;
}

} // namespace kpiscore::dsl
