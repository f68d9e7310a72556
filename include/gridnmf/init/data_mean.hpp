#pragma once

#include <cstdint>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// mean(V) for starts that scale by it, the same on every grid: each rank sums
// its block in double-double (error-free two-sum), the ranks' pairs are
// gathered and added in rank order, and only the final value is rounded.
// For V >= 0 the double-double sum is accurate to about 1e-30 relative, so
// the rounded mean is bitwise grid-independent unless the exact sum lies that
// close to a rounding boundary. Collective over grid.all().
template <typename T>
double grid_independent_mean(const ProcessGrid& grid, const DataBlock<T>& v_block,
                             std::int64_t m, std::int64_t n);

}  // namespace gridnmf
