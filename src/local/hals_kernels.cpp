#include "gridnmf/local/hals_kernels.hpp"

#include <algorithm>

#include "gridnmf/local/blas.hpp"

namespace gridnmf::local {

template <typename T>
void hals_update(T* x, const T* cross, const T* gram, std::int64_t rows, std::int64_t k,
                 double l1, double l2, T* scratch) {
  // scratch holds the negative gradient R = C - l1 - X (G + l2 I), formed by
  // one GEMM and then kept current with a rank-one correction after each
  // coordinate step, so a sweep costs O(rows k^2) in contiguous vector loops.
  const T l1_t = static_cast<T>(l1);
  const T l2_t = static_cast<T>(l2);
  const std::int64_t count = rows * k;
  for (std::int64_t i = 0; i < count; ++i) scratch[i] = cross[i] - l1_t - l2_t * x[i];
  gemm(false, false, rows, k, k, T(-1), x, k, gram, k, T(1), scratch, k);

  for (std::int64_t r = 0; r < rows; ++r) {
    T* x_row = x + r * k;
    T* residual = scratch + r * k;
    for (std::int64_t l = 0; l < k; ++l) {
      const T curvature = gram[l * k + l] + l2_t;
      if (!(curvature > T(0))) {
        // G's row l is zero, so c_l = 0 and x_l does not affect the fit: the
        // only term left is l1 * x_l, minimised at 0.
        if (l1_t > T(0)) x_row[l] = T(0);
        continue;
      }
      const T updated = std::max(T(0), x_row[l] + residual[l] / curvature);
      const T step = updated - x_row[l];
      if (step == T(0)) continue;
      x_row[l] = updated;
      const T* g_row = gram + l * k;  // G is symmetric: row l is column l
      for (std::int64_t j = 0; j < k; ++j) residual[j] -= step * g_row[j];
      residual[l] -= step * l2_t;
    }
  }
}

template void hals_update<double>(double*, const double*, const double*, std::int64_t,
                                  std::int64_t, double, double, double*);
template void hals_update<float>(float*, const float*, const float*, std::int64_t, std::int64_t,
                                 double, double, float*);

}  // namespace gridnmf::local
