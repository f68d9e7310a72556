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

// Rejects zero entries, for losses that are infinite on them (Itakura-Saito:
// v / y - log(v / y) - 1 with v = 0). `reason` ends the message.
// Collective over `comm`.
template <typename T>
void check_no_zeros(MPI_Comm comm, const LocalMatrix<T>& block, const IndexRange& rows,
                    const IndexRange& cols, const std::string& where, const std::string& reason);

}  // namespace gridnmf::io
