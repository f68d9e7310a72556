#pragma once

#include <vector>

#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::linalg {

// Thin SVD A = U diag(s) V^T of a small dense matrix held whole by the caller
// (LAPACK dgesvd; no communication). U is rows x r, V is cols x r, r =
// min(rows, cols), s descending; all row-major.
struct SmallSvd {
  LocalMatrix<double> u;
  std::vector<double> s;
  LocalMatrix<double> v;
};
SmallSvd small_svd(const LocalMatrix<double>& a);

}  // namespace gridnmf::linalg
