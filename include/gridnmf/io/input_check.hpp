#pragma once

#include <mpi.h>

#include <string>

#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::io {

// Rejects input NMF cannot factorize: negative, NaN or infinite entries.
// The message counts them over the whole matrix and gives the first one in
// row-major order (global row and column). Collective over `comm`.
template <typename T>
void check_nonnegative_finite(MPI_Comm comm, const LocalMatrix<T>& block, const IndexRange& rows,
                              const IndexRange& cols, const std::string& where);

}  // namespace gridnmf::io
