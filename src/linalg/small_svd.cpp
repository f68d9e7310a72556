#include "gridnmf/linalg/small_svd.hpp"

#include <algorithm>
#include <string>

#include "gridnmf/error.hpp"
#include "scalapack_api.hpp"

namespace gridnmf::linalg {

SmallSvd small_svd(const LocalMatrix<double>& a) {
  const int m = static_cast<int>(a.rows), n = static_cast<int>(a.cols);
  const int r = std::min(m, n);
  SmallSvd out{LocalMatrix<double>(m, r), std::vector<double>(static_cast<size_t>(r)),
               LocalMatrix<double>(n, r)};
  if (r == 0) return out;
  std::vector<double> column_major(static_cast<size_t>(m) * n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) column_major[static_cast<size_t>(j) * m + i] = a(i, j);
  std::vector<double> u(static_cast<size_t>(m) * r), vt(static_cast<size_t>(r) * n);
  const int lda = std::max(1, m), ldu = std::max(1, m), ldvt = std::max(1, r);
  double query = 0.0;
  int lwork = -1, info = 0;
  dgesvd_("S", "S", &m, &n, column_major.data(), &lda, out.s.data(), u.data(), &ldu, vt.data(),
          &ldvt, &query, &lwork, &info, 1, 1);
  lwork = static_cast<int>(query) + 1;
  std::vector<double> work(static_cast<size_t>(lwork));
  dgesvd_("S", "S", &m, &n, column_major.data(), &lda, out.s.data(), u.data(), &ldu, vt.data(),
          &ldvt, work.data(), &lwork, &info, 1, 1);
  if (info != 0) throw Error("the SVD of a small projected matrix did not converge (dgesvd info " +
                                 std::to_string(info) + ")");
  for (int i = 0; i < m; ++i)
    for (int c = 0; c < r; ++c) out.u(i, c) = u[static_cast<size_t>(c) * m + i];
  for (int c = 0; c < r; ++c)
    for (int j = 0; j < n; ++j) out.v(j, c) = vt[static_cast<size_t>(j) * r + c];
  return out;
}

}  // namespace gridnmf::linalg
