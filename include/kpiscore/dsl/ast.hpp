#ifndef KPISCORE_DSL_AST_HPP
#define KPISCORE_DSL_AST_HPP

#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/types.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kpiscore::dsl {

enum class NodeKind : std::uint8_t {
  literal,    ///< number/duration/ratio/string/bool/null/time constant (value in `number`/`text`)
  name,       ///< a field of the scope or a `let` (dotted names are one name)
  unary,      ///< op: "-" or "not"
  binary,     ///< op: + - * / == != < <= > >= and or ??
  is_missing, ///< `x is missing` (negated: `x is not missing`)
  in_list,    ///< `x in [a, b]` (negated: `x not in [..]`), children[0] = x, rest the list
  between,    ///< `x between lo and hi` (negated: `not between`)
  if_else,    ///< children: condition, then, else
  call,       ///< `text` is the function name, children the arguments
};

/// A node of the syntax tree. `type` is set by the checker; `range` covers the node's text.
struct Node {
  NodeKind kind = NodeKind::literal;
  std::string op;   ///< operator spelling (unary/binary)
  std::string text; ///< name, function name or string literal
  double number = 0;
  Type type = Type::null;
  bool negated = false;
  bool plain_literal = false; ///< a number written without a unit (for the `30s` hint)
  /// Set by the checker: a name's field index (or, with `binds_let`, the index of its `let`
  /// statement); a call's built-in id (or, with `host`, its host function index).
  std::int32_t slot = -1;
  bool binds_let = false;
  bool host = false;
  std::uint32_t depth = 1; ///< height of a binary operator chain (bounded by Limits::max_depth)
  SourceRange range;
  std::vector<std::unique_ptr<Node>> children;
};
using NodePtr = std::unique_ptr<Node>;

/// A top-level statement of a rules file:
///   let NAME = EXPR      a named sub-expression, usable by later statements
///   rule NAME = EXPR     a rule: a condition (bool) or a value, reported in explain and stats
///   kpi NAME = EXPR      a custom KPI over record expressions (aggregate functions)
struct Statement {
  enum class Kind : std::uint8_t { let, rule, kpi } kind = Kind::rule;
  std::string name;
  SourceRange name_range;
  NodePtr expr;
  NodePtr where; ///< `kpi ... where COND` filter (record scope)
};

} // namespace kpiscore::dsl

#endif
