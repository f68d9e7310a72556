#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>

#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::io {

// Creates a rows x cols dataset of T's precision at `name` under `location`.
// Collective over the file's communicator.
template <typename T>
Hdf5Handle create_matrix_dataset(hid_t location, const std::string& name, std::int64_t rows,
                                 std::int64_t cols);

// Writes `block` to rows x cols of the 2-D `dataset`; ranks with an empty
// block still take part. Collective over the file's communicator.
template <typename T>
void write_block(hid_t dataset, const IndexRange& rows, const IndexRange& cols,
                 const LocalMatrix<T>& block);

// Writes the owned rows of W (rows.size x k) into an m x k dataset. Collective.
template <typename T>
void write_w_rows(hid_t dataset, const IndexRange& rows, const LocalMatrix<T>& w_own);

// Writes the owned columns of H, held transposed (cols.size x k), into a k x n
// dataset. Collective.
template <typename T>
void write_h_cols(hid_t dataset, const IndexRange& cols, const LocalMatrix<T>& ht_own);

// Reads the owned rows of W from the m x k dataset `name`, checking its shape
// against (m, k). Collective over `comm`.
template <typename T>
LocalMatrix<T> read_w_rows(MPI_Comm comm, hid_t file, const std::string& path,
                           const std::string& name, std::int64_t m, std::int64_t k,
                           const IndexRange& rows);

// Reads the owned columns of H from the k x n dataset `name` (checked against
// (k, n)), returned transposed (cols.size x k). Collective over `comm`.
template <typename T>
LocalMatrix<T> read_h_cols(MPI_Comm comm, hid_t file, const std::string& path,
                           const std::string& name, std::int64_t k, std::int64_t n,
                           const IndexRange& cols);

}  // namespace gridnmf::io
