#ifndef KPISCORE_SCORING_RANKING_HPP
#define KPISCORE_SCORING_RANKING_HPP

#include <kpiscore/scoring/score_table.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kpiscore::scoring {

/// The place of a group among the groups that share its `within` keys (e.g. agents within each
/// month). Higher scores rank first; ties share the lowest rank ("min" method: 95, 90, 90, 80
/// rank 1, 2, 2, 4); percentile = (rank − 1)/(n − 1) (0 for the best, 1 for the last, 0 when
/// n = 1); gap_to_best = best score − score. Unrounded scores are compared. An N/A score is
/// not ranked (rank nullopt) and does not count in n.
struct Rank {
  std::optional<std::uint32_t> rank;
  std::uint32_t n = 0;
  double percentile = 0;
  double gap_to_best = 0;
  bool operator==(const Rank&) const = default;
};

/// Ranks `scores` (one per group, NaN = N/A) within the partitions of the `within` keys.
std::vector<Rank> rank_scores(std::span<const double> scores,
                              const std::vector<std::string>& key_names,
                              const std::vector<std::vector<std::optional<std::string>>>& keys,
                              std::span<const std::string> within = {});

/// Ranks the overall scores (or a node's, by name) of a ScoreTable.
std::vector<Rank> rank(const ScoreTable& t, std::span<const std::string> within = {},
                       const std::string& node = "overall");

} // namespace kpiscore::scoring

#endif
