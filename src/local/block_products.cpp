#include "gridnmf/local/block_products.hpp"

#include "gridnmf/local/sparse_products.hpp"

namespace gridnmf::local {

template <typename T>
BlockProducts<T>::BlockProducts(const DataBlock<T>& v, std::int64_t k) : v_(v), k_(k) {
  if (!v.is_sparse()) dense_.emplace(preferred_product_layout(), v.rows(), v.cols(), k);
}

template <typename T>
void BlockProducts<T>::transposed_v_times(const T* x, T* out) {
  if (dense_) {
    dense_->transposed_v_times(v_.dense().data(), x, out);
  } else {
    sparse_transposed_times(v_.sparse(), x, k_, out);
  }
}

template <typename T>
void BlockProducts<T>::v_times(const T* y, T* out) {
  if (dense_) {
    dense_->v_times(v_.dense().data(), y, out);
  } else {
    sparse_times(v_.sparse(), y, k_, out);
  }
}

template class BlockProducts<double>;
template class BlockProducts<float>;

}  // namespace gridnmf::local
