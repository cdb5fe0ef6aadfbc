#ifndef KPISCORE_DSL_PROGRAM_HPP
#define KPISCORE_DSL_PROGRAM_HPP

#include <kpiscore/dsl/ast.hpp>
#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/functions.hpp>
#include <kpiscore/dsl/parser.hpp>
#include <kpiscore/dsl/scope.hpp>
#include <kpiscore/dsl/types.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::dsl {

struct CompileOptions {
  Limits limits;
  const FunctionRegistry* functions = nullptr; ///< host functions (none by default)
  std::string file = "<rules>";                ///< the name diagnostics show
};

/// Evaluation settings. `budget` bounds the static cost estimate (cost per row × rows, in
/// operations) before anything runs; `cancel` is polled between chunks.
struct EvalOptions {
  double budget = 1e13;
  const std::atomic<bool>* cancel = nullptr;
  std::size_t batch_rows = 1024;
};

/// One output column: `numbers` for numeric types, `bools` for booleans, `strings` for strings;
/// `valid[i]` is 0 where the value is null.
struct Column {
  Type type = Type::null;
  std::vector<double> numbers;
  std::vector<std::uint8_t> bools;
  std::vector<std::string> strings;
  std::vector<std::uint8_t> valid;
  std::size_t size() const noexcept { return valid.size(); }
  bool is_null(std::size_t i) const { return valid[i] == 0; }
};

/// Per-rule counts over a table: a boolean rule fires where it is true; a null condition does
/// not fire and is counted in `nulls`.
struct RuleStats {
  std::string name;
  std::size_t rows = 0, fired = 0, not_fired = 0, nulls = 0;
};

struct Output {
  std::string name;
  Statement::Kind kind = Statement::Kind::rule;
  Type type = Type::null;
  SourceRange range; ///< the statement's expression
};

/// A compiled rules file or expression: immutable, cheap to copy (shared), safe to evaluate from
/// several threads at once. Parse → check → fold constants → lower to typed vector instructions
/// over batches of rows (docs/rules.md, "Engine").
class Program {
public:
  /// Compiles a rules file (`let`/`rule` statements); throws CompileError with every
  /// diagnostic.
  static Program compile(std::string_view source, const Scope& scope,
                         const CompileOptions& options = {});
  /// Compiles one expression as a program with a single output named "expr".
  static Program compile_expression(std::string_view source, const Scope& scope,
                                    const CompileOptions& options = {});
  /// Every diagnostic of a file (empty when it compiles).
  static std::vector<Diagnostic> check(std::string_view source, const Scope& scope,
                                       const CompileOptions& options = {});

  const std::vector<Output>& outputs() const noexcept;
  const std::string& source() const noexcept;
  /// Static cost estimate: weighted operations per row (constants are free).
  double cost_per_row() const noexcept;
  /// Number of vector instructions after constant folding.
  std::size_t instruction_count() const noexcept;

  /// Evaluates every output over all rows of `table` (bound to the same scope).
  /// Throws BudgetExceeded or Cancelled.
  std::vector<Column> evaluate(const Table& table, const EvalOptions& options = {}) const;
  /// The same into `out`, reusing its storage (for repeated evaluations).
  void evaluate_into(const Table& table, std::vector<Column>& out,
                     const EvalOptions& options = {}) const;
  /// Firing and null counts of every output over all rows.
  std::vector<RuleStats> stats(const Table& table, const EvalOptions& options = {}) const;
  /// For one row: every node of every output with its source text, type and value, and each
  /// sub-condition's result, as JSON (docs/rules.md, "Explain").
  std::string explain_json(const Table& table, std::size_t row) const;

  struct Impl;

private:
  explicit Program(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

} // namespace kpiscore::dsl

#endif
