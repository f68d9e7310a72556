#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gridnmf::local {

// How the two large products with the V block are formed. Both give the same
// (rows x k) results; which GEMM shape is faster depends on the BLAS kernels
// (measured: OpenBLAS's Haswell kernels favour kTall, its AVX-512 kernels run
// kWide about 1.25x faster even with the transposition it needs).
//   kTall: V^T X and V Y directly as (n_j x k) and (m_i x k) GEMM outputs.
//   kWide: X^T V and Y^T V^T as (k x n_j) and (k x m_i), then transposed.
enum class ProductLayout { kTall, kWide };

std::string to_string(ProductLayout layout);

// The layout for this machine: GRIDNMF_PRODUCT_LAYOUT=tall|wide if set, else
// kWide for OpenBLAS's AVX-512 cores and kTall otherwise (any other BLAS, whose
// kernel set cannot be asked, gets kTall). Deterministic for a machine, so
// repeated runs round identically.
ProductLayout preferred_product_layout();

// OpenBLAS's kernel-set name (e.g. "Haswell"), or "" for any other BLAS.
std::string blas_core_name();

// The products V^T X and V Y of an iteration, for a row-major V block
// (rows x cols) that is never copied. Keeps the scratch kWide needs.
template <typename T>
class CrossProducts {
 public:
  CrossProducts(ProductLayout layout, std::int64_t rows, std::int64_t cols, std::int64_t k);

  // out (cols x k) = V^T x, with x (rows x k).
  void transposed_v_times(const T* v, const T* x, T* out);
  // out (rows x k) = V y, with y (cols x k).
  void v_times(const T* v, const T* y, T* out);

  ProductLayout layout() const { return layout_; }

 private:
  ProductLayout layout_;
  std::int64_t rows_;
  std::int64_t cols_;
  std::int64_t k_;
  std::vector<T> wide_;  // k x max(rows, cols) for kWide
};

}  // namespace gridnmf::local
