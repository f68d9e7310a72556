#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/linalg/truncated_svd.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// What NNDSVD puts where its W and H are zero, as scikit-learn names them:
// nndsvd leaves zeros, nndsvda puts mean(V), nndsvdar puts values uniform in
// [0, mean(V) / 100) drawn by (seed, global index).
enum class NndsvdFill { kZeros, kMean, kRandom };

// Entries below this become exact zeros before the fill (scikit-learn's eps).
inline constexpr double kNndsvdZero = 1e-6;

// Non-negative double SVD (Boutsidis & Gallopoulos 2008) of a rank-k truncated
// SVD, as scikit-learn's _initialize_nmf computes it: the first pair is
// sqrt(s_0) (|u_0|, |v_0|); pair j > 0 keeps the positive or the negative
// parts of (u_j, v_j), whichever has the larger product of norms (the
// choice does not depend on the signs of the singular vectors), scaled by
// sqrt(s_j * that product). The four part norms of all k pairs cost one
// allreduce. Returns the owned W rows (rows x k) and owned H columns stored
// transposed (columns x k). Collective over grid.all().
template <typename T>
std::pair<LocalMatrix<T>, LocalMatrix<T>> nndsvd_factors(const ProcessGrid& grid,
                                                         const Distribution& dist,
                                                         const linalg::TruncatedSvd& svd,
                                                         NndsvdFill fill, double v_mean,
                                                         std::uint64_t seed);

}  // namespace gridnmf
