#pragma once

// Pieces shared by the distributed column-selection methods (SPA, VCA): a
// global argmax agreed by every rank, and the rows of chosen columns of V
// moved along a grid row. Internal to init/.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::detail {

// The global index of the largest score over all ranks of `comm`, ties broken
// by the smallest global index, so the answer does not depend on which rank
// holds which index. scores[c] belongs to global index first_index + c; NaN
// and -infinity never win. Returns -1 when no rank has a finite score.
// Collective over `comm`.
std::int64_t global_argmax(MPI_Comm comm, const std::vector<double>& scores,
                           std::int64_t first_index);

// The rows R_i of the global columns `columns` of V, as an (m_i x columns)
// row-major matrix in double, on every rank of grid row i: each column's
// owner copies it in, and a sum over the row communicator with zeros from
// everyone else (exact) hands it to the others. Collective over grid.all()
// (each grid row on its own row communicator).
template <typename T>
LocalMatrix<double> column_rows(const ProcessGrid& grid, const Distribution& dist,
                                const LocalMatrix<T>& v_block,
                                const std::vector<std::int64_t>& columns);

// out[c] = sum_r u[r] V_ij(r, c) for the local block, accumulated in double.
// Local; a matrix-vector product, bound by reading V.
template <typename T>
void add_column_projections(const LocalMatrix<T>& v_block, const double* u, double* out);

// Throws Error (the same on every rank: the arguments are replicated) unless
// 1 <= k <= n.
void check_column_count(const char* method, std::int64_t k, const Distribution& dist);

}  // namespace gridnmf::detail
