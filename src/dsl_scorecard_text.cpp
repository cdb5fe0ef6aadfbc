// `.kpi` scorecards: a line-oriented text form translated into the JSON scorecard spec
// (docs/rules.md, "Scorecards in text"; docs/scoring.md for the model), so the text and the
// JSON compile through the same Scorecard::compile.
#include <kpiscore/dsl/condition_json.hpp>
#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/scorecard_text.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace kpiscore::dsl {
namespace {

using nlohmann::json;

struct Tok {
  enum class Kind : std::uint8_t { word, string, lbrace, rbrace, comma } kind;
  std::string text; ///< the word, or the decoded string
  std::uint32_t begin = 0, length = 0;
};

struct Line {
  std::vector<Tok> toks;
  std::uint32_t end = 0; ///< offset of the end of the line's content (before any comment)
};

class Translator {
public:
  Translator(std::string_view text, std::string_view file, SpecSourceMap* where)
      : src_(text), file_(file), where_(where) {
    lex();
  }

  json run(bool form = false) {
    json spec = json::object();
    std::size_t i = 0;
    block(spec, form ? Ctx::form : Ctx::top, i, nullptr, "");
    return spec;
  }

private:
  enum class Ctx : std::uint8_t { top, dimension, indicator, form, section };

  std::string_view src_, file_;
  std::vector<Line> lines_;
  SpecSourceMap* where_;
  std::string at_; ///< JSON pointer of the object attribute() writes to

  void note(const std::string& path, std::uint32_t begin, std::uint32_t length) {
    if (where_) (*where_)[path.empty() ? "/" : path] = {begin, length};
  }
  void note(const std::string& path, const Tok& t) { note(path, t.begin, t.length); }

  [[noreturn]] void fail(const char* code, std::string message, std::uint32_t begin,
                         std::uint32_t length, std::string hint = {}) const {
    Diagnostic d{code, std::move(message), {begin, length == 0 ? 1u : length}, std::move(hint)};
    std::string text = format(d, file_, src_);
    throw CompileError({d}, std::move(text));
  }
  [[noreturn]] void fail(const char* code, std::string message, const Tok& t,
                         std::string hint = {}) const {
    fail(code, std::move(message), t.begin, t.length, std::move(hint));
  }

