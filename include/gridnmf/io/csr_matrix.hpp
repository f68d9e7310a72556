#pragma once

#include <cstdint>
#include <vector>

#include "gridnmf/io/sparse_triplets.hpp"

namespace gridnmf::io {

// Compressed sparse rows: row i's entries are [indptr[i], indptr[i+1]) of
// indices (0-based columns, ascending within a row) and of the values.
// Exactly one of the value vectors is filled, as in SparseTriplets.
struct CsrMatrix {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  SparseValueType value_type = SparseValueType::kReal;
  std::vector<std::int64_t> indptr;  // rows + 1
  std::vector<std::int64_t> indices;
  std::vector<std::int64_t> integer_values;
  std::vector<double> real_values;

  std::int64_t nonzeros() const { return static_cast<std::int64_t>(indices.size()); }
};

// Builds the CSR form, as scipy's coo_matrix.tocsr() followed by
// eliminate_zeros(): duplicates (same row and column) summed, entries that are
// (or sum to) zero dropped, columns ascending within each row. A counting sort
// by row: peak memory is the triplets (24 bytes an entry, released here) plus
// 16 bytes an entry and 8 a row for the result. Throws Error if an integer
// sum of duplicates leaves the int64 range. Local (no MPI).
CsrMatrix to_csr(SparseTriplets&& triplets);

}  // namespace gridnmf::io
