// The local pieces of topic models: the --normalize kernels, co-occurrence
// counts and NPMI, on sparse blocks with several panels against plain loops
// on a dense copy.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gridnmf/local/cooccurrence.hpp"
#include "gridnmf/local/normalization_kernels.hpp"
#include "gridnmf/local/sparse_assembly.hpp"

namespace gridnmf {
namespace {

constexpr std::int64_t kRows = 9, kCols = 13;

// A dense matrix with about a third of its entries nonzero, and the same as a
// sparse block in panels of 4 columns.
struct Pair {
  LocalMatrix<double> dense{kRows, kCols};
  SparseBlock<double> sparse;
};

Pair random_pair(unsigned seed) {
  Pair pair;
  std::mt19937 random(seed);
  std::vector<local::SparseEntry> entries;
  for (std::int64_t r = 0; r < kRows; ++r) {
    for (std::int64_t c = 0; c < kCols; ++c) {
      if (random() % 3 != 0) continue;
      const double value = 1.0 + static_cast<double>(random() % 5);
      pair.dense(r, c) = value;
      entries.push_back({static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(c), value});
    }
  }
  std::int64_t duplicates = 0;
  pair.sparse = local::assemble_sparse_block<double>(kRows, kCols, 4, entries, duplicates);
  return pair;
}

LocalMatrix<double> densified(const SparseBlock<double>& block) {
  LocalMatrix<double> dense(block.rows, block.cols);
  for (std::int64_t p = 0; p < block.panels(); ++p) {
    for (std::int64_t r = 0; r < block.rows; ++r) {
      for (std::int64_t e = block.row_start[p * block.rows + r];
           e < block.row_start[p * block.rows + r + 1]; ++e) {
        dense(r, block.col_index[e]) = block.values[e];
      }
    }
  }
  return dense;
}

TEST(NormalizationKernels, SparseAndDenseAgreeWithLoops) {
  Pair pair = random_pair(3);
  ASSERT_GT(pair.sparse.panels(), 1);
  std::vector<double> dense_counts(kRows), sparse_counts(kRows), sums(kCols), sparse_sums(kCols);
  local::add_row_nonzero_counts(pair.dense, dense_counts.data());
  local::add_row_nonzero_counts(pair.sparse, sparse_counts.data());
  local::add_column_sums(pair.dense, sums.data());
  local::add_column_sums(pair.sparse, sparse_sums.data());
  for (std::int64_t r = 0; r < kRows; ++r) {
    double count = 0;
    for (std::int64_t c = 0; c < kCols; ++c) count += pair.dense(r, c) != 0;
    EXPECT_EQ(dense_counts[r], count);
    EXPECT_EQ(sparse_counts[r], count);
  }
  for (std::int64_t c = 0; c < kCols; ++c) EXPECT_DOUBLE_EQ(sums[c], sparse_sums[c]);

  std::vector<double> row_factors(kRows), column_factors(kCols);
  for (std::int64_t r = 0; r < kRows; ++r) row_factors[r] = 0.5 + r;
  for (std::int64_t c = 0; c < kCols; ++c) column_factors[c] = 1.0 / (1.0 + c);
  local::scale_rows(pair.sparse, row_factors.data());
  local::scale_columns(pair.sparse, column_factors.data());
  local::log1p_values(pair.sparse.values);
  const LocalMatrix<double> result = densified(pair.sparse);
  for (std::int64_t r = 0; r < kRows; ++r) {
    for (std::int64_t c = 0; c < kCols; ++c) {
      EXPECT_DOUBLE_EQ(result(r, c),
                       std::log1p(pair.dense(r, c) * row_factors[r] * column_factors[c]));
    }
  }
}

TEST(NormalizationKernels, DropStoredZerosKeepsEveryOtherEntryInPlace) {
  Pair pair = random_pair(5);
  std::vector<double> row_factors(kRows, 1.0);
  row_factors[2] = 0.0;  // a row present in every column has idf 0
  row_factors[7] = 0.0;
  local::scale_rows(pair.sparse, row_factors.data());
  std::int64_t expected_removed = 0;
  for (std::int64_t c = 0; c < kCols; ++c) {
    expected_removed += (pair.dense(2, c) != 0) + (pair.dense(7, c) != 0);
    pair.dense(2, c) = pair.dense(7, c) = 0.0;
  }
  const std::int64_t before = pair.sparse.nonzeros();
  EXPECT_EQ(local::drop_stored_zeros(pair.sparse), expected_removed);
  EXPECT_EQ(pair.sparse.nonzeros(), before - expected_removed);
  EXPECT_EQ(pair.sparse.row_start.back(), pair.sparse.nonzeros());
  for (const double value : pair.sparse.values) EXPECT_NE(value, 0.0);
  const LocalMatrix<double> result = densified(pair.sparse);
  EXPECT_EQ(result.values, pair.dense.values);
}

TEST(Cooccurrence, CountsMatchLoopsOnSparseAndDenseBlocks) {
  const Pair pair = random_pair(8);
  local::CooccurrenceQuery query;
  query.rows = {4, 0, 7};
  query.pairs = {{0, 1}, {0, 2}, {1, 2}};
  std::vector<std::int64_t> sparse(6, 0), dense(6, 0);
  local::add_cooccurrence_counts(pair.sparse, query, sparse.data());
  local::add_cooccurrence_counts(pair.dense, query, dense.data());
  EXPECT_EQ(sparse, dense);
  for (std::size_t i = 0; i < query.rows.size(); ++i) {
    std::int64_t count = 0;
    for (std::int64_t c = 0; c < kCols; ++c) count += pair.dense(query.rows[i], c) != 0;
    EXPECT_EQ(dense[i], count);
  }
  for (std::size_t p = 0; p < query.pairs.size(); ++p) {
    const std::int64_t a = query.rows[query.pairs[p].first], b = query.rows[query.pairs[p].second];
    std::int64_t count = 0;
    for (std::int64_t c = 0; c < kCols; ++c) {
      count += pair.dense(a, c) != 0 && pair.dense(b, c) != 0;
    }
    EXPECT_EQ(dense[3 + p], count);
  }
}

TEST(Cooccurrence, NpmiOfIndependentExclusiveAndIdenticalRows) {
  EXPECT_NEAR(local::npmi(25, 50, 50, 100), 0.0, 1e-15);  // independent
  EXPECT_EQ(local::npmi(0, 50, 50, 100), -1.0);            // never together
  EXPECT_NEAR(local::npmi(30, 30, 30, 100), 1.0, 1e-15);   // always together
  EXPECT_EQ(local::npmi(100, 100, 100, 100), 1.0);         // in every column
  EXPECT_NEAR(local::npmi(10, 20, 30, 100),
              std::log(0.1 / (0.2 * 0.3)) / -std::log(0.1), 1e-15);
}

}  // namespace
}  // namespace gridnmf
