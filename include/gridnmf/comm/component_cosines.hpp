#pragma once

#include <mpi.h>

#include <vector>

#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::comm {

// The k x k cosine similarities between the columns of two m x k matrices A
// and B (two replicates' W), from each rank's rows of both: the same rows of
// A and of B on a rank, any split of the m rows over the ranks. One local
// GEMM A_own^T B_own and the columns' squared norms, then one allreduce of
// k^2 + 2k doubles, so no rank ever holds a whole W. cosines[i * k + j] =
// cos(a_i, b_j), 0 where either column is zero. The result depends on the
// split only by rounding. Replicated; collective over `comm`.
std::vector<double> column_cosines(MPI_Comm comm, const LocalMatrix<double>& a_own,
                                   const LocalMatrix<double>& b_own);

}  // namespace gridnmf::comm
