#include "gridnmf/algorithms/mu_update.hpp"

#include "gridnmf/local/mu_kernels.hpp"

namespace gridnmf {

template <typename T>
void MuUpdate<T>::update(LocalMatrix<T>& factor, const LocalMatrix<T>& cross,
                         const LocalMatrix<T>& gram, const Penalty& penalty) {
  scratch_.resize(static_cast<size_t>(factor.size()));
  local::mu_update(factor.data(), cross.data(), gram.data(), factor.rows, factor.cols, penalty.l1,
                   penalty.l2, scratch_.data());
}

template class MuUpdate<double>;
template class MuUpdate<float>;

}  // namespace gridnmf
