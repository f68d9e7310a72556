#pragma once

#include <cstdint>
#include <vector>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// The successive projection algorithm (Gillis & Vavasis 2014, IEEE TPAMI
// 36(4)): k times, take the column of V with the largest residual norm and
// project every column onto the orthogonal complement of the columns taken.
// For a separable V = W [I, H'] (columns permuted, H' >= 0 with column sums
// <= 1, W of full column rank) it returns exactly the pure columns.
//
// Returns the k global column indices of V in the order chosen, replicated on
// every rank. V is never copied or projected: the residual norms are
// ||V_c||^2 minus the squared projections onto the orthonormal basis of the
// chosen columns, each rank for its own block, with sums over the column
// communicator; ties go to the smallest global index, so the choice does not
// depend on the grid. The chosen column moves only along grid rows.
// Residuals below 1e-6 times the largest column norm count as zero,
// so once V is exhausted (k above its rank) the smallest unchosen indices
// follow. Cost: k passes over V.
// Throws Error unless 1 <= k <= n. Collective over grid.all().
template <typename T>
std::vector<std::int64_t> spa_select_columns(const ProcessGrid& grid, const Distribution& dist,
                                             const DataBlock<T>& v_block, std::int64_t k);

}  // namespace gridnmf
