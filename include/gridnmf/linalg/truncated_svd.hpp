#pragma once

#include <cstdint>
#include <vector>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::linalg {

// Randomized range finder (Halko, Martinsson & Tropp 2011, algorithm 4.4
// with re-orthonormalisation after every product). The sketch width is
// l = min(k + oversampling, m, n); the run makes 2 + 2 q passes over V, each
// one GEMM of m n l flops, and 2 + 2 q tall QRs. With the defaults (p = 10,
// q = 1) and k = 32 the GEMMs cost as much as 2.6 HALS iterations (2 GEMMs of
// m n k each); the error of the leading subspace is of order
// (s_{l+1} / s_k)^3, ample for a start. With l = min(m, n) the result is
// exact up to rounding.
struct SvdSettings {
  std::int64_t oversampling = 10;  // p
  int power_iterations = 1;        // q
  std::uint64_t seed = 0;          // of the Gaussian test matrix, by global index
};

// The leading k singular triplets of the distributed V, in the layouts of the
// factors: u_own holds the owned W rows of U (rows x k), v_own the owned H
// columns of V^T stored transposed (columns x k), values the singular values
// in descending order, the same on every rank.
struct TruncatedSvd {
  std::vector<double> values;
  LocalMatrix<double> u_own;
  LocalMatrix<double> v_own;
};

// Computes the rank-k truncated SVD of V (m x n) without gathering it: the
// products with V are the driver's local GEMM + reduce-scatter, the
// orthonormalisations are ScaLAPACK QRs (TallSkinnyQr), and the final l x l
// SVD is LAPACK's on a replicated matrix. The test matrix is a function of
// (seed, global index), so the result is the same on every grid up to
// rounding. Products run in T; the factorizations in double. Requires
// 1 <= k <= min(m, n). Collective over grid.all().
template <typename T>
TruncatedSvd truncated_svd(const ProcessGrid& grid, const Distribution& dist,
                           const DataBlock<T>& v_block, std::int64_t k,
                           const SvdSettings& settings = {});

}  // namespace gridnmf::linalg
