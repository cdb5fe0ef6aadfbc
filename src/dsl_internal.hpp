// Internals shared by the checker and the compiler of the rules language (not installed).
#ifndef KPISCORE_SRC_DSL_INTERNAL_HPP
#define KPISCORE_SRC_DSL_INTERNAL_HPP

#include <kpiscore/dsl/program.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kpiscore::dsl::detail {

/// Built-in functions, in the order of builtin_function_names().
enum class Builtin : std::uint8_t {
  min,
  max,
  clamp,
  abs,
  round,
  floor,
  ceil,
  coalesce,
  lower,
  upper,
  starts_with,
  ends_with,
  contains,
  count,
  sum,
  mean,
};
std::optional<Builtin> builtin_of(std::string_view name);

/// Whether an expression has no names and no aggregates (a list element, a folded constant).
bool is_constant(const Node& n);

struct LetInfo {
  std::string name;
  std::size_t statement = 0;
  Type type = Type::null;
  bool aggregate = false;
};

struct Checker {
  const Scope& scope;
  const FunctionRegistry* host = nullptr;
  std::vector<Diagnostic>& errors;
  std::vector<LetInfo> lets;
  bool aggregate_context = false;     ///< checking a `kpi` expression
  const Scope* group_scope = nullptr; ///< names a `kpi` may use outside aggregates

  bool check(Node& n, bool in_aggregate = false);

private:
  bool check_call(Node& n, bool in_aggregate);
  void error(std::string code, std::string message, SourceRange r, std::string hint = {});
  bool unit_literal_error(const Node& lit, Type unit);
  std::optional<Type> common(const Node& a, const Node& b, std::string_view verb,
                             SourceRange where);
  bool expect_bool(const Node& n, std::string_view what);
};

} // namespace kpiscore::dsl::detail

#endif
