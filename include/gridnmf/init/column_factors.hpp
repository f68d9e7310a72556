#pragma once

#include <cstdint>
#include <vector>

#include "gridnmf/algorithms/solver_settings.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// W = V(:, columns) (m x columns.size()): returns this rank's owned W rows
// (dist.owned_w_rows), copied exactly from V. The columns' rows move only
// along grid rows (one sum over the row communicator, m_i x k words).
// `columns` must be replicated; throws Error on every rank if one is outside
// [0, n). Collective over grid.all().
template <typename T>
LocalMatrix<T> w_from_columns(const ProcessGrid& grid, const Distribution& dist,
                              const DataBlock<T>& v_block,
                              const std::vector<std::int64_t>& columns);

// H for a fixed W by one exact NNLS solve, min_{H >= 0} 0.5 ||V - W H||^2
// plus the penalty on H: the driver's H half (Gram allreduce, gather of W_i
// along the grid row, V_ij^T W_i, reduce-scatter along the grid column) with
// block principal pivoting from a zero start. With sum_to_one_delta > 0 the
// row delta * 1^T is appended to V and W (DESIGN.md 1), which pulls every
// column of H towards summing to one (the fully constrained solution as
// delta grows). Returns the owned H columns stored transposed
// (dist.owned_h_cols x k). Collective over grid.all().
template <typename T>
LocalMatrix<T> nnls_ht(const ProcessGrid& grid, const Distribution& dist,
                       const DataBlock<T>& v_block, const LocalMatrix<T>& w_own,
                       const Penalty& penalty = {}, double sum_to_one_delta = 0.0);

}  // namespace gridnmf
