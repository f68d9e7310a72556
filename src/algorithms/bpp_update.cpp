#include "gridnmf/algorithms/bpp_update.hpp"

namespace gridnmf {

template <typename T>
void BppUpdate<T>::update(LocalMatrix<T>& factor, const LocalMatrix<T>& cross,
                          const LocalMatrix<T>& gram, const Penalty& penalty) {
  const std::int64_t k = factor.cols;
  if (!solver_) solver_ = std::make_unique<local::BppSolver<T>>(k);
  // The penalty makes the problem min 0.5 x^T (G + l2 I) x - (c - l1)^T x.
  penalized_gram_.assign(gram.values.begin(), gram.values.end());
  for (std::int64_t l = 0; l < k; ++l) penalized_gram_[l * k + l] += static_cast<T>(penalty.l2);
  const T* rhs = cross.data();
  if (penalty.l1 > 0) {
    penalized_cross_.resize(static_cast<size_t>(cross.size()));
    for (std::int64_t i = 0; i < cross.size(); ++i) {
      penalized_cross_[i] = cross.values[i] - static_cast<T>(penalty.l1);
    }
    rhs = penalized_cross_.data();
  }
  solver_->solve(penalized_gram_.data(), rhs, factor.rows, factor.data());
}

template class BppUpdate<double>;
template class BppUpdate<float>;

}  // namespace gridnmf
