#include "gridnmf/local/sparse_products.hpp"

#include <algorithm>
#include <cmath>

#include "gridnmf/local/beta_divergence.hpp"

namespace gridnmf::local {

namespace {

// out[0..k) += alpha * x[0..k); the loops the compiler vectorises.
template <typename T>
inline void add_scaled(T alpha, const T* __restrict x, std::int64_t k, T* __restrict out) {
  for (std::int64_t l = 0; l < k; ++l) out[l] += alpha * x[l];
}

template <typename T>
inline T dot_k(const T* __restrict x, const T* __restrict y, std::int64_t k) {
  T sum = T(0);
  for (std::int64_t l = 0; l < k; ++l) sum += x[l] * y[l];
  return sum;
}

// The KL quotient of one entry, with the sums of the objective.
template <typename T>
inline T kl_quotient(T v, T wh, SampledSums* sums) {
  const T floored = std::max(wh, beta_floor<T>());
  const T ratio = v / floored;
  if (sums) {
    sums->log_terms += static_cast<double>(v) * std::log(static_cast<double>(ratio)) - v;
    sums->cross_term += static_cast<double>(v) * wh;
  }
  return ratio;
}

}  // namespace

template <typename T>
void sparse_times(const SparseBlock<T>& a, const T* y, std::int64_t k, T* out) {
  for (std::int64_t r = 0; r < a.rows; ++r) {
    T* out_row = out + r * k;
    std::fill(out_row, out_row + k, T(0));
    for (std::int64_t e = a.row_start[r]; e < a.row_start[r + 1]; ++e) {
      add_scaled(a.values[e], y + static_cast<std::int64_t>(a.col_index[e]) * k, k, out_row);
    }
  }
}

template <typename T>
void sparse_transposed_times(const SparseBlock<T>& a, const T* x, std::int64_t k, T* out) {
  std::fill(out, out + a.cols * k, T(0));
  for (std::int64_t r = 0; r < a.rows; ++r) {
    const T* x_row = x + r * k;
    for (std::int64_t e = a.row_start[r]; e < a.row_start[r + 1]; ++e) {
      add_scaled(a.values[e], x_row, k, out + static_cast<std::int64_t>(a.col_index[e]) * k);
    }
  }
}

template <typename T>
void kl_numerator_h_side(const SparseBlock<T>& a, const T* w, const T* ht, std::int64_t k,
                         T* numer, SampledSums* sums) {
  std::fill(numer, numer + a.cols * k, T(0));
  for (std::int64_t r = 0; r < a.rows; ++r) {
    const T* w_row = w + r * k;
    for (std::int64_t e = a.row_start[r]; e < a.row_start[r + 1]; ++e) {
      const std::int64_t c = a.col_index[e];
      const T q = kl_quotient(a.values[e], dot_k(w_row, ht + c * k, k), sums);
      add_scaled(q, w_row, k, numer + c * k);
    }
  }
}

template <typename T>
void kl_numerator_w_side(const SparseBlock<T>& a, const T* w, const T* ht, std::int64_t k,
                         T* numer, SampledSums* sums) {
  for (std::int64_t r = 0; r < a.rows; ++r) {
    const T* w_row = w + r * k;
    T* numer_row = numer + r * k;
    std::fill(numer_row, numer_row + k, T(0));
    for (std::int64_t e = a.row_start[r]; e < a.row_start[r + 1]; ++e) {
      const T* ht_row = ht + static_cast<std::int64_t>(a.col_index[e]) * k;
      const T q = kl_quotient(a.values[e], dot_k(w_row, ht_row, k), sums);
      add_scaled(q, ht_row, k, numer_row);
    }
  }
}

#define GRIDNMF_INSTANTIATE_SPARSE(T)                                                           \
  template void sparse_times<T>(const SparseBlock<T>&, const T*, std::int64_t, T*);           \
  template void sparse_transposed_times<T>(const SparseBlock<T>&, const T*, std::int64_t, T*); \
  template void kl_numerator_h_side<T>(const SparseBlock<T>&, const T*, const T*, std::int64_t, \
                                       T*, SampledSums*);                                     \
  template void kl_numerator_w_side<T>(const SparseBlock<T>&, const T*, const T*, std::int64_t, \
                                       T*, SampledSums*);
GRIDNMF_INSTANTIATE_SPARSE(double)
GRIDNMF_INSTANTIATE_SPARSE(float)
#undef GRIDNMF_INSTANTIATE_SPARSE

}  // namespace gridnmf::local
