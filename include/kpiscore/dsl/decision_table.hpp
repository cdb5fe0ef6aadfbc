#ifndef KPISCORE_DSL_DECISION_TABLE_HPP
#define KPISCORE_DSL_DECISION_TABLE_HPP

#include <kpiscore/dsl/types.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::dsl {

/// OMG DMN 1.3 hit policies (clause 8, "Decision Table"). UNIQUE: at most one rule may match
/// (two rules that can match the same input are a compile error, E0606); FIRST: the first
/// matching rule in rule order; PRIORITY: the matching rule whose output comes first in the
/// output's list of values (ties: rule order); COLLECT: every matching rule, aggregated by
/// SUM, MIN, MAX or COUNT (a table with an aggregation has at most one output, as in DMN).
enum class HitPolicy : std::uint8_t { unique, first, priority, collect };
enum class Aggregation : std::uint8_t { none, sum, min, max, count };
std::string_view name_of(HitPolicy p) noexcept;
std::string_view name_of(Aggregation a) noexcept;

/// One interval of a numeric input entry; infinite ends are open.
struct Interval {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_closed = false, hi_closed = false;
  bool contains(double x) const noexcept {
    return (x > lo || (lo_closed && x == lo)) && (x < hi || (hi_closed && x == hi));
  }
  bool operator==(const Interval&) const = default;
};

/// An input entry: a FEEL simple unary test (OMG DMN 1.3 clause 10.3, FEEL "simple positive unary
/// tests" and `not(...)`): `-` (any value, and the only entry a null input matches), a comparison
/// `< 90`, `>= 85%`, `= 30s` (or the bare value), an interval `[80..90)`, `]80..90[`, a string
/// `"phone"`, a list of those separated by commas, or `not(list)`.
struct UnaryTest {
  bool any = false;
  bool negated = false;
  std::vector<Interval> intervals; ///< numeric columns: the union tested
  std::vector<std::string> labels; ///< string columns: the labels tested
  std::string text;                ///< as written

  /// Whether a (non-null) value passes. Null passes only `-`.
  bool matches(double x) const noexcept;
  bool matches(std::string_view s) const noexcept;
  bool operator==(const UnaryTest& o) const noexcept {
    return any == o.any && negated == o.negated && intervals == o.intervals && labels == o.labels;
  }
};

/// A column of a table. Inputs name a value of the host's scope (a KPI, a group key, a score);
/// outputs name what the table decides (`grade`, `bonus`, `target`). `type` is numeric (its
/// unit: number, points, duration in seconds, ratio as a fraction) or string. `values` is an
/// output's ordered list of allowed values (DMN "output values"): PRIORITY ranks by it.
struct TableColumn {
  std::string name;
  Type type = Type::number;
  std::vector<std::string> values;
  bool operator==(const TableColumn&) const = default;
};

/// An output entry: a constant (a number in the column's unit, or a string).
struct OutputValue {
  double number = 0;
  std::string label;
  std::string source; ///< the JSON text of the entry (`"120%"`, `5`)
  bool operator==(const OutputValue&) const = default;
};

struct TableRule {
  std::vector<UnaryTest> inputs;
  std::vector<OutputValue> outputs;
  bool operator==(const TableRule&) const = default;
};

/// An error in a table: a stable code (E06xx, docs/rules.md), the JSON pointer of the cell or
/// key below the table's own path (`/rules/3/when/1`; "" for the table), and the message.
class TableError : public std::invalid_argument {
public:
  TableError(std::string code, std::string path, std::string message)
      : std::invalid_argument(code + ": " + (path.empty() ? "/" : path) + ": " + message),
        code_(std::move(code)), path_(std::move(path)), message_(std::move(message)) {}
  const std::string& code() const noexcept { return code_; }
  const std::string& path() const noexcept { return path_; }
  const std::string& message() const noexcept { return message_; }

private:
  std::string code_, path_, message_;
};

/// The host's columns: the type of an input or output name, nullopt when unknown; `values`
/// receives an output's allowed values when the host fixes them (grade names).
struct TableScope {
  std::function<std::optional<Type>(std::string_view)> input;
  std::function<std::optional<Type>(std::string_view, std::vector<std::string>& values)> output;
  std::vector<std::string> input_names; ///< for "did you mean" hints
  std::vector<std::string> output_names;
};

/// What one row of a batch of inputs is, per input column: numbers (NaN = null) or labels
/// (with an optional validity byte per row; 0 = null).
struct TableInput {
  const double* numbers = nullptr;
  const std::string_view* labels = nullptr;
  const std::uint8_t* valid = nullptr;
};

