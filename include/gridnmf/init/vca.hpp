#pragma once

#include <cstdint>
#include <vector>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// Vertex component analysis (Nascimento & Bioucas-Dias 2005, IEEE TGRS
// 43(4)): project the pixels (columns of V) to a k-dimensional signal
// subspace, then k times take the pixel with the largest |f^T y| for a random
// direction f orthogonal to the pixels already taken.
//
// The subspace is the rank-k truncated SVD of V (linalg::truncated_svd, no
// copy of V): its U^T V = S V^T are the pixels' coordinates, already in the
// owned-H-columns layout, so projecting costs no pass over V. As in VCA the
// SNR is estimated from it; above 15 + 10 log10(k) dB the pixels are
// projectively scaled (y = x / (mean(x)^T x)), below it the k - 1 leading
// principal components of the mean-removed pixels are taken within that
// subspace (VCA takes them in the whole space; for a signal of rank k they
// agree) and a constant coordinate is appended. Singular vector signs are
// fixed (sum of cubes positive) and the directions are uniform draws of
// (seed, index), so the result does not depend on the grid; ties go to the
// smallest global index. k = 1 returns SPA's first column (the largest).
// Returns the k global column indices in the order chosen, replicated.
// Throws Error unless 1 <= k <= min(m, n). Collective over grid.all().
template <typename T>
std::vector<std::int64_t> vca_select_columns(const ProcessGrid& grid, const Distribution& dist,
                                             const DataBlock<T>& v_block, std::int64_t k,
                                             std::uint64_t seed);

}  // namespace gridnmf
