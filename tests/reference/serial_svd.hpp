#pragma once

// Serial SVD oracle: LAPACK's dgesvd (OpenBLAS) on a whole matrix, and the
// measures the distributed SVD is judged by. Test code only.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "serial_reference.hpp"

extern "C" void dgesvd_(const char* jobu, const char* jobvt, const int* m, const int* n,
                        double* a, const int* lda, double* s, double* u, const int* ldu,
                        double* vt, const int* ldvt, double* work, const int* lwork, int* info,
                        std::size_t jobu_length, std::size_t jobvt_length);

namespace gridnmf::reference {

// A = U diag(s) V^T with U (m x r), V (n x r), r = min(m, n), s descending.
struct Svd {
  Dense u;
  std::vector<double> s;
  Dense v;
};

inline Svd serial_svd(const Dense& a) {
  const int m = static_cast<int>(a.rows), n = static_cast<int>(a.cols);
  const int r = std::min(m, n);
  std::vector<double> col(static_cast<size_t>(m) * n), u(static_cast<size_t>(m) * r),
      vt(static_cast<size_t>(r) * n), s(static_cast<size_t>(r));
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) col[static_cast<size_t>(j) * m + i] = a(i, j);
  int lwork = -1, info = 0;
  double query = 0.0;
  dgesvd_("S", "S", &m, &n, col.data(), &m, s.data(), u.data(), &m, vt.data(), &r, &query,
          &lwork, &info, 1, 1);
  lwork = static_cast<int>(query) + 1;
  std::vector<double> work(static_cast<size_t>(lwork));
  dgesvd_("S", "S", &m, &n, col.data(), &m, s.data(), u.data(), &m, vt.data(), &r, work.data(),
          &lwork, &info, 1, 1);
  if (info != 0) throw std::runtime_error("dgesvd failed");
  Svd out{Dense(m, r), s, Dense(n, r)};
  for (int i = 0; i < m; ++i)
    for (int c = 0; c < r; ++c) out.u(i, c) = u[static_cast<size_t>(c) * m + i];
  for (int c = 0; c < r; ++c)
    for (int j = 0; j < n; ++j) out.v(j, c) = vt[static_cast<size_t>(j) * r + c];
  return out;
}

// The first k columns of a.
inline Dense leading_columns(const Dense& a, std::int64_t k) {
  Dense out(a.rows, k);
  for (std::int64_t i = 0; i < a.rows; ++i)
    for (std::int64_t c = 0; c < k; ++c) out(i, c) = a(i, c);
  return out;
}

// ||(I - B B^T) X||_F for orthonormal B and X with the same number of rows:
// the Frobenius norm of the sines of the principal angles between their
// column spaces when X is orthonormal too (so it bounds the largest angle).
inline double subspace_distance(const Dense& b, const Dense& x) {
  const Dense coefficients = multiply(transpose(b), x);
  const Dense projection = multiply(b, coefficients);
  double sum = 0.0;
  for (size_t i = 0; i < x.v.size(); ++i) sum += (x.v[i] - projection.v[i]) * (x.v[i] - projection.v[i]);
  return std::sqrt(sum);
}

// max |X^T X - I|.
inline double orthonormality_error(const Dense& x) {
  const Dense g = multiply(transpose(x), x);
  double worst = 0.0;
  for (std::int64_t i = 0; i < g.rows; ++i)
    for (std::int64_t j = 0; j < g.cols; ++j) worst = std::max(worst, std::abs(g(i, j) - (i == j ? 1.0 : 0.0)));
  return worst;
}

}  // namespace gridnmf::reference
