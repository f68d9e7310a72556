#pragma once

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/distribution.hpp"

namespace gridnmf::unmix {

// The data-driven L1/2 weight of Qian et al. (2011), on the data's own scale:
//   (1 / sqrt(L)) sum_bands (sqrt(n) - ||v_b||_1 / ||v_b||_2) / sqrt(n - 1),
// v_b the band's n pixel values (Hoyer's sparseness of each band, summed):
// sparse bands mean sparse abundances. 0 for n < 2. Dense V only. Two m-word
// allreduces. Collective over grid.all().
template <typename T>
double band_sparseness(const ProcessGrid& grid, const Distribution& dist,
                       const DataBlock<T>& v_block);

}  // namespace gridnmf::unmix
