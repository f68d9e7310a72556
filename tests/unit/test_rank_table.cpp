// The select-rank table: stability is blind to column order and scale and
// drops for unrelated components; the rule picks the smallest k within one
// standard error of the best among the stable ks.
#include <gtest/gtest.h>

#include <cmath>

#include "gridnmf/selection/rank_table.hpp"

namespace gridnmf::selection {
namespace {

LocalMatrix<double> matrix(std::int64_t rows, std::int64_t cols, double seed) {
  LocalMatrix<double> w(rows, cols);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) w(r, c) = std::fabs(std::sin(seed * (r + 1) * (c + 2)));
  return w;
}

TEST(RankTable, StabilityIgnoresColumnOrderAndScale) {
  const LocalMatrix<double> a = matrix(30, 4, 1.3);
  LocalMatrix<double> b(30, 4);
  const int order[4] = {2, 0, 3, 1};
  for (std::int64_t r = 0; r < 30; ++r)
    for (int c = 0; c < 4; ++c) b(r, c) = 7.0 * (c + 1) * a(r, order[c]);
  EXPECT_NEAR(matched_cosine_stability({&a, &b}), 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(matched_cosine_stability({&a}), 1.0);
}

TEST(RankTable, StabilityDropsForUnrelatedComponents) {
  LocalMatrix<double> a(4, 2), b(4, 2);
  a(0, 0) = a(1, 1) = 1.0;  // disjoint supports: cosine 0 whatever the matching
  b(2, 0) = b(3, 1) = 1.0;
  EXPECT_NEAR(matched_cosine_stability({&a, &b}), 0.0, 1e-15);
  LocalMatrix<double> c = a;  // one pair the same, one pair disjoint: mean of 1, 0, 0
  EXPECT_NEAR(matched_cosine_stability({&a, &b, &c}), 1.0 / 3.0, 1e-15);
}

TEST(RankTable, SummaryHasMeanSpreadAndStandardError) {
  std::vector<SweepCell> cells;
  for (int r = 0; r < 3; ++r) {
    SweepCell cell;
    cell.k = 2;
    cell.replicate = r;
    cell.train_error = 0.1 * (r + 1);
    cell.heldout_error = 1.0 + r;
    cell.w = matrix(10, 2, 0.7);
    cells.push_back(cell);
  }
  const std::vector<RankRow> rows = summarize(cells);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NEAR(rows[0].train_mean, 0.2, 1e-15);
  EXPECT_NEAR(rows[0].heldout_mean, 2.0, 1e-15);
  EXPECT_NEAR(rows[0].heldout_sd, 1.0, 1e-15);
  EXPECT_NEAR(rows[0].heldout_se, 1.0 / std::sqrt(3.0), 1e-15);
  EXPECT_NEAR(rows[0].stability, 1.0, 1e-12);
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
