#include "scoring/scoring_test_util.hpp"

namespace kpiscore::scoring {
namespace {

TEST(Ranking, TiesTakeTheMinRankAndPercentileIsRankMinusOneOverNMinusOne) {
  const std::vector<double> s{80, 95, 90, 90, NAN};
  const std::vector<std::vector<std::optional<std::string>>> keys{{"a"}, {"b"}, {"c"}, {"d"}, {"e"}};
  const auto r = rank_scores(s, {"agent_id"}, keys);
  EXPECT_EQ(r[1].rank, 1u);
  EXPECT_EQ(r[2].rank, 2u);
  EXPECT_EQ(r[3].rank, 2u);
  EXPECT_EQ(r[0].rank, 4u);
  EXPECT_FALSE(r[4].rank);
  EXPECT_EQ(r[0].n, 4u);
  EXPECT_DOUBLE_EQ(r[1].percentile, 0.0);
  EXPECT_DOUBLE_EQ(r[2].percentile, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(r[0].percentile, 1.0);
  EXPECT_DOUBLE_EQ(r[0].gap_to_best, 15);
}

TEST(Ranking, WithinPartitions) {
  const std::vector<double> s{70, 80, 60, 95};
  const std::vector<std::vector<std::optional<std::string>>> keys{
      {"a", "2026-01"}, {"b", "2026-01"}, {"a", "2026-02"}, {"b", "2026-02"}};
  const std::vector<std::string> within{"month"};
  const auto r = rank_scores(s, {"agent_id", "month"}, keys, within);
  EXPECT_EQ(r[0].rank, 2u);
  EXPECT_EQ(r[1].rank, 1u);
  EXPECT_EQ(r[2].rank, 2u);
  EXPECT_EQ(r[3].n, 2u);
  EXPECT_DOUBLE_EQ(r[2].gap_to_best, 35);
  const std::vector<std::string> bad{"team"};
  EXPECT_THROW(rank_scores(s, {"agent_id", "month"}, keys, bad), std::invalid_argument);
}

TEST(Ranking, SingleGroupIsPercentileZero) {
  const std::vector<double> s{50};
  const auto r = rank_scores(s, {}, {{}});
  EXPECT_EQ(r[0].rank, 1u);
  EXPECT_DOUBLE_EQ(r[0].percentile, 0.0);
}

} // namespace
} // namespace kpiscore::scoring
