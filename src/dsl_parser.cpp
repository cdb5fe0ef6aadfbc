// Lexer and recursive-descent parser of the rules language (grammar in docs/rules.md).
// Precedence, lowest first: if/then/else, or, and, not, comparison (non-associative; in, between,
// is missing), ?? (right-associative, as Swift's nil-coalescing sits between comparison and
// addition), + -, * /, unary minus, call.
#include <kpiscore/dsl/parser.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace kpiscore::dsl {
namespace {

constexpr std::array<std::string_view, 16> keywords{
    "and", "or",      "not",  "if",    "then", "else", "in",   "between",
    "is",  "missing", "true", "false", "null", "let",  "rule", "kpi"};

bool is_keyword(std::string_view s) {
  for (auto k : keywords)
    if (k == s) return true;
  return s == "where";
}

bool ident_start(unsigned char c) {
  return std::isalpha(c) || c == '_' || c >= 0x80;
}
bool ident_char(unsigned char c) {
  return std::isalnum(c) || c == '_' || c >= 0x80;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level
// date algorithms", days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

class Lexer {
public:
  Lexer(std::string_view src, std::vector<Diagnostic>& errors) : s_(src), errors_(errors) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    while (true) {
      skip_space();
      Token t;
      t.range.begin = static_cast<std::uint32_t>(i_);
      if (i_ >= s_.size()) {
        t.kind = TokenKind::end;
        out.push_back(t);
        return out;
      }
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (ident_start(c)) {
        identifier(t);
      } else if (std::isdigit(c) || (c == '.' && i_ + 1 < s_.size() &&
                                     std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
        if (!number(t)) continue;
      } else if (c == '"' || c == '\'') {
        if (!string(t)) continue;
      } else if (c == '@') {
        if (!time(t)) continue;
      } else if (!symbol(t)) {
        continue;
      }
      t.range.length = static_cast<std::uint32_t>(i_) - t.range.begin;
      out.push_back(std::move(t));
    }
  }

private:
  void error(std::string code, std::string msg, std::size_t b, std::size_t len,
             std::string hint = {}) {
    errors_.push_back({std::move(code),
                       std::move(msg),
                       {static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(len)},
                       std::move(hint)});
  }
  void skip_space() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i_;
      } else if (c == '#') {
        while (i_ < s_.size() && s_[i_] != '\n')
          ++i_;
      } else {
        break;
      }
    }
  }
  void identifier(Token& t) {
    const std::size_t b = i_;
    while (true) {
      while (i_ < s_.size() && ident_char(static_cast<unsigned char>(s_[i_])))
        ++i_;
      // A dotted name (`dimension.efficiency`, `critical.data_leak`) is one identifier.
      if (i_ + 1 < s_.size() && s_[i_] == '.' &&
          ident_start(static_cast<unsigned char>(s_[i_ + 1]))) {
        ++i_;
        continue;
      }
      break;
    }
    t.text = std::string(s_.substr(b, i_ - b));
    t.kind = is_keyword(t.text) ? TokenKind::keyword : TokenKind::identifier;
  }
  double digits(bool& integral) {
    const std::size_t b = i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])))
      ++i_;
    integral = true;
    if (i_ + 1 < s_.size() && s_[i_] == '.' &&
        std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) {
      integral = false;
      ++i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])))
        ++i_;
    }
    return std::strtod(std::string(s_.substr(b, i_ - b)).c_str(), nullptr);
  }
  bool number(Token& t) {
    const std::size_t b = i_;
    if (s_[i_] == '.') {
      ++i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])))
        ++i_;
      t.value = std::strtod(std::string(s_.substr(b, i_ - b)).c_str(), nullptr);
      t.integral = false;
    } else {
      t.value = digits(t.integral);
    }
    if (i_ < s_.size() && s_[i_] == '%') {
      ++i_;
      t.kind = TokenKind::percent;
      t.value /= 100.0;
      if (!std::isfinite(t.value)) {
        error("E0003", "number out of range", b, i_ - b);
        return false;
      }
      return true;
    }
    if (i_ < s_.size() && ident_start(static_cast<unsigned char>(s_[i_]))) {
      // A duration: one or more NUMBER UNIT pairs without spaces (`1h30m`, `2min30s`).
      double total = 0, value = t.value;
      while (true) {
        const std::size_t ub = i_;
        while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_])))
          ++i_;
        const std::string_view unit = s_.substr(ub, i_ - ub);
        double f = 0;
        if (unit == "ms")
          f = 0.001;
        else if (unit == "s")
          f = 1;
        else if (unit == "min" || unit == "m")
          f = 60;
        else if (unit == "h")
          f = 3600;
        else if (unit == "d")
          f = 86400;
        else {
          while (i_ < s_.size() && ident_char(static_cast<unsigned char>(s_[i_])))
            ++i_;
          error("E0003", "unknown unit `" + std::string(unit) + "`", ub, unit.size(),
                "durations are written with ms, s, min (or m), h or d: `30s`, `5min`, `1h30m`");
          return false;
        }
        total += value * f;
        if (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
          bool integral = true;
          value = digits(integral);
          if (i_ >= s_.size() || !std::isalpha(static_cast<unsigned char>(s_[i_]))) {
            error("E0003", "a duration part needs a unit", b, i_ - b,
                  "write every part with its unit, e.g. `1h30m`");
            return false;
          }
          continue;
        }
        break;
      }
      if (i_ < s_.size() && ident_char(static_cast<unsigned char>(s_[i_]))) {
        while (i_ < s_.size() && ident_char(static_cast<unsigned char>(s_[i_])))
          ++i_;
        error("E0003", "malformed number", b, i_ - b);
        return false;
      }
      if (!std::isfinite(total)) {
        error("E0003", "number out of range", b, i_ - b);
        return false;
      }
      t.kind = TokenKind::duration;
      t.value = total;
      return true;
    }
    if (!std::isfinite(t.value)) {
      error("E0003", "number out of range", b, i_ - b);
      return false;
    }
    t.kind = TokenKind::number;
    return true;
  }
  bool string(Token& t) {
    const char quote = s_[i_];
    const std::size_t b = i_++;
    std::string v;
    while (i_ < s_.size() && s_[i_] != quote) {
      if (s_[i_] == '\n') break;
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
        const char e = s_[i_ + 1];
        if (e == 'n')
          v += '\n';
        else if (e == 't')
          v += '\t';
        else if (e == '\\' || e == '"' || e == '\'')
          v += e;
        else {
          error("E0004", "unknown escape `\\" + std::string(1, e) + "`", i_, 2,
                "strings take \\\" \\' \\\\ \\n \\t");
        }
        i_ += 2;
        continue;
      }
      v += s_[i_++];
    }
    if (i_ >= s_.size() || s_[i_] != quote) {
      error("E0002", "unterminated string", b, 1,
            std::string("close the string with ") + quote + " on the same line");
      return false;
    }
    ++i_;
    t.kind = TokenKind::string;
    t.text = std::move(v);
    return true;
  }
  bool time(Token& t) {
    // @YYYY-MM-DD[THH:MM[:SS]][Z]: a UTC instant (epoch seconds).
    const std::size_t b = i_++;
    auto num = [&](std::size_t n, int& out) {
      out = 0;
      for (std::size_t k = 0; k < n; ++k) {
        if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) return false;
        out = out * 10 + (s_[i_++] - '0');
      }
      return true;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    bool ok = num(4, y) && i_ < s_.size() && s_[i_++] == '-' && num(2, mo) && i_ < s_.size() &&
              s_[i_++] == '-' && num(2, d);
    if (ok && i_ < s_.size() && s_[i_] == 'T') {
      ++i_;
      ok = num(2, h) && i_ < s_.size() && s_[i_++] == ':' && num(2, mi);
      if (ok && i_ < s_.size() && s_[i_] == ':') {
        ++i_;
        ok = num(2, se);
      }
    }
    if (ok && i_ < s_.size() && s_[i_] == 'Z') ++i_;
    static constexpr int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    ok = ok && y >= 1900 && mo >= 1 && mo <= 12 && d >= 1 &&
         d <= (mo == 2 && !leap ? 28 : mdays[mo - 1]) && h < 24 && mi < 60 && se < 60;
    if (!ok) {
      while (i_ < s_.size() &&
             (ident_char(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == ':'))
        ++i_;
      error("E0005", "malformed time literal", b, i_ - b,
            "write `@YYYY-MM-DD` or `@YYYY-MM-DDTHH:MM[:SS]` (UTC, year 1900 or later)");
      return false;
    }
    t.kind = TokenKind::time;
    t.value = static_cast<double>(
        days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
        mi * 60 + se);
    return true;
  }
  bool symbol(Token& t) {
    static constexpr std::array<std::string_view, 18> symbols{"??", "==", "!=", "<=", ">=", "<",
                                                              ">",  "+",  "-",  "*",  "/",  "(",
                                                              ")",  "[",  "]",  ",",  "=",  "!"};
    for (auto sym : symbols) {
      if (s_.substr(i_, sym.size()) == sym) {
        if (sym == "!") break;
        t.kind = TokenKind::symbol;
        t.text = std::string(sym);
        i_ += sym.size();
        return true;
      }
    }
    const auto c = static_cast<unsigned char>(s_[i_]);
    std::string hint;
    if (c == '&')
      hint = "write `and`";
    else if (c == '|')
      hint = "write `or`";
    else if (c == '!')
      hint = "write `not` (or `!=`)";
    else if (c == '%')
      hint = "a percentage follows a number: `85%`";
    // A UTF-8 sequence is reported whole, never split.
    std::size_t len = 1;
    if (c >= 0xC0) {
      while (i_ + len < s_.size() && (static_cast<unsigned char>(s_[i_ + len]) & 0xC0) == 0x80)
        ++len;
    }
    std::string shown =
        c >= 0x20 && c < 0x7F ? "`" + std::string(1, static_cast<char>(c)) + "`" : "character";
    error("E0001", "unexpected " + shown, i_, len, hint);
    i_ += len;
    return false;
  }

  std::string_view s_;
  std::vector<Diagnostic>& errors_;
  std::size_t i_ = 0;
};