/// A compiled decision table (JSON form in docs/rules.md, "Decision tables"):
///   {"hit_policy": "first", "aggregation": "sum", "allow_gaps": false,
///    "inputs": ["score", "channel"], "outputs": ["grade", {"name": "bonus"}],
///    "rules": [{"when": [">= 90", "-"], "then": ["A", "120%"]}, ...]}
/// Checked at compile time: every cell's syntax and unit; gaps (an input combination no rule
/// matches, exactly per numeric interval; E0605, unless allow_gaps); for UNIQUE two rules that
/// can both match (E0606); for FIRST and PRIORITY a rule that can never be chosen because
/// rules before it (of higher or equal priority) cover every input it matches (E0607).
/// Evaluation is indexed: per input column the sorted interval boundaries (or labels) map a
/// value to an elementary segment, each with the bitset of rules whose entry covers it; a
/// row's candidates are the AND of its columns' bitsets, so a large table is not scanned row
/// by row. Immutable after compile; safe to share between threads.
class DecisionTable {
public:
  struct Options {
    bool check =
        true; ///< run the gap/overlap/shadow checks (false: a UNIQUE violation shows at run time)
    std::size_t max_rules = 100000;
    /// Per input: (elementary segments + 1) × 64-bit words of rule bits, at most (E0603).
    std::size_t max_index_words = std::size_t{1} << 24;
    std::size_t max_columns = 64;
    std::size_t check_budget = 4000000; ///< elementary steps of the checks (E0608 beyond)
  };

  /// Compiles the JSON form. Errors are appended to `errors` (several per table, cells in
  /// order); without `errors` the first is thrown.
  static DecisionTable compile(const nlohmann::json& j, const TableScope& scope,
                               std::vector<TableError>* errors = nullptr);
  static DecisionTable compile(const nlohmann::json& j, const TableScope& scope,
                               const Options& options, std::vector<TableError>* errors);

  HitPolicy hit_policy() const noexcept { return policy_; }
  Aggregation aggregation() const noexcept { return aggregation_; }
  bool allow_gaps() const noexcept { return allow_gaps_; }
  const std::vector<TableColumn>& inputs() const noexcept { return inputs_; }
  const std::vector<TableColumn>& outputs() const noexcept { return outputs_; }
  const std::vector<TableRule>& rules() const noexcept { return rules_; }
  std::optional<std::size_t> output_index(std::string_view name) const noexcept;

  /// Result codes of evaluate(): no rule matched (or COLLECT found nothing: its value is null),
  /// or a UNIQUE table had several matches (DMN: the result is null; only possible when the
  /// table was compiled with check = false).
  static constexpr std::int32_t no_match = -1;
  static constexpr std::int32_t unique_violation = -2;
  static constexpr std::int32_t collected = -3; ///< COLLECT with at least one match

  /// Evaluates `n` rows. `rule[i]` is the chosen rule (single-hit policies) or a code above;
  /// `value[i]` (may be null for single-hit tables) is the COLLECT aggregate (NaN when null),
  /// or for single-hit tables the first output's number of the chosen rule (NaN when none).
  void evaluate(std::span<const TableInput> columns, std::size_t n, std::int32_t* rule,
                double* value) const;
  /// Every rule that matches one row, in rule order (explanations; COLLECT's list).
  std::vector<std::size_t> matching(std::span<const TableInput> columns, std::size_t row) const;

  /// The rule as one line: `>= 90 | <= 5% => A | 120%`.
  std::string describe(std::size_t rule) const;
  /// The canonical JSON form (as compile reads it).
  nlohmann::json to_json() const;

  bool operator==(const DecisionTable& o) const noexcept {
    return policy_ == o.policy_ && aggregation_ == o.aggregation_ && allow_gaps_ == o.allow_gaps_ &&
           inputs_ == o.inputs_ && outputs_ == o.outputs_ && rules_ == o.rules_;
  }

  struct Index; ///< per column: boundaries or labels, and segment bitsets

private:
  HitPolicy policy_ = HitPolicy::unique;
  Aggregation aggregation_ = Aggregation::none;
  bool allow_gaps_ = false;
  std::vector<TableColumn> inputs_, outputs_;
  std::vector<TableRule> rules_;
  std::vector<std::uint32_t> rank_; ///< PRIORITY: per rule its rank (lower wins)
  std::shared_ptr<const Index> index_;
};

/// Parses one input entry of a column of type `t` (the syntax of UnaryTest). Throws
/// TableError (E0601 syntax, E0602 unit or type) with path "".
UnaryTest parse_unary_test(std::string_view text, Type t);

} // namespace kpiscore::dsl

#endif
