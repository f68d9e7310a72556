#include "gridnmf/local/cross_products.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "fortran_blas.hpp"
#include "gridnmf/local/blas.hpp"

namespace gridnmf::local {

std::string to_string(ProductLayout layout) {
  return layout == ProductLayout::kWide ? "wide" : "tall";
}

std::string blas_core_name() {
#if GRIDNMF_HAVE_OPENBLAS_CORENAME
  if (openblas_get_corename != nullptr) {
    if (const char* name = openblas_get_corename()) return name;
  }
#endif
  return "";
}

ProductLayout preferred_product_layout() {
  if (const char* forced = std::getenv("GRIDNMF_PRODUCT_LAYOUT")) {
    if (std::strcmp(forced, "wide") == 0) return ProductLayout::kWide;
    if (std::strcmp(forced, "tall") == 0) return ProductLayout::kTall;
  }
  const std::string core = blas_core_name();
  for (const char* avx512 : {"SkylakeX", "Cooperlake", "SapphireRapids"}) {
    if (core.find(avx512) != std::string::npos) return ProductLayout::kWide;
  }
  return ProductLayout::kTall;
}

namespace {

// out (cols x k) = transpose of wide (k x cols), in cache-sized tiles.
template <typename T>
void transpose_into(const T* wide, std::int64_t k, std::int64_t cols, T* out) {
  constexpr std::int64_t kTile = 64;
  for (std::int64_t c0 = 0; c0 < cols; c0 += kTile) {
    const std::int64_t c1 = std::min(cols, c0 + kTile);
    for (std::int64_t l = 0; l < k; ++l) {
      const T* row = wide + l * cols;
      for (std::int64_t c = c0; c < c1; ++c) out[c * k + l] = row[c];
    }
  }
}

}  // namespace

template <typename T>
CrossProducts<T>::CrossProducts(ProductLayout layout, std::int64_t rows, std::int64_t cols,
                                std::int64_t k)
    : layout_(layout), rows_(rows), cols_(cols), k_(k) {
  if (layout_ == ProductLayout::kWide) wide_.resize(static_cast<size_t>(k * std::max(rows, cols)));
}

template <typename T>
void CrossProducts<T>::transposed_v_times(const T* v, const T* x, T* out) {
  if (layout_ == ProductLayout::kTall) {
    gemm(true, false, cols_, k_, rows_, T(1), v, cols_, x, k_, T(0), out, k_);
    return;
  }
  gemm(true, false, k_, cols_, rows_, T(1), x, k_, v, cols_, T(0), wide_.data(), cols_);
  transpose_into(wide_.data(), k_, cols_, out);
}

template <typename T>
void CrossProducts<T>::v_times(const T* v, const T* y, T* out) {
  if (layout_ == ProductLayout::kTall) {
    gemm(false, false, rows_, k_, cols_, T(1), v, cols_, y, k_, T(0), out, k_);
    return;
  }
  gemm(true, true, k_, rows_, cols_, T(1), y, k_, v, cols_, T(0), wide_.data(), rows_);
  transpose_into(wide_.data(), k_, rows_, out);
}

template class CrossProducts<double>;
template class CrossProducts<float>;

}  // namespace gridnmf::local
