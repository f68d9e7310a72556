// Distribution arithmetic: every row and column of V, W and H is owned exactly
// once, blocks are near-equal, and grids that leave a block empty are refused.
#include <gtest/gtest.h>

#include <vector>

#include "gridnmf/error.hpp"
#include "gridnmf/matrix/distribution.hpp"

namespace gridnmf {
namespace {

TEST(BlockRange, SplitsIntoNearEqualConsecutivePieces) {
  EXPECT_EQ(block_range(10, 3, 0).begin, 0);
  EXPECT_EQ(block_range(10, 3, 0).size, 4);
  EXPECT_EQ(block_range(10, 3, 1).begin, 4);
  EXPECT_EQ(block_range(10, 3, 1).size, 3);
  EXPECT_EQ(block_range(10, 3, 2).begin, 7);
  EXPECT_EQ(block_range(10, 3, 2).size, 3);
  EXPECT_EQ(block_range(2, 4, 3).size, 0);
}

// Counts, for every global index, how many pieces contain it.
std::vector<int> coverage(std::int64_t total, const std::vector<IndexRange>& pieces) {
  std::vector<int> count(static_cast<size_t>(total), 0);
  for (const IndexRange& piece : pieces)
    for (std::int64_t x = piece.begin; x < piece.end(); ++x) ++count[x];
  return count;
}

TEST(Distribution, EveryIndexOwnedExactlyOnce) {
  for (std::int64_t m : {1, 2, 3, 7, 37, 100}) {
    for (std::int64_t n : {1, 4, 23, 64}) {
      for (int pr = 1; pr <= 6; ++pr) {
        for (int pc = 1; pc <= 6; ++pc) {
          if (pr > m || pc > n) continue;
          SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n) + " on " +
                       std::to_string(pr) + "x" + std::to_string(pc));
          const Distribution dist(m, n, pr, pc);
          std::vector<IndexRange> v_rows, v_cols, w_rows, h_cols;
          std::int64_t v_entries = 0;
          for (int i = 0; i < pr; ++i) v_rows.push_back(dist.block_rows(i));
          for (int j = 0; j < pc; ++j) v_cols.push_back(dist.block_cols(j));
          for (int i = 0; i < pr; ++i) {
            for (int j = 0; j < pc; ++j) {
              w_rows.push_back(dist.owned_w_rows(i, j));
              h_cols.push_back(dist.owned_h_cols(i, j));
              EXPECT_GE(dist.block_rows(i).size, 1);
              EXPECT_GE(dist.block_cols(j).size, 1);
              v_entries += dist.block_rows(i).size * dist.block_cols(j).size;
              // W and H pieces lie inside the V block they pair with.
              EXPECT_GE(dist.owned_w_rows(i, j).begin, dist.block_rows(i).begin);
              EXPECT_LE(dist.owned_w_rows(i, j).end(), dist.block_rows(i).end());
              EXPECT_GE(dist.owned_h_cols(i, j).begin, dist.block_cols(j).begin);
              EXPECT_LE(dist.owned_h_cols(i, j).end(), dist.block_cols(j).end());
            }
          }
          EXPECT_EQ(v_entries, m * n);
          EXPECT_EQ(coverage(m, v_rows), std::vector<int>(m, 1));
          EXPECT_EQ(coverage(n, v_cols), std::vector<int>(n, 1));
          EXPECT_EQ(coverage(m, w_rows), std::vector<int>(m, 1));
          EXPECT_EQ(coverage(n, h_cols), std::vector<int>(n, 1));
          // Near-equal: block sizes differ by at most one.
          EXPECT_LE(dist.block_rows(0).size - dist.block_rows(pr - 1).size, 1);
          EXPECT_LE(dist.block_cols(0).size - dist.block_cols(pc - 1).size, 1);
        }
      }
    }
  }
}

TEST(Distribution, PieceSizesMatchOwnership) {
  const Distribution dist(37, 23, 2, 3);
  const std::vector<std::int64_t> w = dist.w_piece_sizes(1);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0] + w[1] + w[2], dist.block_rows(1).size);
  EXPECT_EQ(w[2], dist.owned_w_rows(1, 2).size);
  const std::vector<std::int64_t> h = dist.h_piece_sizes(2);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0] + h[1], dist.block_cols(2).size);
}

TEST(Distribution, RejectsGridsThatLeaveABlockEmpty) {
  EXPECT_THROW(Distribution(3, 10, 4, 1), UsageError);   // more grid rows than rows
  EXPECT_THROW(Distribution(10, 2, 1, 3), UsageError);   // more grid columns than columns
  EXPECT_THROW(Distribution(0, 5, 1, 1), UsageError);
  EXPECT_THROW(Distribution(5, 5, 0, 1), UsageError);
  EXPECT_NO_THROW(Distribution(3, 10, 3, 1));
  try {
    Distribution(3, 10, 4, 1);
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "grid has 4 rows but the matrix only 3; use fewer grid rows (--grid)");
  }
}

}  // namespace
}  // namespace gridnmf
