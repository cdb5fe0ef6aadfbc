#ifndef KPISCORE_SCORING_ROLLUP_HPP
#define KPISCORE_SCORING_ROLLUP_HPP

#include <kpiscore/scoring/score_table.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kpiscore::scoring {

/// A period roll-up: an annual (or quarterly) score from period scores, as the manuals' annual
/// assessment combines monthly results.
enum class RollupMethod : std::uint8_t {
  mean,     ///< plain mean of the periods' scores
  weighted, ///< weighted by a per-group weight (e.g. contacts handled in the period)
};

struct RolledUpScores {
  std::vector<std::string> key_names;
  std::vector<std::vector<std::optional<std::string>>> keys;
  std::vector<double> node_scores; ///< [group * nodes + n] (n = 0 overall); NaN: no scored period
  std::vector<std::uint32_t> periods; ///< periods with an overall score
  std::vector<double> weight;         ///< sum of the weights used (periods for mean)
  std::vector<int> grade;             ///< the scorecard's grade of the rolled-up overall score
  std::size_t nodes = 0;
  std::size_t size() const noexcept { return keys.size(); }
  double overall(std::size_t g) const noexcept { return node_scores[g * nodes]; }
};

/// Rolls `t` up to the groups of the `keep` keys (e.g. keep agent_id of agent_id × month):
/// every node's score is the mean (or weighted mean) over the periods where that node has a
/// score; N/A periods are skipped, never counted as 0. Weights must be one per group of `t`,
/// finite and >= 0 (std::invalid_argument otherwise); a node whose periods all weigh 0 is N/A.
/// The rolled-up overall score is graded with the scorecard's bands; penalties are not
/// re-applied (each period's score already carries its own).
RolledUpScores roll_up(const ScoreTable& t, std::span<const std::string> keep,
                       RollupMethod method = RollupMethod::mean, std::span<const double> weights = {});

/// One weight per group of a KpiTable from a KPI column (e.g. "handled"); null counts as 0.
std::vector<double> weights_from(const KpiTable& table, std::string_view kpi);

} // namespace kpiscore::scoring

#endif
