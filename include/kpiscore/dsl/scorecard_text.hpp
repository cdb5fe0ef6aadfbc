#ifndef KPISCORE_DSL_SCORECARD_TEXT_HPP
#define KPISCORE_DSL_SCORECARD_TEXT_HPP

#include <nlohmann/json.hpp>

#include <string_view>

namespace kpiscore::dsl {

/// Translates a `.kpi` scorecard (docs/rules.md, "Scorecards in text") into the JSON scorecard
/// spec of docs/scoring.md, which scoring::Scorecard::compile then checks and compiles: a text
/// scorecard and its JSON twin compile to the same model (and the same fingerprint) by
/// construction. Syntax errors throw dsl::CompileError whose what() is
/// `FILE:LINE:COLUMN: error[E05xx]: MESSAGE` with the line and a caret; the spec's own checks
/// (units, weights, names) are reported by Scorecard with their JSON path.
nlohmann::json scorecard_text_to_json(std::string_view text, std::string_view file);

/// True when the text starts (after blank and `#` comment lines) with a `scorecard` statement:
/// `kpiscore check FILE.kpi` uses it to tell a scorecard from a file of rules.
bool is_scorecard_text(std::string_view text);

} // namespace kpiscore::dsl

#endif
