#pragma once

#include <cstdint>
#include <vector>

#include "gridnmf/matrix/local_matrix.hpp"
#include "gridnmf/matrix/sparse_block.hpp"

namespace gridnmf::local {

// The local halves of the --normalize preprocessing (and of the mean model
// KL progress compares with), on one rank's block of
// V (dense row-major or sparse CSR in panels), in place: the counts and sums
// a normalisation needs from the block, and the scalings that apply the
// reduced values. No MPI: comm/block_normalization.hpp reduces between them.

// log(1 + v) for every stored value (zeros stay zeros, the pattern is kept).
template <typename T>
void log1p_values(std::vector<T>& values);

// For each block row, the number of columns where it is nonzero (added to
// `counts`, rows entries).
template <typename T>
void add_row_nonzero_counts(const LocalMatrix<T>& block, double* counts);
template <typename T>
void add_row_nonzero_counts(const SparseBlock<T>& block, double* counts);

// For each block column, the sum of its values (added to `sums`, cols entries).
template <typename T>
void add_column_sums(const LocalMatrix<T>& block, double* sums);
template <typename T>
void add_column_sums(const SparseBlock<T>& block, double* sums);

// For each block row, the sum of its values (added to `sums`, rows entries).
template <typename T>
void add_row_sums(const LocalMatrix<T>& block, double* sums);
template <typename T>
void add_row_sums(const SparseBlock<T>& block, double* sums);

// The sum of v log v over the nonzero values (the entropy term of the KL
// divergence of the mean model, comm/kl_scale.hpp).
template <typename T>
double sum_v_log_v(const std::vector<T>& values);

// v_rc *= row_factors[r] / column_factors[c].
template <typename T>
void scale_rows(LocalMatrix<T>& block, const double* row_factors);
template <typename T>
void scale_rows(SparseBlock<T>& block, const double* row_factors);
template <typename T>
void scale_columns(LocalMatrix<T>& block, const double* column_factors);
template <typename T>
void scale_columns(SparseBlock<T>& block, const double* column_factors);

// Removes the stored entries whose value is 0 (a row scaled by an idf of 0),
// compacting the arrays in place; returns how many were removed. Sparse KL
// visits every stored entry and 0 log 0 has no value there.
template <typename T>
std::int64_t drop_stored_zeros(SparseBlock<T>& block);

}  // namespace gridnmf::local
