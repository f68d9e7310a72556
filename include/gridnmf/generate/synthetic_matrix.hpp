#pragma once

#include <cstdint>

#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// A synthetic NMF problem V = max(0, W_true H_true + noise) defined entry by
// entry from the seed, so any rank can produce any block and the matrix is the
// same on every grid. W_true and H_true are uniform in (0, 1); noise is
// Gaussian with standard deviation `noise`.
struct SyntheticProblem {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t rank = 0;
  double noise = 0.0;
  std::uint64_t seed = 1;
};

// Rows `rows` of W_true (rows.size x k).
LocalMatrix<double> true_w_rows(const SyntheticProblem& problem, const IndexRange& rows);
// Columns `cols` of H_true, stored transposed (cols.size x k).
LocalMatrix<double> true_ht_cols(const SyntheticProblem& problem, const IndexRange& cols);

// The block rows x cols of V, row-major. Each entry sums over k in a fixed
// order, so it is bitwise the same whichever block it is computed in.
template <typename T>
LocalMatrix<T> synthetic_block(const SyntheticProblem& problem, const IndexRange& rows,
                               const IndexRange& cols);

}  // namespace gridnmf