  /// Offset of the first byte that is not well-formed UTF-8 (RFC 3629), or the size: the spec
  /// is JSON, whose strings must be UTF-8.
  static std::size_t invalid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
      const auto c = static_cast<unsigned char>(s[i]);
      std::size_t len = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
      if (len == 0 || (len == 2 && c < 0xc2) || (len == 4 && c > 0xf4) || i + len > s.size())
        return i;
      for (std::size_t k = 1; k < len; ++k)
        if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return i;
      const auto c1 = len > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
      if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) ||
          (c == 0xf4 && c1 > 0x8f))
        return i; // overlong, surrogate or beyond U+10FFFF
      i += len;
    }
    return i;
  }

  void lex() {
    if (const std::size_t bad = invalid_utf8(src_); bad < src_.size())
      fail("E0506", "invalid UTF-8", static_cast<std::uint32_t>(bad), 1);
    std::uint32_t pos = 0;
    const auto n = static_cast<std::uint32_t>(src_.size());
    while (pos <= n) {
      Line line;
      while (pos < n && src_[pos] != '\n') {
        const char c = src_[pos];
        if (c == ' ' || c == '\t' || c == '\r') {
          ++pos;
        } else if (c == '#') {
          break;
        } else if (c == '{' || c == '}' || c == ',') {
          line.toks.push_back({c == '{'   ? Tok::Kind::lbrace
                               : c == '}' ? Tok::Kind::rbrace
                                          : Tok::Kind::comma,
                               std::string(1, c), pos, 1});
          ++pos;
        } else if (c == '"') {
          const std::uint32_t b = pos++;
          while (pos < n && src_[pos] != '"' && src_[pos] != '\n')
            pos += src_[pos] == '\\' && pos + 1 < n ? 2 : 1;
          if (pos >= n || src_[pos] != '"') fail("E0506", "unterminated string", b, pos - b);
          ++pos;
          Tok t{Tok::Kind::string, {}, b, pos - b};
          try {
            t.text = json::parse(src_.substr(b, pos - b)).get<std::string>();
          } catch (const json::exception&) {
            fail("E0506", "invalid escape in a string", t);
          }
          line.toks.push_back(std::move(t));
        } else {
          const std::uint32_t b = pos;
          while (pos < n &&
                 std::string_view(" \t\r\n#{},\"").find(src_[pos]) == std::string_view::npos)
            ++pos;
          line.toks.push_back({Tok::Kind::word, std::string(src_.substr(b, pos - b)), b, pos - b});
        }
      }
      line.end = pos;
      while (pos < n && src_[pos] != '\n')
        ++pos; // the comment
      if (!line.toks.empty()) lines_.push_back(std::move(line));
      ++pos;
    }
  }

  static std::string quoted(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '`';
    out += s;
    out += '`';
    return out;
  }

  static std::string one_of(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
      out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + quoted(names[i]);
    return out;
  }

  /// A value: a word that is a JSON number becomes a number (so `85` and `85.0` keep their
  /// JSON types), any other word or string a string (`30s`, `85%`, `C`).
  static json value_of(const Tok& t) {
    if (t.kind == Tok::Kind::word && !t.text.empty() &&
        (t.text[0] == '-' || (t.text[0] >= '0' && t.text[0] <= '9'))) {
      try {
        json v = json::parse(t.text);
        if (v.is_number()) return v;
      } catch (const json::exception&) {
      }
    }
    return t.text;
  }

  /// Cursor over the tokens of one statement.
  struct Cursor {
    const Translator& tr;
    const Line& line;
    std::size_t i = 0;
    std::size_t end = 0; ///< excludes a trailing `{`
    bool done() const { return i >= end; }
    const Tok& peek() const { return line.toks[i]; }
    const Tok& last() const { return line.toks[i == 0 ? 0 : i - 1]; }
    const Tok& take(const std::string& what) {
      if (done()) {
        const Tok& l = line.toks[end - 1];
        tr.fail("E0502", "expected " + what + " after " + quoted(l.text), l.begin + l.length, 1);
      }
      const Tok& t = line.toks[i++];
      if (t.kind == Tok::Kind::lbrace || t.kind == Tok::Kind::rbrace || t.kind == Tok::Kind::comma)
        tr.fail("E0502", "expected " + what + ", actual " + quoted(t.text), t);
      return t;
    }
    const Tok& word(const std::string& what) {
      const Tok& t = take(what);
      if (t.kind != Tok::Kind::word) tr.fail("E0502", "expected " + what + ", actual a string", t);
      return t;
    }
    json value(const std::string& what) { return value_of(take(what)); }
  };
  friend struct Cursor;

  /// Attributes `KEY VALUE` of a head or of a line in a block, written to obj under the same
  /// key as in JSON. `na` takes `renormalize` or `score V`; `normalize` takes true/false.
  void attribute(Cursor& c, json& obj, const std::vector<std::string>& allowed,
                 const std::string& construct) {
    const Tok& k = c.word("an attribute");
    bool ok = false;
    for (const auto& a : allowed)
      ok = ok || a == k.text;
    if (!ok)
      fail("E0501",
           "unexpected " + quoted(k.text) + " in " + construct + "; expected " + one_of(allowed), k,
           hint_for(k.text, allowed));
    if (obj.contains(k.text)) fail("E0504", quoted(k.text) + " is given twice", k);
    if (c.i < c.end) note(at_ + "/" + k.text, c.line.toks[c.i]);
    if (k.text == "na") {
      const Tok& p = c.word("`renormalize` or `score`");
      if (p.text == "renormalize")
        obj["na"] = "renormalize";
      else if (p.text == "score")
        obj["na"] = {{"score", c.value("a score")}};
      else
        fail("E0501", "expected `renormalize` or `score`, actual " + quoted(p.text), p);
    } else if (k.text == "normalize") {
      const Tok& b = c.word("`true` or `false`");
      if (b.text != "true" && b.text != "false")
        fail("E0501", "expected `true` or `false`, actual " + quoted(b.text), b);
      obj["normalize"] = b.text == "true";
    } else if (k.text == "description" || k.text == "kpi" || k.text == "use" ||
               k.text == "direction" || k.text == "step_rounding") {
      obj[k.text] = c.take("a value").text;
    } else {
      obj[k.text] = c.value("a value");
    }
  }

  static std::string hint_for(const std::string& name, const std::vector<std::string>& allowed) {
    const std::string close = closest_name(name, allowed);
    return close.empty() ? std::string() : "did you mean " + quoted(close) + "?";
  }

  /// `when EXPR`: the rest of the line, translated by condition_to_json; a key comparison with
  /// `==` drops its (default) op, as a hand-written JSON spec does.
  json condition(Cursor& c) {
    const Tok& w = c.line.toks[c.i - 1];
    const std::uint32_t b = w.begin + w.length;
    const std::string_view expr = src_.substr(b, c.line.end - b);
    {
      const std::size_t lead = expr.find_first_not_of(" \t");
      const std::string_view shown = lead == std::string_view::npos ? expr : expr.substr(lead);
      const std::size_t trail = shown.find_last_not_of(" \t\r");
      note(at_ + "/when", b + static_cast<std::uint32_t>(lead == std::string_view::npos ? 0 : lead),
           static_cast<std::uint32_t>(trail == std::string_view::npos ? 0 : trail + 1));
    }
    c.i = c.line.toks.size();
    std::string out;
    try {
      out = condition_to_json(expr);
    } catch (const std::invalid_argument& e) {
      const std::string m = e.what();
      std::uint32_t col = 1;
      std::string message = m;
      if (const auto colon = m.find(": ");
          m.rfind("column ", 0) == 0 && colon != std::string::npos) {
        std::uint32_t parsed = 0;
        bool digits = colon > 7;
        for (std::size_t k = 7; k < colon && digits; ++k) {
          digits = m[k] >= '0' && m[k] <= '9';
          parsed = parsed * 10 + static_cast<std::uint32_t>(m[k] - '0');
        }
        if (digits && parsed >= 1 && parsed <= expr.size() + 1) {
          col = parsed;
          message = m.substr(colon + 2);
        }
      }
      fail("E0505", message, b + col - 1, 1);
    }
    json j = json::parse(out);
    strip_default_op(j);
    return j;
  }

  static void strip_default_op(json& j) {
    if (!j.is_object()) return;
    if (j.contains("key") && j.contains("op") && j["op"] == "==") j.erase("op");
    for (auto& [k, v] : j.items()) {
      if (v.is_array())
        for (auto& x : v)
          strip_default_op(x);
      else if (k == "not")
        strip_default_op(v);
    }
  }

  std::vector<std::string> statements(Ctx ctx) const {
    switch (ctx) {
    case Ctx::top:
      return {"scorecard", "description", "min_observations", "normalize", "na",        "decimals",
              "input",     "grade",       "grades",           "template",  "dimension", "indicator",
              "penalty"};
    case Ctx::dimension:
      return {"dimension", "indicator", "description", "weight", "normalize", "na"};
    case Ctx::indicator:
      return {"target", "rule", "description", "weight", "direction", "min_observations", "na"};
    case Ctx::form:
      return {"form",    "description", "pass_mark", "normalize",
              "section", "flag",        "deduct",    "bonus"};
    case Ctx::section:
      return {"item", "description", "weight", "normalize"};
    }
    return {};
  }

  /// Statements until the matching `}` (or the end of the text at the top level).
  void block(json& obj, Ctx ctx, std::size_t& li, const Tok* open, const std::string& path) {
    json targets = json::array();
    bool qualified = false;
    const Tok* first_target = nullptr;
    const Tok* first_value = nullptr;
    while (li < lines_.size()) {
      const Line& line = lines_[li++];
      const Tok& head = line.toks.front();
      if (head.kind == Tok::Kind::rbrace) {
        if (line.toks.size() > 1) fail("E0501", "expected nothing after `}`", line.toks[1]);
        if (ctx == Ctx::top || ctx == Ctx::form) fail("E0503", "`}` without an open block", head);
        finish_targets(obj, targets, qualified, first_target, first_value, path);
        return;
      }
      if (head.kind != Tok::Kind::word)
        fail("E0501", "expected a statement, actual " + quoted(head.text), head);
      const bool opens = line.toks.back().kind == Tok::Kind::lbrace;
      Cursor c{*this, line, 1, line.toks.size() - (opens ? 1 : 0)};
      const auto allowed = statements(ctx);
      const std::string& kw = head.text;
      bool known = false;
      for (const auto& a : allowed)
        known = known || a == kw;
      if (!known)
        fail("E0501",
             "unknown statement " + quoted(kw) +
                 (ctx == Ctx::top || ctx == Ctx::form ? std::string(" at the top level")
                  : ctx == Ctx::dimension             ? std::string(" in a dimension")
                  : ctx == Ctx::section               ? std::string(" in a section")
                                                      : std::string(" in an indicator")) +
                 "; expected " + one_of(allowed),
             head, hint_for(kw, allowed));
      const bool table_kw = (kw == "grades" || kw == "target") && line.toks.size() > 1 &&
                            line.toks[1].kind == Tok::Kind::word && line.toks[1].text == "table";
      if (table_kw) {
        // `grades table POLICY {` (top level) / `target table POLICY {` (an indicator).
        const std::string tp = kw == "grades" ? std::string("/grade_table") : path + "/target";
        const std::string key = kw == "grades" ? "grade_table" : "target";
        if (obj.contains(key)) fail("E0504", quoted(kw + " table") + " is given twice", head);
        note(tp, head);
        ++c.i;
        json t = table(c, line, opens, li, kw == "grades" ? tp : tp + "/table");
        if (kw == "grades")
          obj["grade_table"] = std::move(t);
        else
          obj["target"] = {{"table", std::move(t)}};
        continue;
      }
      if (kw == "grades") fail("E0501", "expected `table` after `grades`", head);
      const bool block_kw =
          kw == "dimension" || kw == "indicator" || kw == "template" || kw == "section";
      if (opens && !block_kw) fail("E0503", quoted(kw) + " takes no block", line.toks.back());
      if (kw == "dimension" || kw == "template") {
        json d = json::object();
        const std::string name = c.take("a name").text;
        if (kw == "dimension") d["name"] = name;
        const std::string p =
            kw == "template"
                ? path + "/templates/" + name
                : path + "/dimensions/" +
                      std::to_string(obj.contains("dimensions") ? obj["dimensions"].size() : 0);
        note(p, line.toks[1]);
        if (kw == "dimension") note(p + "/name", line.toks[1]);
        if (kw == "dimension" && where_)
          where_->emplace(path + "/dimensions", SourceRange{head.begin, head.length});
        at_ = p;
        while (!c.done())
          attribute(c, d,
                    kw == "dimension" ? std::vector<std::string>{"weight", "normalize", "na", "use",
                                                                 "description"}
                                      : std::vector<std::string>{"normalize", "na", "description"},
                    "a " + kw);
        if (d.contains("use") && opens)
          fail("E0503", "a dimension with `use` takes no block", line.toks.back());
        if (!d.contains("use")) {
          if (!opens)
            fail("E0503", "expected `{` at the end of the line to open the " + kw + "'s block",
                 line.toks.back().begin + line.toks.back().length, 1);
          block(d, Ctx::dimension, li, &line.toks.back(), p);
        }
        if (kw == "template") {
          if (obj.contains("templates") && obj["templates"].contains(name))
            fail("E0504", "template " + quoted(name) + " is defined twice", line.toks[1]);
          obj["templates"][name] = std::move(d);
        } else {
          obj["dimensions"].push_back(std::move(d));
        }
      } else if (kw == "indicator") {
        json ind = json::object();
        const Tok& n = c.word("a name");
        ind["name"] = n.text;
        const std::string p =
            path + "/indicators/" +
            std::to_string(obj.contains("indicators") ? obj["indicators"].size() : 0);
        note(p, n);
        note(p + "/name", n);
        if (where_) where_->emplace(path + "/indicators", SourceRange{head.begin, head.length});
        at_ = p;
        while (!c.done())
          attribute(c, ind, {"kpi", "weight", "direction", "min_observations", "na", "description"},
                    "an indicator");
        if (!ind.contains("kpi")) {
          ind["kpi"] = n.text;
          note(p + "/kpi", n);
        }
        if (opens) block(ind, Ctx::indicator, li, &line.toks.back(), p);
        if (!ind.contains("rule"))
          fail("E0507", "indicator " + quoted(n.text) + " has no `rule`", n);
        obj["indicators"].push_back(std::move(ind));
      } else if (kw == "target") {
        json e = json::object();
        const std::string ep = path + "/target/" + std::to_string(targets.size());
        note(ep, head);
        if (!c.done()) note(ep + "/value", c.peek());
        e["value"] = c.value("a target value");
        if (!first_value) first_value = &c.last();
        while (!c.done()) {
          const Tok& k = c.word("`from`, `until` or `when`");
          if (k.text == "when") {
            at_ = ep;
            e["when"] = condition(c);
          } else if (k.text == "from" || k.text == "until") {
            if (e.contains(k.text)) fail("E0504", quoted(k.text) + " is given twice", k);
            if (!c.done()) note(ep + "/" + k.text, c.peek());
            e[k.text] = c.take("a date").text;
          } else {
            fail("E0501",
                 "unexpected " + quoted(k.text) +
                     " in a target; expected `from`, `until` or `when`",
                 k);
          }
        }
        qualified = qualified || e.size() > 1;
        if (!first_target) first_target = &head;
        targets.push_back(std::move(e));
      } else if (kw == "rule") {
        if (obj.contains("rule")) fail("E0504", "`rule` is given twice", head);
        at_ = path + "/rule";
        note(at_, head);
        obj["rule"] = rule(c);
      } else if (kw == "penalty") {
        obj["penalties"].push_back(penalty(
            c, "/penalties/" +
                   std::to_string(obj.contains("penalties") ? obj["penalties"].size() : 0)));
      } else if (kw == "grade") {
        json g = json::object();
        at_ = "/grades/" + std::to_string(obj.contains("grades") ? obj["grades"].size() : 0);
        if (!c.done()) {
          note(at_, c.peek());
          note(at_ + "/name", c.peek());
        }
        g["name"] = c.take("a grade name").text;
        while (!c.done())
          attribute(c, g, {"min", "bonus"}, "a grade");
        obj["grades"].push_back(std::move(g));
      } else if (kw == "input") {
        const std::string name = c.word("a KPI name").text;
        note("/inputs", c.last());
        if (!c.done()) note("/inputs/" + name, c.peek());
        obj["inputs"][name] = c.word("a unit").text;
      } else if (kw == "section" || kw == "item" || kw == "flag" || kw == "deduct" ||
                 kw == "bonus") {
        form_entry(c, obj, kw, line, opens, li, path);
      } else if (kw == "scorecard" || kw == "form") {
        if (obj.contains("name")) fail("E0504", quoted(kw) + " is given twice", head);
        if (!c.done()) note("/name", c.peek());
        obj["name"] = c.take("a name").text;
      } else if (kw == "decimals") {
        if (obj.contains("display")) fail("E0504", "`decimals` is given twice", head);
        if (!c.done()) note("/display", c.peek());
        if (!c.done()) note("/display/decimals", c.peek());
        obj["display"]["decimals"] = c.value("a number of decimals");
      } else {
        // An attribute line: description, weight, normalize, na, min_observations, direction.
        Cursor a{*this, line, 0, c.end};
        at_ = path;
        attribute(a, obj, {kw}, "a block");
        c.i = a.i;
      }
      if (!c.done())
        fail("E0501", "unexpected " + quoted(c.peek().text) + " after " + quoted(kw), c.peek());
    }
    if (ctx != Ctx::top && ctx != Ctx::form) fail("E0503", "block not closed: expected `}`", *open);
    finish_targets(obj, targets, qualified, first_target, first_value, path);
  }

  /// The cells of a table line: split at `=>` (once) and at `|`, outside quoted strings.
  struct Cell {
    std::uint32_t begin, length;
    std::string text;
  };
  std::vector<std::vector<Cell>> cells(std::uint32_t b, std::uint32_t e) const {
    std::vector<std::vector<Cell>> parts(1);
    auto push = [&](std::uint32_t from, std::uint32_t to) {
      while (from < to && (src_[from] == ' ' || src_[from] == '\t'))
        ++from;
      while (to > from && (src_[to - 1] == ' ' || src_[to - 1] == '\t' || src_[to - 1] == '\r'))
        --to;
      parts.back().push_back({from, to - from, std::string(src_.substr(from, to - from))});
    };
    std::uint32_t start = b;
    bool quoted_text = false;
    for (std::uint32_t i = b; i < e; ++i) {
      const char ch = src_[i];
      if (ch == '"')
        quoted_text = !quoted_text;
      else if (ch == '\\' && quoted_text)
        ++i;
      else if (!quoted_text && ch == '|') {
        push(start, i);
        start = i + 1;
      } else if (!quoted_text && ch == '=' && i + 1 < e && src_[i + 1] == '>') {
        if (parts.size() > 1) fail("E0501", "`=>` is given twice in a table line", i, 2);
        push(start, i);
        parts.emplace_back();
        start = i + 2;
        ++i;
      }
    }
    push(start, e);
    return parts;
  }

  /// An output cell's value: a quoted string, a JSON number, or the word (`120%`, `15s`, `A`).
  json output_cell(const Cell& c) const {
    if (c.text.empty()) fail("E0502", "expected an output value", c.begin, 1);
    if (c.text.front() == '"') {
      try {
        return json::parse(c.text).get<std::string>();
      } catch (const json::exception&) {
        fail("E0506", "invalid string in a table cell", c.begin, c.length);
      }
    }
    return value_of(Tok{Tok::Kind::word, c.text, c.begin, c.length});
  }

  /// `table POLICY [AGGREGATION] [allow_gaps] {` then a header line `IN | IN => OUT | OUT`
  /// (`OUT in V, V, ...` lists an output's values, highest priority first) and one line per
  /// rule `ENTRY | ENTRY => VALUE | VALUE`, closed by `}`. Cells are kept as written: input
  /// entries are FEEL unary tests that DecisionTable parses.
  json table(Cursor& c, const Line& line, bool opens, std::size_t& li, const std::string& tp) {
    json t = json::object();
    const Tok& pol = c.word("a hit policy (`unique`, `first`, `priority` or `collect`)");
    const std::vector<std::string> policies{"unique", "first", "priority", "collect"};
    if (std::find(policies.begin(), policies.end(), pol.text) == policies.end())
      fail("E0501", "unknown hit policy " + quoted(pol.text) + "; expected " + one_of(policies),
           pol, hint_for(pol.text, policies));
    note(tp + "/hit_policy", pol);
    t["hit_policy"] = pol.text;
    while (!c.done()) {
      const Tok& w = c.word("`allow_gaps` or an aggregation");
      if (w.text == "allow_gaps") {
        t["allow_gaps"] = true;
        note(tp + "/allow_gaps", w);
      } else if (pol.text == "collect" &&
                 (w.text == "sum" || w.text == "min" || w.text == "max" || w.text == "count") &&
                 !t.contains("aggregation")) {
        t["aggregation"] = w.text;
        note(tp + "/aggregation", w);
      } else
        fail("E0501",
             "unexpected " + quoted(w.text) + " in a table head; expected " +
                 (pol.text == "collect" ? std::string("`sum`, `min`, `max`, `count` or ")
                                        : std::string()) +
                 "`allow_gaps`",
             w);
    }
    if (!opens)
      fail("E0503", "expected `{` at the end of the line to open the table",
           line.toks.back().begin + line.toks.back().length, 1);
    const Tok& open = line.toks.back();
    t["inputs"] = json::array();
    t["outputs"] = json::array();
    t["rules"] = json::array();
    bool header = false;
    while (li < lines_.size()) {
      const Line& l = lines_[li++];
      const Tok& first = l.toks.front();
      if (first.kind == Tok::Kind::rbrace) {
        if (l.toks.size() > 1) fail("E0501", "expected nothing after `}`", l.toks[1]);
        if (!header)
          fail("E0502", "expected a header line `INPUT | ... => OUTPUT | ...` in the table", first);
        return t;
      }
      const auto parts = cells(first.begin, l.end);
      if (parts.size() != 2)
        fail("E0501",
             std::string(header ? "a rule" : "the header") +
                 " needs `=>` between the inputs and the outputs",
             first.begin, l.end - first.begin);
      if (!header) {
        header = true;
        for (std::size_t k = 0; k < parts[0].size(); ++k) {
          const Cell& cell = parts[0][k];
          if (parts[0].size() == 1 && cell.text.empty()) break; // no inputs
          if (cell.text.empty() || cell.text.find_first_of(" \t\"") != std::string::npos)
            fail("E0501", "expected an input name", cell.begin, cell.length);
          note(tp + "/inputs/" + std::to_string(k), cell.begin, cell.length);
          t["inputs"].push_back(cell.text);
        }
        for (std::size_t k = 0; k < parts[1].size(); ++k) {
          const Cell& cell = parts[1][k];
          const std::string op = tp + "/outputs/" + std::to_string(k);
          note(op, cell.begin, cell.length);
          const std::size_t sp = cell.text.find_first_of(" \t");
          const std::string name = cell.text.substr(0, sp);
          if (name.empty()) fail("E0501", "expected an output name", cell.begin, cell.length);
          if (sp == std::string::npos) {
            t["outputs"].push_back(name);
            continue;
          }
          const std::size_t in = cell.text.find_first_not_of(" \t", sp);
          if (cell.text.compare(in, 3, "in ") != 0)
            fail("E0501", "expected `in V, V, ...` after the output name",
                 cell.begin + static_cast<std::uint32_t>(in), 1);
          json values = json::array();
          std::uint32_t from = cell.begin + static_cast<std::uint32_t>(in) + 3;
          const std::uint32_t to = cell.begin + cell.length;
          bool q = false;
          for (std::uint32_t i = from; i <= to; ++i) {
            if (i < to && src_[i] == '"') q = !q;
            if (i == to || (!q && src_[i] == ',')) {
              std::uint32_t a = from, b = i;
              while (a < b && src_[a] == ' ')
                ++a;
              while (b > a && src_[b - 1] == ' ')
                --b;
              note(op + "/values/" + std::to_string(values.size()), a, b - a);
              json v = output_cell({a, b - a, std::string(src_.substr(a, b - a))});
              values.push_back(v.is_string() ? v : json(v.dump()));
              from = i + 1;
            }
          }
          t["outputs"].push_back({{"name", name}, {"values", std::move(values)}});
        }
        continue;
      }
      const std::string rp = tp + "/rules/" + std::to_string(t["rules"].size());
      note(rp, first.begin, l.end - first.begin);
      note(rp + "/when", first.begin, l.end - first.begin);
      json when = json::array(), then = json::array();
      for (std::size_t k = 0; k < parts[0].size(); ++k) {
        const Cell& cell = parts[0][k];
        if (parts[0].size() == 1 && cell.text.empty() && t["inputs"].empty()) break;
        note(rp + "/when/" + std::to_string(k), cell.begin, cell.length);
        when.push_back(cell.text);
      }
      note(rp + "/then", parts[1].front().begin, l.end - parts[1].front().begin);
      for (std::size_t k = 0; k < parts[1].size(); ++k) {
        const Cell& cell = parts[1][k];
        note(rp + "/then/" + std::to_string(k), cell.begin, cell.length);
        then.push_back(output_cell(cell));
      }
      t["rules"].push_back({{"when", std::move(when)}, {"then", std::move(then)}});
    }
    fail("E0503", "table not closed: expected `}`", open);
  }

  void finish_targets(json& obj, json& targets, bool qualified, const Tok* first,
                      const Tok* first_value, const std::string& path) {
    if (targets.empty()) return;
    note(path + "/target", targets.size() == 1 && !qualified ? *first_value : *first);
    if (obj.contains("target")) fail("E0504", "`target` is given twice", *first);
    // One unqualified `target V` is the plain JSON value; otherwise the array of entries.
    obj["target"] = targets.size() == 1 && !qualified ? targets[0]["value"] : targets;
  }

  /// `rule deduct P per STEP [step_rounding R] [floor F] [cap C]`, `rule value [scale S]`,
  /// `rule proportional`, `rule tiers max 5% score 100, ..., score 0`, `rule bands V S, V S, ...`;
  /// `floor F cap C` of tiers and bands come as a last comma-separated group.
  json rule(Cursor& c) {
    const std::string rp = at_;
    const Tok& type = c.word("a rule type");
    note(rp + "/type", type);
    json r = {{"type", type.text}};
    const std::vector<std::string> bounds{"floor", "cap"};
    if (type.text == "deduct") {
      if (!c.done()) note(rp + "/points", c.peek());
      r["points"] = c.value("the points per step");
      while (!c.done())
        attribute(c, r, {"per", "step_rounding", "floor", "cap"}, "a deduct rule");
      if (!r.contains("per")) fail("E0502", "expected `per STEP` in a deduct rule", type);
    } else if (type.text == "value") {
      while (!c.done())
        attribute(c, r, {"scale", "floor", "cap"}, "a value rule");
    } else if (type.text == "proportional") {
      while (!c.done())
        attribute(c, r, bounds, "a proportional rule");
    } else if (type.text == "tiers" || type.text == "bands") {
      const bool tiers = type.text == "tiers";
      json list = json::array();
      while (!c.done()) {
        at_ = rp;
        const std::string item =
            rp + (tiers ? "/tiers/" : "/points/") + std::to_string(list.size());
        if (c.peek().kind == Tok::Kind::word &&
            (c.peek().text == "floor" || c.peek().text == "cap")) {
          while (!c.done() && c.peek().kind != Tok::Kind::comma)
            attribute(c, r, bounds, "a " + type.text + " rule");
        } else if (tiers) {
          json t = json::object();
          note(item, c.peek());
          at_ = item;
          while (!c.done() && c.peek().kind != Tok::Kind::comma)
            attribute(c, t, {"min", "above", "max", "below", "score"}, "a tier");
          list.push_back(std::move(t));
        } else {
          note(item, c.peek());
          note(item + "/0", c.peek());
          json x = c.value("a value");
          if (!c.done()) note(item + "/1", c.peek());
          json y = c.value("a score");
          list.push_back(json::array({std::move(x), std::move(y)}));
        }
        if (!c.done()) {
          if (c.peek().kind != Tok::Kind::comma)
            fail("E0501",
                 "expected `,` between " + std::string(tiers ? "tiers" : "points") + ", actual " +
                     quoted(c.peek().text),
                 c.peek());
          ++c.i;
          if (c.done())
            fail("E0502", "expected a " + std::string(tiers ? "tier" : "point") + " after `,`",
                 c.last());
        }
      }
      r[tiers ? "tiers" : "points"] = std::move(list);
    } else {
      const std::vector<std::string> types{"deduct", "value", "proportional", "tiers", "bands"};
      fail("E0501", "unknown rule type " + quoted(type.text) + "; expected " + one_of(types), type,
           hint_for(type.text, types));
    }
    return r;
  }

  /// The statements of a QA form (docs/rules.md, "QA forms in text"), each the JSON object of
  /// docs/scoring.md "Form spec" under the same keys:
  ///   section NAME [weight W] [normalize B] [description "…"] {   … items …   }
  ///   item NAME [weight W] [scale yes_no|1-5|0-10|points MAX] [na true|false]
  ///        [critical evaluation|section] [description "…"]
  ///   flag NAME [scope evaluation|section] [section NAME] [description "…"]
  ///   deduct COUNT points P [beyond B] [cap C] [description "…"]
  ///   bonus NAME points P [cap C] [description "…"]
  void form_entry(Cursor& c, json& obj, const std::string& kw, const Line& line, bool opens,
                  std::size_t& li, const std::string& path) {
    const char* array = kw == "section"  ? "sections"
                        : kw == "item"   ? "items"
                        : kw == "flag"   ? "critical_flags"
                        : kw == "deduct" ? "deductions"
                                         : "bonuses";
    const std::string p =
        path + "/" + array + "/" + std::to_string(obj.contains(array) ? obj[array].size() : 0);
    json e = json::object();
    const Tok& n = c.word(kw == "deduct" ? "what is counted (e.g. `forbidden_phrases`)" : "a name");
    note(p, n);
    note(p + (kw == "deduct" ? "/count" : "/name"), n);
    e[kw == "deduct" ? "count" : "name"] = n.text;
    at_ = p;
    std::vector<std::string> allowed;
    if (kw == "section")
      allowed = {"weight", "normalize", "description"};
    else if (kw == "item")
      allowed = {"weight", "scale", "na", "critical", "description"};
    else if (kw == "flag")
      allowed = {"scope", "section", "description"};
    else if (kw == "deduct")
      allowed = {"points", "beyond", "cap", "description"};
    else
      allowed = {"points", "cap", "description"};
    while (!c.done()) {
      const Tok& k = c.peek();
      if (kw == "item" && k.kind == Tok::Kind::word && (k.text == "scale" || k.text == "na")) {
        ++c.i;
        if (e.contains(k.text)) fail("E0504", quoted(k.text) + " is given twice", k);
        if (!c.done()) note(p + "/" + k.text, c.peek());
        const Tok& v = c.word(k.text == "na" ? "`true` or `false`" : "a scale");
        if (k.text == "na") {
          if (v.text != "true" && v.text != "false")
            fail("E0501", "expected `true` or `false`, actual " + quoted(v.text), v);
          e["na"] = v.text == "true";
        } else if (v.text == "points") {
          e["scale"] = {{"points", c.value("the maximum points")}};
        } else {
          e["scale"] = v.text; // yes_no, 1-5, 0-10: the form's own check names a bad one
        }
        continue;
      }
      const std::size_t before = c.i;
      attribute(c, e, allowed, "a " + std::string(kw == "flag" ? "critical flag" : kw));
      // `critical`, `scope` and `section` are names, as in JSON (never numbers).
      const std::string& key = c.line.toks[before].text;
      if (key == "critical" || key == "scope" || key == "section") e[key] = c.last().text;
    }
    if (kw == "section") {
      if (!opens)
        fail("E0503", "expected `{` at the end of the line to open the section's block",
             line.toks.back().begin + line.toks.back().length, 1);
      block(e, Ctx::section, li, &line.toks.back(), p);
    }
    obj[array].push_back(std::move(e));
  }

  /// `penalty NAME [on dimension|indicator T] deduct P [per K] [beyond V] [cap C]` (or bonus),
  /// `penalty NAME veto max_grade G | veto score S`, then `[description "..."] [when EXPR]`.
  json penalty(Cursor& c, const std::string& pp) {
    json p = json::object();
    if (!c.done()) {
      note(pp, c.peek());
      note(pp + "/name", c.peek());
      note(pp + "/level", c.peek());
    }
    p["name"] = c.take("a penalty name").text;
    p["level"] = "overall";
    if (!c.done() && c.peek().kind == Tok::Kind::word && c.peek().text == "on") {
      ++c.i;
      const Tok& lv = c.word("`dimension` or `indicator`");
      if (lv.text != "dimension" && lv.text != "indicator")
        fail("E0501", "expected `dimension` or `indicator` after `on`, actual " + quoted(lv.text),
             lv);
      p["level"] = lv.text;
      note(pp + "/level", lv);
      if (!c.done()) note(pp + "/target", c.peek());
      p["target"] = c.take("a dimension or indicator name").text;
    }
    const Tok& effect = c.word("`deduct`, `bonus` or `veto`");
    note(pp + "/" + effect.text, effect);
    at_ = pp + "/" + effect.text;
    if (effect.text == "deduct" || effect.text == "bonus") {
      json e = json::object();
      if (!c.done()) note(at_ + "/points", c.peek());
      e["points"] = c.value("points");
      while (!c.done() && !(c.peek().kind == Tok::Kind::word &&
                            (c.peek().text == "when" || c.peek().text == "description")))
        attribute(c, e, {"per", "beyond", "cap"}, "a " + effect.text + " effect");
      p[effect.text] = std::move(e);
    } else if (effect.text == "veto") {
      const Tok& k = c.word("`max_grade` or `score`");
      if (!c.done()) note(pp + "/veto/" + k.text, c.peek());
      if (k.text == "max_grade")
        p["veto"] = {{"max_grade", c.take("a grade").text}};
      else if (k.text == "score")
        p["veto"] = {{"score", c.value("a score")}};
      else
        fail("E0501", "expected `max_grade` or `score` after `veto`, actual " + quoted(k.text), k);
    } else {
      fail("E0501", "expected `deduct`, `bonus` or `veto`, actual " + quoted(effect.text), effect);
    }
    while (!c.done()) {
      const Tok& k = c.word("`description` or `when`");
      if (k.text == "when") {
        at_ = pp;
        p["when"] = condition(c);
      } else if (k.text == "description") {
        if (p.contains("description")) fail("E0504", "`description` is given twice", k);
        if (!c.done()) note(pp + "/description", c.peek());
        p["description"] = c.take("a description").text;
      } else {
        fail("E0501",
             "unexpected " + quoted(k.text) + " in a penalty; expected `description` or `when`", k);
      }
    }
    return p;
  }
};

} // namespace

