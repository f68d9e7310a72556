#include "gridnmf/local/projected_gradient.hpp"

#include <algorithm>

#include "gridnmf/local/blas.hpp"

namespace gridnmf::local {

template <typename T>
double projected_gradient_squared(const T* x, const T* cross, const T* gram, std::int64_t rows,
                                  std::int64_t k, double l1, double l2, T* scratch) {
  gemm(false, false, rows, k, k, T(1), x, k, gram, k, T(0), scratch, k);
  double sum = 0.0;
  for (std::int64_t i = 0; i < rows * k; ++i) {
    const double gradient = scratch[i] + l2 * x[i] - (cross[i] - l1);
    const double projected = x[i] > T(0) ? gradient : std::min(gradient, 0.0);
    sum += projected * projected;
  }
  return sum;
}

template double projected_gradient_squared<double>(const double*, const double*, const double*,
                                                   std::int64_t, std::int64_t, double, double,
                                                   double*);
template double projected_gradient_squared<float>(const float*, const float*, const float*,
                                                  std::int64_t, std::int64_t, double, double,
                                                  float*);

}  // namespace gridnmf::local
