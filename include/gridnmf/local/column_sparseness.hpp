#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace gridnmf::local {

// Sums `count` doubles element-wise over every holder of the columns, in
// place (an allreduce in the distributed code, nothing in a serial one).
using ColumnSumReducer = std::function<void(double* values, std::int64_t count)>;

// Hoyer's projection (sparseness_projection.hpp) of every column of a
// row-major block x (rows x k) whose columns are longer than the block: each
// column of length `length` is split by rows over the holders, and `reduce`
// sums per-column partial sums over them. Column l gets L2 norm l2[l] and
// sparseness `sparseness`; columns with l2[l] <= 0 are left alone. Every
// round of the projection needs two sums per column; the k columns share one
// reduce of 2 k values, so a call makes 1 + 2 r reduces for r rounds (r <=
// the column length, in practice a handful), not O(k r). `reduce` must give
// every holder the same sums, so all take the same number of rounds. Returns
// false (x unchanged) when a column cannot be projected (only for l2 or
// sparseness out of range).
bool project_columns_to_sparseness(double* x, std::int64_t rows, std::int64_t k,
                                   std::int64_t length, double sparseness,
                                   const std::vector<double>& l2, const ColumnSumReducer& reduce);

// The L2 norm of every column of x (rows x k) over all holders: one reduce.
std::vector<double> column_norms(const double* x, std::int64_t rows, std::int64_t k,
                                 const ColumnSumReducer& reduce);

}  // namespace gridnmf::local
