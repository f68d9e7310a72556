#pragma once

#include <vector>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/distribution.hpp"

namespace gridnmf::unmix {

// R = V V^T (bands x bands, row-major, double), replicated on every rank.
// V is never copied whole: in rounds of at most 256 pixels of the grid
// column's C_j, the pr blocks of those pixels are gathered over the column
// communicator (m x 256 words) and each of the pr ranks multiplies its share
// of them; one m x m allreduce over grid.all() sums the pieces. For scenes
// with a few hundred bands (m^2 words is small). Dense V only. Collective
// over grid.all().
template <typename T>
std::vector<double> band_correlation(const ProcessGrid& grid, const Distribution& dist,
                                     const DataBlock<T>& v_block);

}  // namespace gridnmf::unmix
