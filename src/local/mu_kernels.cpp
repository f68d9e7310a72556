#include "gridnmf/local/mu_kernels.hpp"

#include <algorithm>

#include "gridnmf/local/blas.hpp"

namespace gridnmf::local {

template <typename T>
void mu_update(T* x, const T* cross, const T* gram, std::int64_t rows, std::int64_t k, double l1,
               double l2, T* scratch) {
  gemm(false, false, rows, k, k, T(1), x, k, gram, k, T(0), scratch, k);
  const std::int64_t count = rows * k;
  const T l1_t = static_cast<T>(l1);
  const T l2_t = static_cast<T>(l2);
  for (std::int64_t i = 0; i < count; ++i) {
    const T numerator = std::max(cross[i] - l1_t, T(0));
    x[i] = x[i] * numerator / (scratch[i] + l2_t * x[i] + mu_epsilon<T>());
  }
}

template void mu_update<double>(double*, const double*, const double*, std::int64_t,
                                std::int64_t, double, double, double*);
template void mu_update<float>(float*, const float*, const float*, std::int64_t, std::int64_t,
                               double, double, float*);

}  // namespace gridnmf::local
