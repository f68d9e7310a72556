#include "exact_residual.hpp"

#include <algorithm>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/local/exact_residual.hpp"

namespace gridnmf {

template <typename T>
ExactResidual<T>::ExactResidual(const ProcessGrid& grid, const Distribution& dist,
                                const DataBlock<T>& v)
    : grid_(grid), v_(v) {
  if (!v.is_sparse()) return;
  std::int64_t nonzeros = v.sparse().nonzeros();
  comm::allreduce_sum(grid.all(), &nonzeros, 1);
  const double entries = static_cast<double>(dist.rows()) * static_cast<double>(dist.cols());
  direct_ = entries <= static_cast<double>(kDirectDensity) * static_cast<double>(nonzeros);
}

template <typename T>
double ExactResidual<T>::operator()(const T* w_i, const T* ht_j, std::int64_t k,
                                    double fitted_norm_squared) const {
  double sums[2] = {0.0, 0.0};
  if (direct_) {
    sums[0] = local::block_squared_residual(v_, w_i, ht_j, k);
  } else {
    const local::NonzeroResidual part = local::sparse_residual_at_nonzeros(v_.sparse(), w_i, ht_j, k);
    sums[0] = part.residual;
    sums[1] = part.fitted;
  }
  comm::allreduce_sum(grid_.all(), sums, 2);
  return direct_ ? sums[0] : sums[0] + std::max(fitted_norm_squared - sums[1], 0.0);
}

template class ExactResidual<double>;
template class ExactResidual<float>;

}  // namespace gridnmf
