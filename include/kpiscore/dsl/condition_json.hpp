#ifndef KPISCORE_DSL_CONDITION_JSON_HPP
#define KPISCORE_DSL_CONDITION_JSON_HPP

#include <string>
#include <string_view>

namespace kpiscore::dsl {

/// Translates a condition written in the rules language into the structured JSON condition of
/// scorecard specs (docs/scoring.md, "Conditions"), so that a spec may write
/// `"when": "channel == \"phone\" and complaint_rate > 5%"` wherever it takes a condition.
///
/// Allowed: `NAME op CONSTANT` (either side; a string constant makes a key comparison, any other
/// a KPI comparison with the value in its unit: `30s`, `85%`, `1h30m`, `0.85`, `30`),
/// `NAME in [strings]`, `NAME not in [..]`, `NAME between a and b`, `and`, `or`, `not`,
/// parentheses. The spec then checks names, units and operators as for the structured form. Throws
/// std::invalid_argument "column C: MESSAGE" for anything else.
std::string condition_to_json(std::string_view expression);

} // namespace kpiscore::dsl

#endif
