#pragma once

#include <string>

#include "gridnmf/io/sparse_triplets.hpp"

namespace gridnmf::io {

// Reads a Matrix Market coordinate file, plain or gzip-compressed:
// "%%MatrixMarket matrix coordinate real|integer|pattern general|symmetric"
// (keywords case-insensitive), '%' comment and blank lines anywhere, a size
// line "rows columns entries", then 1-based "row column [value]" lines.
// `integer` values are kept as int64, `real` as float64, `pattern` as float64
// ones; `symmetric` is expanded (each off-diagonal entry also at its mirror
// position). Refuses array (dense), complex, skew-symmetric and hermitian
// files, an empty matrix, and bad entries, each with one line naming the file
// and line. Local (no MPI); meant for rank 0.
SparseTextMatrix read_matrix_market(const std::string& path);

}  // namespace gridnmf::io