json scorecard_text_to_json(std::string_view text, std::string_view file, SpecSourceMap* where) {
  return Translator(text, file, where).run();
}

json form_text_to_json(std::string_view text, std::string_view file, SpecSourceMap* where) {
  return Translator(text, file, where).run(true);
}

SourceRange locate(const SpecSourceMap& where, std::string_view path) {
  std::string p(path);
  while (!p.empty() && p != "/") {
    if (const auto it = where.find(p); it != where.end()) return it->second;
    const auto slash = p.rfind('/');
    p.resize(slash == std::string::npos ? 0 : slash);
  }
  const auto root = where.find("/");
  return root != where.end() ? root->second : SourceRange{0, 0};
}

namespace {

// Whether the first statement (after blank and `#` comment lines) starts with `keyword`.
bool starts_with_statement(std::string_view text, std::string_view keyword) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, eol - pos);
    const std::size_t b = line.find_first_not_of(" \t\r");
    if (b != std::string_view::npos && line[b] != '#') {
      line.remove_prefix(b);
      const std::size_t n = keyword.size();
      return line.rfind(keyword, 0) == 0 && (line.size() == n || line[n] == ' ' || line[n] == '\t');
    }
    pos = eol + 1;
  }
  return false;
}

} // namespace

bool is_scorecard_text(std::string_view text) {
  return starts_with_statement(text, "scorecard");
}

bool is_form_text(std::string_view text) {
  return starts_with_statement(text, "form");
}

} // namespace kpiscore::dsl
