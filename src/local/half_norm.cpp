#include "gridnmf/local/half_norm.hpp"

#include <algorithm>
#include <cmath>

namespace gridnmf::local {

template <typename T>
double half_norm_sum(const T* x, std::int64_t count) {
  const double floor = std::sqrt(kHalfNormEpsilon);
  double sum = 0.0;
  for (std::int64_t i = 0; i < count; ++i) {
    sum += std::sqrt(std::max(static_cast<double>(x[i]), 0.0) + kHalfNormEpsilon) - floor;
  }
  return sum;
}

template <typename T>
void subtract_half_norm_tangent(const T* x, T* cross, std::int64_t count, double lambda) {
  for (std::int64_t i = 0; i < count; ++i) {
    const double slope =
        0.5 * lambda / std::sqrt(std::max(static_cast<double>(x[i]), 0.0) + kHalfNormEpsilon);
    cross[i] = static_cast<T>(static_cast<double>(cross[i]) - slope);
  }
}

template double half_norm_sum<double>(const double*, std::int64_t);
template double half_norm_sum<float>(const float*, std::int64_t);
template void subtract_half_norm_tangent<double>(const double*, double*, std::int64_t, double);
template void subtract_half_norm_tangent<float>(const float*, float*, std::int64_t, double);

}  // namespace gridnmf::local