struct Abort {}; // unwinds the parser after a limit error

class Parser {
public:
  Parser(std::string_view src, std::vector<Token> toks, std::vector<Diagnostic>& errors,
         const Limits& limits)
      : src_(src), t_(std::move(toks)), errors_(errors), limits_(limits) {}

  NodePtr expression_only() {
    try {
      NodePtr e = expr();
      if (!at_end()) fail_unexpected("the end of the expression");
      return e;
    } catch (const Recover&) {
      return nullptr;
    } catch (const Abort&) {
      return nullptr;
    }
  }

  std::vector<Statement> file() {
    std::vector<Statement> out;
    try {
      while (!at_end()) {
        try {
          out.push_back(statement());
        } catch (const Recover&) {
          if (errors_.size() >= limits_.max_errors) break;
          // Skip to the next statement keyword.
          while (!at_end() &&
                 !(cur().kind == TokenKind::keyword &&
                   (cur().text == "let" || cur().text == "rule" || cur().text == "kpi")))
            ++p_;
        }
      }
    } catch (const Abort&) {
    }
    return out;
  }

private:
  struct Recover {};

  const Token& cur() const { return t_[p_]; }
  bool at_end() const { return cur().kind == TokenKind::end; }
  bool is_kw(std::string_view k) const {
    return cur().kind == TokenKind::keyword && cur().text == k;
  }
  bool is_sym(std::string_view s) const {
    return cur().kind == TokenKind::symbol && cur().text == s;
  }
  std::string describe(const Token& t) const {
    switch (t.kind) {
    case TokenKind::end:
      return "the end of the text";
    case TokenKind::string:
      return "a string";
    case TokenKind::identifier:
      return "the name `" + t.text + "`";
    case TokenKind::keyword:
      return "`" + t.text + "`";
    case TokenKind::symbol:
      return "`" + t.text + "`";
    default:
      return "`" + std::string(src_.substr(t.range.begin, t.range.length)) + "`";
    }
  }
  [[noreturn]] void fail(std::string code, std::string msg, SourceRange r, std::string hint = {}) {
    errors_.push_back({std::move(code), std::move(msg), r, std::move(hint)});
    throw Recover{};
  }
  [[noreturn]] void fail_unexpected(std::string_view expected) {
    std::string hint;
    if (is_sym("=")) hint = "compare with `==`";
    fail("E0101", "expected " + std::string(expected) + ", found " + describe(cur()), cur().range,
         hint);
  }
  void expect_kw(std::string_view k) {
    if (!is_kw(k)) fail_unexpected("`" + std::string(k) + "`");
    ++p_;
  }
  void expect_sym(std::string_view s) {
    if (!is_sym(s)) fail_unexpected("`" + std::string(s) + "`");
    ++p_;
  }
  NodePtr make(NodeKind k, SourceRange r) {
    if (++nodes_ > limits_.max_nodes) {
      errors_.push_back({"E0303",
                         "too many syntax nodes (limit " + std::to_string(limits_.max_nodes) + ")",
                         r, "split the rules over several files or raise Limits::max_nodes"});
      throw Abort{};
    }
    auto n = std::make_unique<Node>();
    n->kind = k;
    n->range = r;
    return n;
  }
  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > p.limits_.max_depth) {
        p.errors_.push_back(
            {"E0302",
             "expression nested too deeply (limit " + std::to_string(p.limits_.max_depth) + ")",
             p.cur().range, "name a part with `let` or raise Limits::max_depth"});
        throw Abort{};
      }
    }
    ~DepthGuard() { --p.depth_; }
  };

  // ITEM (, ITEM)* up to (not including) `close`; empty when `close` follows at once.
  template <class F> void comma_list(Node& n, std::string_view close, F item) {
    if (is_sym(close)) return;
    while (true) {
      n.children.push_back(item());
      if (!is_sym(",")) return;
      ++p_;
    }
  }

  Statement statement() {
    Statement s;
    if (is_kw("let"))
      s.kind = Statement::Kind::let;
    else if (is_kw("rule"))
      s.kind = Statement::Kind::rule;
    else if (is_kw("kpi"))
      s.kind = Statement::Kind::kpi;
    else
      fail_unexpected("`let`, `rule` or `kpi`");
    ++p_;
    if (cur().kind != TokenKind::identifier) fail_unexpected("a name");
    s.name = cur().text;
    s.name_range = cur().range;
    ++p_;
    expect_sym("=");
    s.expr = expr();
    if (s.kind == Statement::Kind::kpi && is_kw("where")) {
      ++p_;
      s.where = expr();
    }
    if (!at_end() && !is_kw("let") && !is_kw("rule") && !is_kw("kpi"))
      fail_unexpected(s.kind == Statement::Kind::kpi ? "`where` or the next statement"
                                                     : "the next statement");
    return s;
  }

  NodePtr expr() {
    DepthGuard g(*this);
    if (is_kw("if")) return if_expr();
    return or_expr();
  }
  NodePtr if_expr() {
    const SourceRange start = cur().range;
    ++p_;
    auto n = make(NodeKind::if_else, start);
    n->children.push_back(expr());
    expect_kw("then");
    n->children.push_back(expr());
    expect_kw("else");
    n->children.push_back(expr());
    n->range = SourceRange::cover(start, n->children.back()->range);
    return n;
  }
  NodePtr binary(std::string op, NodePtr l, NodePtr r) {
    // Chains of left-associative operators are built without recursion; their tree depth is
    // bounded here so that later passes over the tree stay within the stack.
    const std::uint32_t depth = 1 + std::max(l->depth, r->depth);
    if (depth > limits_.max_depth) {
      errors_.push_back(
          {"E0302",
           "expression nested too deeply (limit " + std::to_string(limits_.max_depth) + ")",
           r->range, "name a part with `let` or raise Limits::max_depth"});
      throw Abort{};
    }
    auto n = make(NodeKind::binary, SourceRange::cover(l->range, r->range));
    n->depth = depth;
    n->op = std::move(op);
    n->children.push_back(std::move(l));
    n->children.push_back(std::move(r));
    return n;
  }
  NodePtr or_expr() {
    NodePtr l = and_expr();
    while (is_kw("or")) {
      ++p_;
      l = binary("or", std::move(l), and_expr());
    }
    return l;
  }
  NodePtr and_expr() {
    NodePtr l = not_expr();
    while (is_kw("and")) {
      ++p_;
      l = binary("and", std::move(l), not_expr());
    }
    return l;
  }
  NodePtr not_expr() {
    if (is_kw("not")) {
      DepthGuard g(*this);
      const SourceRange start = cur().range;
      ++p_;
      auto operand = not_expr();
      auto n = make(NodeKind::unary, SourceRange::cover(start, operand->range));
      n->op = "not";
      n->children.push_back(std::move(operand));
      return n;
    }
    return comparison();
  }
  static bool is_compare(const Token& t) {
    if (t.kind != TokenKind::symbol) return false;
    return t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" ||
           t.text == ">=";
  }
  NodePtr comparison() {
    NodePtr l = coalesce();
    NodePtr out;
    if (is_compare(cur())) {
      std::string op = cur().text;
      ++p_;
      out = binary(std::move(op), std::move(l), coalesce());
    } else if (is_sym("=")) {
      fail("E0101", "expected an operator, found `=`", cur().range, "compare with `==`");
    } else if (is_kw("in") || is_kw("between") ||
               (is_kw("not") && p_ + 1 < t_.size() && t_[p_ + 1].kind == TokenKind::keyword &&
                (t_[p_ + 1].text == "in" || t_[p_ + 1].text == "between"))) {
      const bool negated = is_kw("not");
      if (negated) ++p_;
      const bool in = is_kw("in");
      ++p_;
      auto n = make(in ? NodeKind::in_list : NodeKind::between, l->range);
      n->negated = negated;
      n->children.push_back(std::move(l));
      if (in) {
        expect_sym("[");
        comma_list(*n, "]", [this] { return coalesce(); });
        n->range = SourceRange::cover(n->range, cur().range);
        expect_sym("]");
      } else {
        n->children.push_back(coalesce());
        expect_kw("and");
        n->children.push_back(coalesce());
        n->range = SourceRange::cover(n->range, n->children.back()->range);
      }
      out = std::move(n);
    } else if (is_kw("is")) {
      ++p_;
      auto n = make(NodeKind::is_missing, l->range);
      if (is_kw("not")) {
        n->negated = true;
        ++p_;
      }
      n->range = SourceRange::cover(n->range, cur().range);
      if (!is_kw("missing")) fail_unexpected("`missing`");
      ++p_;
      n->children.push_back(std::move(l));
      out = std::move(n);
    } else {
      return l;
    }
    if (is_compare(cur()) || is_kw("between") || is_kw("in") || is_kw("is"))
      fail("E0106", "comparisons do not chain", cur().range,
           "combine two comparisons with `and`, or use `between`");
    return out;
  }
  NodePtr coalesce() {
    NodePtr l = additive();
    if (is_sym("??")) {
      DepthGuard g(*this);
      ++p_;
      return binary("??", std::move(l), coalesce());
    }
    return l;
  }
  NodePtr additive() {
    NodePtr l = multiplicative();
    while (is_sym("+") || is_sym("-")) {
      std::string op = cur().text;
      ++p_;
      l = binary(std::move(op), std::move(l), multiplicative());
    }
    return l;
  }
  NodePtr multiplicative() {
    NodePtr l = unary();
    while (is_sym("*") || is_sym("/")) {
      std::string op = cur().text;
      ++p_;
      l = binary(std::move(op), std::move(l), unary());
    }
    return l;
  }
  NodePtr unary() {
    if (is_sym("-")) {
      DepthGuard g(*this);
      const SourceRange start = cur().range;
      ++p_;
      auto operand = unary();
      auto n = make(NodeKind::unary, SourceRange::cover(start, operand->range));
      n->op.push_back('-'); // not `= "-"`: GCC 12 warns -Wrestrict on it falsely
      n->children.push_back(std::move(operand));
      return n;
    }
    return primary();
  }
  NodePtr primary() {
    const Token& t = cur();
    switch (t.kind) {
    case TokenKind::number:
    case TokenKind::duration:
    case TokenKind::percent:
    case TokenKind::time: {
      auto n = make(NodeKind::literal, t.range);
      n->number = t.value;
      n->type = t.kind == TokenKind::duration  ? Type::duration
                : t.kind == TokenKind::percent ? Type::ratio
                : t.kind == TokenKind::time    ? Type::time
                : t.integral                   ? Type::integer
                                               : Type::number;
      n->plain_literal = t.kind == TokenKind::number;
      ++p_;
      return n;
    }
    case TokenKind::string: {
      auto n = make(NodeKind::literal, t.range);
      n->type = Type::string;
      n->text = t.text;
      ++p_;
      return n;
    }
    case TokenKind::identifier: {
      const Token id = t;
      ++p_;
      if (is_sym("(")) {
        auto n = make(NodeKind::call, id.range);
        n->text = id.text;
        ++p_;
        comma_list(*n, ")", [this] { return expr(); });
        n->range = SourceRange::cover(n->range, cur().range);
        expect_sym(")");
        return n;
      }
      auto n = make(NodeKind::name, id.range);
      n->text = id.text;
      return n;
    }
    case TokenKind::keyword:
      if (t.text == "true" || t.text == "false") {
        auto n = make(NodeKind::literal, t.range);
        n->type = Type::boolean;
        n->number = t.text == "true" ? 1 : 0;
        ++p_;
        return n;
      }
      if (t.text == "null") {
        auto n = make(NodeKind::literal, t.range);
        n->type = Type::null;
        ++p_;
        return n;
      }
      if (t.text == "if") return if_expr();
      break;
    case TokenKind::symbol:
      if (t.text == "(") {
        const SourceRange start = t.range;
        ++p_;
        NodePtr e = expr();
        const SourceRange close = cur().range;
        expect_sym(")");
        e->range = SourceRange::cover(start, close);
        return e;
      }
      break;
    default:
      break;
    }
    fail_unexpected("an expression");
  }

  std::string_view src_;
  std::vector<Token> t_;
  std::vector<Diagnostic>& errors_;
  const Limits& limits_;
  std::size_t p_ = 0, depth_ = 0, nodes_ = 0;
};

bool too_large(std::string_view source, std::vector<Diagnostic>& errors, const Limits& limits) {
  if (source.size() <= limits.max_source_bytes) return false;
  errors.push_back({"E0301",
                    "source text too large (" + std::to_string(source.size()) + " bytes, limit " +
                        std::to_string(limits.max_source_bytes) + ")",
                    {0, 0},
                    "raise Limits::max_source_bytes"});
  return true;
}

} // namespace

std::vector<Token> tokenize(std::string_view source, std::vector<Diagnostic>& errors) {
  return Lexer(source, errors).run();
}

NodePtr parse_expression(std::string_view source, std::vector<Diagnostic>& errors,
                         const Limits& limits) {
  if (too_large(source, errors, limits)) return nullptr;
  auto toks = tokenize(source, errors);
  if (!errors.empty()) return nullptr;
  return Parser(source, std::move(toks), errors, limits).expression_only();
}

std::vector<Statement> parse_file(std::string_view source, std::vector<Diagnostic>& errors,
                                  const Limits& limits) {
  if (too_large(source, errors, limits)) return {};
  auto toks = tokenize(source, errors);
  if (!errors.empty()) return {};
  return Parser(source, std::move(toks), errors, limits).file();
}

} // namespace kpiscore::dsl
