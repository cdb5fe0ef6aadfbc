#ifndef KPISCORE_DSL_PARSER_HPP
#define KPISCORE_DSL_PARSER_HPP

#include <kpiscore/dsl/ast.hpp>
#include <kpiscore/dsl/diagnostic.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::dsl {

/// Limits that keep an untrusted rules text cheap to compile and run (docs/rules.md, "Limits").
/// The grammar has no loops, recursion, I/O or regular expressions; these bound the rest.
struct Limits {
  std::size_t max_source_bytes = 1 << 20; ///< E0301
  std::size_t max_depth = 100;            ///< nesting of expressions, E0302
  std::size_t max_nodes = 20000;          ///< syntax nodes of a whole file, E0303
  std::size_t max_errors = 50;            ///< diagnostics reported before the compile stops
};

enum class TokenKind : std::uint8_t {
  end,
  identifier,
  keyword,
  number,   ///< plain number (`30`, `2.5`)
  duration, ///< `30s`, `5min`, `1h30m`, `250ms` (value in seconds)
  percent,  ///< `85%` (value 0.85)
  time,     ///< `@2026-03-01`, `@2026-03-01T08:30` (UTC epoch seconds)
  string,   ///< "..." with \" \\ \n \t escapes (value unescaped in `text`)
  symbol,   ///< operators and punctuation
  newline,
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::string text; ///< identifier/keyword/symbol spelling, or the unescaped string
  double value = 0;
  bool integral = false; ///< a plain number without a fraction
  SourceRange range;
};

/// Splits `source` into tokens; lexical errors (E00xx) go to `errors`. Comments run from `#` to
/// the end of the line. Newlines are tokens (they end statements in files).
std::vector<Token> tokenize(std::string_view source, std::vector<Diagnostic>& errors);

/// Parses one expression (the whole text).
NodePtr parse_expression(std::string_view source, std::vector<Diagnostic>& errors,
                         const Limits& limits = {});

/// Parses a rules file: statements separated by newlines (an expression continues over a newline
/// inside brackets or after a binary operator).
std::vector<Statement> parse_file(std::string_view source, std::vector<Diagnostic>& errors,
                                  const Limits& limits = {});

} // namespace kpiscore::dsl

#endif
