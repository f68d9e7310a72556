// The select-rank table: the matched cosine takes the best matching, the
// stability is the mean over replicate pairs; the rule picks the smallest k within one
// standard error of the best among the stable ks.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "gridnmf/selection/rank_table.hpp"

namespace gridnmf::selection {
namespace {

TEST(RankTable, MatchedCosineTakesTheBestOneToOneMatching) {
  // Component i of one replicate is component order[i] of the other.
  const std::int64_t k = 3;
  const std::vector<double> cosines = {0.1, 0.2, 0.95,  //
                                       0.9, 0.3, 0.1,   //
                                       0.2, 0.8, 0.4};
  EXPECT_NEAR(matched_cosine(cosines, k), (0.95 + 0.9 + 0.8) / 3.0, 1e-15);
  // Greedy would take 0.9 for (0, 0) and leave (1, 1) at 0: the matching does better.
  EXPECT_NEAR(matched_cosine({0.9, 0.8, 0.85, 0.0}, 2), (0.8 + 0.85) / 2.0, 1e-15);
}

TEST(RankTable, SummaryHasMeanSpreadStandardErrorAndPairwiseStability) {
  std::vector<SweepCell> cells;
  const std::vector<std::vector<double>> cosines = {{}, {0.9}, {0.6, 0.3}};
  for (int r = 2; r >= 0; --r) {  // any order of cells
    SweepCell cell;
    cell.k = 2;
    cell.replicate = r;
    cell.train_error = 0.1 * (r + 1);
    cell.heldout_error = 1.0 + r;
    cell.matched_cosines = cosines[r];
    cells.push_back(cell);
  }
  const std::vector<RankRow> rows = summarize(cells);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NEAR(rows[0].train_mean, 0.2, 1e-15);
  EXPECT_NEAR(rows[0].heldout_mean, 2.0, 1e-15);
  EXPECT_NEAR(rows[0].heldout_sd, 1.0, 1e-15);
  EXPECT_NEAR(rows[0].heldout_se, 1.0 / std::sqrt(3.0), 1e-15);
  EXPECT_NEAR(rows[0].stability, (0.9 + 0.6 + 0.3) / 3.0, 1e-15);
  // One replicate: stable by definition; a cell without its pair is refused.
  EXPECT_DOUBLE_EQ(summarize({cells[2]})[0].stability, 1.0);
  cells[0].matched_cosines = {0.6};
  EXPECT_THROW(summarize(cells), std::invalid_argument);
}

RankRow row(std::int64_t k, double mean, double se, double stability) {
  RankRow r;
  r.k = k;
  r.heldout_mean = mean;
  r.heldout_se = se;
  r.stability = stability;
  return r;
}

TEST(RankTable, RuleTakesTheSmallestStableKWithinOneStandardError) {
  // Best mean at k = 5 (0.50 + 0.05): k = 4 (0.54) is within reach, k = 3 is not.
  const std::vector<RankRow> rows = {row(2, 0.9, 0.01, 1.0), row(3, 0.6, 0.01, 1.0),
                                     row(4, 0.54, 0.01, 0.95), row(5, 0.50, 0.05, 0.9),
                                     row(6, 0.52, 0.01, 0.5)};
  const Recommendation pick = recommend_rank(rows, 0.8);
  EXPECT_EQ(pick.k, 4);
  EXPECT_NE(pick.rule.find("within one standard error"), std::string::npos);
  // Unstable ks are not candidates: with k = 4 unstable the rule takes 5.
  std::vector<RankRow> unstable = rows;
  unstable[2].stability = 0.1;
  EXPECT_EQ(recommend_rank(unstable, 0.8).k, 5);
  // No stable k: every k is considered, and the rule says so.
  const Recommendation none = recommend_rank(rows, 1.5);
  EXPECT_EQ(none.k, 4);
  EXPECT_NE(none.rule.find("all ks were considered"), std::string::npos);
}

}  // namespace
}  // namespace gridnmf::selection
