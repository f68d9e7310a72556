#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>

#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::io {

// Shape of a 2-D numeric dataset.
struct MatrixShape {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
};

// Checks that `dataset` in the open `file` exists, is 2-D, non-empty and of an
// integer or floating type, and returns its shape. `path` is only for messages.
// Collective over `comm`; throws the same Error on every rank.
MatrixShape inspect_matrix(MPI_Comm comm, hid_t file, const std::string& path,
                           const std::string& dataset);

// Reads rows x cols of a 2-D dataset into a row-major block, converting any
// integer or floating type to T, with a hyperslab per rank and collective
// MPI-IO. Collective over `comm` (every rank calls, each with its own block).
template <typename T>
LocalMatrix<T> read_block(MPI_Comm comm, hid_t file, const std::string& path,
                          const std::string& dataset, const IndexRange& rows,
                          const IndexRange& cols);

}  // namespace gridnmf::io
