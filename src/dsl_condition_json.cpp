#include <kpiscore/dsl/condition_json.hpp>
#include <kpiscore/dsl/parser.hpp>
#include <kpiscore/dsl/scope.hpp>

#include <nlohmann/json.hpp>

#include <sstream>
#include <stdexcept>

namespace kpiscore::dsl {
namespace {

using json = nlohmann::json;

struct Translator {
  std::string_view src;

  [[noreturn]] void fail(const Node& n, const std::string& msg) const {
    throw std::invalid_argument("column " + std::to_string(line_column(src, n.range.begin).column) +
                                ": " + msg);
  }

  static bool is_constant_literal(const Node& n) {
    if (n.kind == NodeKind::literal) return n.type != Type::null && n.type != Type::boolean;
    return n.kind == NodeKind::unary && n.op == "-" && n.children[0]->kind == NodeKind::literal &&
           n.children[0]->type != Type::string;
  }

  // The value of a constant in the spec's own notation, so the spec checks its unit.
  json value(const Node& n) const {
    if (n.kind == NodeKind::unary) {
      json v = value(*n.children[0]);
      if (v.is_number()) return -v.get<double>();
      std::string negative = v.get<std::string>();
      negative.insert(negative.begin(), '-'); // not "-" + s: GCC 12 warns -Wrestrict falsely
      return negative;
    }
    switch (n.type) {
    case Type::string:
      return n.text;
    case Type::duration: {
      std::ostringstream s;
      s.precision(15);
      s << n.number << "s";
      return s.str();
    }
    case Type::ratio:
      return std::string(src.substr(n.range.begin, n.range.length));
    case Type::integer:
    case Type::number:
      return n.number;
    default:
      fail(n, "a time or boolean constant cannot be compared here");
    }
  }

  static std::string flip(const std::string& op) {
    if (op == "<") return ">";
    if (op == "<=") return ">=";
    if (op == ">") return "<";
    if (op == ">=") return "<=";
    return op;
  }

  json compare(const std::string& name, const std::string& op, const Node& constant) const {
    if (constant.type == Type::string) return {{"key", name}, {"op", op}, {"value", constant.text}};
    // The language's unit rules for the engine's KPIs: `asa_s > 30` is an error here too.
    static const Scope kpis = Scope::group();
    if (auto f = kpis.find(name); f && constant.plain_literal) {
      const Type t = kpis.fields()[*f].type;
      const double v = constant.number;
      const std::string written(src.substr(constant.range.begin, constant.range.length));
      if (t == Type::duration)
        fail(constant, "a number without a unit where a duration is expected (did you mean `" +
                           written + "s`?)");
      if (t == Type::ratio && !(v >= 0 && v <= 1))
        fail(constant,
             "a number above 1 where a ratio is expected (did you mean `" + written + "%`?)");
    }
    return {{"kpi", name}, {"op", op}, {"value", value(constant)}};
  }

  json translate(const Node& n) const {
    switch (n.kind) {
    case NodeKind::binary: {
      const Node& a = *n.children[0];
      const Node& b = *n.children[1];
      if (n.op == "and" || n.op == "or") {
        const char* k = n.op == "and" ? "all" : "any";
        json parts = json::array();
        for (const Node* side : {&a, &b}) {
          json p = translate(*side);
          if (side->kind == NodeKind::binary && side->op == n.op) {
            for (auto& x : p[k])
              parts.push_back(std::move(x));
          } else {
            parts.push_back(std::move(p));
          }
        }
        return {{k, parts}};
      }
      if (n.op == "==" || n.op == "!=" || n.op == "<" || n.op == "<=" || n.op == ">" ||
          n.op == ">=") {
        if (a.kind == NodeKind::name && is_constant_literal(b)) return compare(a.text, n.op, b);
        if (b.kind == NodeKind::name && is_constant_literal(a))
          return compare(b.text, flip(n.op), a);
        fail(n, "a condition compares a KPI or key with a constant");
      }
      fail(n, "`" + n.op + "` is not allowed in a condition");
    }
    case NodeKind::unary:
      if (n.op == "not") return {{"not", translate(*n.children[0])}};
      break;
    case NodeKind::in_list: {
      const Node& x = *n.children[0];
      if (x.kind != NodeKind::name) fail(x, "`in` needs a key name on its left");
      json labels = json::array();
      for (std::size_t i = 1; i < n.children.size(); ++i) {
        if (n.children[i]->type != Type::string || n.children[i]->kind != NodeKind::literal)
          fail(*n.children[i], "`in` takes a list of strings");
        labels.push_back(n.children[i]->text);
      }
      json c = {{"key", x.text}, {"op", "in"}, {"value", labels}};
      return n.negated ? json{{"not", c}} : c;
    }
    case NodeKind::between: {
      const Node& x = *n.children[0];
      if (x.kind != NodeKind::name || !is_constant_literal(*n.children[1]) ||
          !is_constant_literal(*n.children[2]))
        fail(n, "`between` needs a KPI name and two constants");
      json c = {
          {"all", {compare(x.text, ">=", *n.children[1]), compare(x.text, "<=", *n.children[2])}}};
      return n.negated ? json{{"not", c}} : c;
    }
    default:
      break;
    }
    fail(n, "not a condition: write comparisons of a KPI or key with a constant, joined by and, "
            "or, not");
  }
};

} // namespace

std::string condition_to_json(std::string_view expression) {
  std::vector<Diagnostic> errors;
  Limits limits;
  limits.max_source_bytes = 64 * 1024;
  NodePtr root = parse_expression(expression, errors, limits);
  if (!errors.empty() || !root) {
    const Diagnostic& d = errors.front();
    throw std::invalid_argument("column " +
                                std::to_string(line_column(expression, d.range.begin).column) +
                                ": " + d.message + (d.hint.empty() ? "" : " (" + d.hint + ")"));
  }
  return Translator{expression}.translate(*root).dump();
}

} // namespace kpiscore::dsl
