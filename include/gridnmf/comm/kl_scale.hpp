#pragma once

#include <cstdint>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/data_block.hpp"

namespace gridnmf::comm {

// What a KL objective is measured against. Replicated.
struct KlScale {
  std::int64_t nonzeros = 0;  // entries of V that are not 0
  // D(V | M) of the mean model M = r c^T / S (r, c the row and column sums
  // of V, S its total), the best rank-1 fit under KL: explained deviance is
  // 1 - D(V | WH) / D(V | M).
  double mean_model_divergence = 0.0;
};

// From the nonzeros alone: since sum(M) = S,
//   D(V | M) = sum v log v - sum_i r_i log r_i - sum_j c_j log c_j + S log S,
// with the row sums reduced over the grid row communicator and the column
// sums over the grid column communicator. Collective over grid.all().
template <typename T>
KlScale kl_scale(const ProcessGrid& grid, const DataBlock<T>& v_block);

}  // namespace gridnmf::comm
