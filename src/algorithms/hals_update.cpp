#include "gridnmf/algorithms/hals_update.hpp"

#include "gridnmf/local/hals_kernels.hpp"

namespace gridnmf {

template <typename T>
void HalsUpdate<T>::update(LocalMatrix<T>& factor, const LocalMatrix<T>& cross,
                           const LocalMatrix<T>& gram, const Penalty& penalty) {
  scratch_.resize(static_cast<size_t>(factor.size()));
  local::hals_update(factor.data(), cross.data(), gram.data(), factor.rows, factor.cols,
                     penalty.l1, penalty.l2, scratch_.data());
}

template class HalsUpdate<double>;
template class HalsUpdate<float>;

}  // namespace gridnmf
