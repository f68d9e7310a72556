#pragma once

#include <map>
#include <string>
#include <vector>

#include "gridnmf/io/csr_matrix.hpp"

namespace gridnmf::io {

// What a sparse conversion writes besides the matrix.
struct SparseFileExtras {
  std::vector<std::string> row_names;                  // written as /row_names when not empty
  std::vector<std::string> col_names;                  // written as /col_names when not empty
  std::map<std::string, std::string> root_attributes;  // string attributes on /
};

// Creates the HDF5 file `path` (truncating) in gridnmf's sparse layout:
// group `group` with 1-D datasets data (int64 or float64), indices (int64,
// 0-based columns, ascending in each row) and indptr (int64, rows + 1), and
// attributes format = "csr" and shape = int64 {rows, cols}; names as 1-D
// variable-length UTF-8 string datasets. Serial (HDF5's default driver) on
// the calling rank only, because parallel HDF5 1.10 cannot write
// variable-length strings. Throws Error naming what could not be written.
void write_sparse_hdf5(const std::string& path, const std::string& group, const CsrMatrix& matrix,
                       const SparseFileExtras& extras);

}  // namespace gridnmf::io
