#ifndef KPISCORE_DSL_SCORECARD_TEXT_HPP
#define KPISCORE_DSL_SCORECARD_TEXT_HPP

#include <kpiscore/dsl/diagnostic.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>

namespace kpiscore::dsl {

/// Translates a `.kpi` scorecard (docs/rules.md, "Scorecards in text") into the JSON scorecard
/// spec of docs/scoring.md, which scoring::Scorecard::compile then checks and compiles: a text
/// scorecard and its JSON twin compile to the same model (and the same fingerprint) by
/// construction. Syntax errors throw dsl::CompileError whose what() is
/// `FILE:LINE:COLUMN: error[E05xx]: MESSAGE` with the line and a caret; the spec's own checks
/// (units, weights, names) are reported by Scorecard with their JSON path.
///
/// When `where` is given it receives, for each JSON pointer of the spec the text wrote, the source
/// range it came from, so that Scorecard's errors (which carry JSON paths) can be shown at their
/// line and column (locate()).
using SpecSourceMap = std::map<std::string, SourceRange>;
nlohmann::json scorecard_text_to_json(std::string_view text, std::string_view file,
                                      SpecSourceMap* where = nullptr);

/// Translates a `.kpi` QA evaluation form (docs/rules.md, "QA forms in text"; a file whose first
/// statement is `form`) into the JSON form spec of docs/scoring.md, which scoring::QaForm::compile
/// checks and compiles: text and JSON compile to the same form. Errors as scorecard_text_to_json.
nlohmann::json form_text_to_json(std::string_view text, std::string_view file,
                                 SpecSourceMap* where = nullptr);

/// The source range of a spec error's JSON path: the longest recorded prefix of `path`
/// (`/indicators/0/rule/per` falls back to the rule, then to the indicator); {0, 0} when none.
SourceRange locate(const SpecSourceMap& where, std::string_view path);

/// True when the text starts (after blank and `#` comment lines) with a `scorecard` statement:
/// `kpiscore check FILE.kpi` uses it to tell a scorecard from a file of rules.
bool is_scorecard_text(std::string_view text);
/// True when the text starts with a `form` statement (a QA form in text).
bool is_form_text(std::string_view text);

} // namespace kpiscore::dsl

#endif
