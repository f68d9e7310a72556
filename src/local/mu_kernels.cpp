#include "gridnmf/local/mu_kernels.hpp"

#include "gridnmf/local/blas.hpp"

namespace gridnmf::local {

template <typename T>
void mu_update(T* x, const T* cross, const T* gram, std::int64_t rows, std::int64_t k,
               T* scratch) {
  gemm(false, false, rows, k, k, T(1), x, k, gram, k, T(0), scratch, k);
  const std::int64_t count = rows * k;
  for (std::int64_t i = 0; i < count; ++i) {
    x[i] = x[i] * cross[i] / (scratch[i] + mu_epsilon<T>());
  }
}

template void mu_update<double>(double*, const double*, const double*, std::int64_t,
                                std::int64_t, double*);
template void mu_update<float>(float*, const float*, const float*, std::int64_t, std::int64_t,
                               float*);

}  // namespace gridnmf::local
