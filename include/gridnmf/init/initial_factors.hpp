#pragma once

#include <cstdint>
#include <utility>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/init/init_method.hpp"
#include "gridnmf/linalg/truncated_svd.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// The starting W and H pieces this rank owns (W rows x k, H columns stored
// transposed x k), for every --init method, the same on every grid (random
// and NNDSVDar draw by (seed, global index); the scale uses a grid-independent
// mean(V)):
//   random        uniform in (0, 2 sqrt(mean(V) / k)): W H has the mean of V
//   nndsvd[a|r]   NNDSVD of the rank-k truncated SVD (svd settings below)
//   spa           W = the columns of V picked by SPA, H by one NNLS solve
//   file:PATH     /W (m x k) and /H (k x n) of an HDF5 file, checked and
//                 required non-negative and finite
// Throws Error on every rank for a bad file. Collective over grid.all().
template <typename T>
std::pair<LocalMatrix<T>, LocalMatrix<T>> initial_factors(const ProcessGrid& grid,
                                                          const Distribution& dist,
                                                          const DataBlock<T>& v_block,
                                                          const InitChoice& init, std::int64_t k,
                                                          std::uint64_t seed,
                                                          const linalg::SvdSettings& svd = {});

// This rank's slices of /W (m x k) and /H (k x n) of an HDF5 file (a result,
// a checkpoint or --init file:), checked against m, n, k and to be finite
// and non-negative; the file's grid does not matter. Throws Error on every
// rank. Collective over grid.all().
template <typename T>
std::pair<LocalMatrix<T>, LocalMatrix<T>> read_factors_file(const ProcessGrid& grid,
                                                            const Distribution& dist,
                                                            const std::string& path,
                                                            std::int64_t k);

}  // namespace gridnmf
