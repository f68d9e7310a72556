#pragma once

#include <cstdint>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/distribution.hpp"

namespace gridnmf::unmix {

// The share of pixels that are nearly pure, measured without any truth: the
// k pixels SPA picks (deterministic, no seed) as endmembers, abundances by
// one fully constrained solve (NNLS with a heavy sum-to-one row), then the
// share of pixels whose largest abundance (normalised to sum one) exceeds
// `threshold`. Near 1 when most pixels sit in a corner of the simplex (L1/2
// sparsity's premise), low on heavily mixed scenes. One SPA pass (k passes
// over V) and one H half of an iteration. Collective over grid.all().
template <typename T>
double pixel_purity(const ProcessGrid& grid, const Distribution& dist,
                    const DataBlock<T>& v_block, std::int64_t k, double threshold = 0.9);

}  // namespace gridnmf::unmix
