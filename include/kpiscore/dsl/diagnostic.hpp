#ifndef KPISCORE_DSL_DIAGNOSTIC_HPP
#define KPISCORE_DSL_DIAGNOSTIC_HPP

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::dsl {

/// A byte range of the user's source text: [begin, begin + length). Every token, node and
/// diagnostic carries one, so positions always refer to what the author wrote (constant folding
/// and desugaring keep the range of the original text).
struct SourceRange {
  std::uint32_t begin = 0;
  std::uint32_t length = 0;
  std::uint32_t end() const noexcept { return begin + length; }
  static SourceRange cover(SourceRange a, SourceRange b) noexcept {
    const std::uint32_t lo = a.begin < b.begin ? a.begin : b.begin;
    const std::uint32_t hi = a.end() > b.end() ? a.end() : b.end();
    return {lo, hi - lo};
  }
  bool operator==(const SourceRange&) const = default;
};

/// 1-based line and column (in bytes) of an offset.
struct LineColumn {
  std::uint32_t line = 1, column = 1;
};
LineColumn line_column(std::string_view source, std::uint32_t offset) noexcept;

/// One compile error. `code` is stable across releases (docs/rules.md lists them all), the
/// message names the construct (never data), `hint` is empty or a suggestion ("did you mean
/// `aht_s`?").
struct Diagnostic {
  std::string code; ///< "E0102"
  std::string message;
  SourceRange range;
  std::string hint;
  bool operator==(const Diagnostic&) const = default;
};

/// Renders a diagnostic the way a compiler does:
///
///     rules.kpi:3:10: error[E0102]: unknown name `ahts`
///       3 | rule x = ahts > 5min
///         |          ^^^^
///         = hint: did you mean `aht_s`?
std::string format(const Diagnostic& d, std::string_view file, std::string_view source);
std::string format(const std::vector<Diagnostic>& ds, std::string_view file,
                   std::string_view source);

/// Thrown by compile(): every diagnostic of the compile (in source order), what() is their
/// formatted text.
class CompileError : public std::invalid_argument {
public:
  CompileError(std::vector<Diagnostic> ds, std::string text)
      : std::invalid_argument(std::move(text)), diagnostics_(std::move(ds)) {}
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

private:
  std::vector<Diagnostic> diagnostics_;
};

/// Thrown by evaluation when the static cost estimate (operations × rows) exceeds the budget,
/// or when the caller cancelled between chunks.
class BudgetExceeded : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};
class Cancelled : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Edit distance (insert, delete, substitute, swap two neighbours: cost 1 each; Damerau's
/// optimal string alignment), for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The closest candidate within a distance of max(1, |name| / 3), or "" when none is close.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

} // namespace kpiscore::dsl

#endif
