#pragma once

#include <cstdint>

#include "gridnmf/matrix/data_block.hpp"

namespace gridnmf::local {

// ||V_ij - W_i H_j||_F^2 of one block, entry by entry, accumulated in double:
// no cancellation, so it keeps its digits when the fit is nearly exact, where
// the Gram identity ||V||^2 - 2 <W, V H^T> + <W^T W, H H^T> has none left.
// W_i H_j is formed by GEMM in tiles of whole rows (about kTileEntries
// entries, at least one row), so scratch is one tile and V is only read. A
// sparse block is read through its CSR: its zeros count as (W H)^2. W_i is
// row-major (rows x k), H_j is held transposed as Ht_j (cols x k). Costs
// 2 rows cols k flops, like one of the iteration's two products.
template <typename T>
double block_squared_residual(const DataBlock<T>& v, const T* w, const T* ht, std::int64_t k);

// The nonzeros' part of a sparse block's residual, O(nnz k): the sum of
// (v - (WH)_e)^2 and of (WH)_e^2 over the stored entries e, with (WH)_e a
// k-dot in double.
struct NonzeroResidual {
  double residual = 0.0;  // sum over nonzeros of (v - wh)^2
  double fitted = 0.0;    // sum over nonzeros of wh^2
};
template <typename T>
NonzeroResidual sparse_residual_at_nonzeros(const SparseBlock<T>& v, const T* w, const T* ht,
                                            std::int64_t k);

constexpr std::int64_t kResidualTileEntries = 32768;

}  // namespace gridnmf::local
