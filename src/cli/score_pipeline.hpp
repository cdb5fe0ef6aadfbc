#ifndef KPISCORE_CLI_SCORE_PIPELINE_HPP
#define KPISCORE_CLI_SCORE_PIPELINE_HPP

// What `kpiscore score` and `kpiscore explain` share: their input options and the pipeline
// contacts (+ evaluations, + indicator tables) → KPIs per group → scores (score_command.cpp).
#include "cli_common.hpp"
#include "output_options.hpp"

#include <kpiscore/scoring.hpp>

#include <charconv>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kpiscore::cli {

struct ScoreArgs {
  std::string spec, input, by, options_path, tz, rejects_path;
  std::string evaluations_path, form_path, eval_rejects_path, indicators_path;
  scoring::QaAggregateOptions qa_options;
  bool strict = false;
  SharedOptions shared;

  /// Takes `a` (and its value) when it is an input option of `score`; false otherwise.
  bool take(const std::string& a, const std::function<const std::string&()>& value);
};

/// The scored table's inputs, kept for explanations: the joined KPI table (its indicator names
/// belong to `extra`).
struct ScoredInputs {
  KpiTable table;
  std::unique_ptr<scoring::IndicatorColumns> extra;
};

/// Reads, aggregates, joins and scores; nullopt when --strict refused a reject (exit 2).
/// Usage problems throw UsageError (messages name `command`).
std::optional<scoring::ScoreTable> score_groups(ScoreArgs& args, const std::string& command,
                                                const std::string& format,
                                                ScoredInputs* inputs = nullptr);

inline int parse_decimals(const std::string& v) {
  int decimals = -1;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), decimals);
  if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || decimals < 0 || decimals > 12)
    throw UsageError("--decimals: expected a number 0..12, actual '" + v + "'");
  return decimals;
}

} // namespace kpiscore::cli

#endif
