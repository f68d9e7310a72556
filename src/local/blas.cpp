#include "gridnmf/local/blas.hpp"

#include <cblas.h>

#include <algorithm>

namespace gridnmf::local {

namespace {

// BLAS rejects leading dimensions below 1 even when a dimension is zero.
blasint ld(std::int64_t value) { return static_cast<blasint>(std::max<std::int64_t>(value, 1)); }

CBLAS_TRANSPOSE op(bool transpose) { return transpose ? CblasTrans : CblasNoTrans; }

template <typename T>
bool scale_only_if_empty(std::int64_t rows, std::int64_t cols, std::int64_t inner, T beta, T* c,
                         std::int64_t ldc) {
  if (rows == 0 || cols == 0) return true;
  if (inner > 0) return false;
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t s = 0; s < cols; ++s) c[r * ldc + s] = beta == T(0) ? T(0) : beta * c[r * ldc + s];
  }
  return true;
}

template <typename T>
void symmetrize_upper(T* g, std::int64_t k) {
  for (std::int64_t r = 0; r < k; ++r) {
    for (std::int64_t s = 0; s < r; ++s) g[r * k + s] = g[s * k + r];
  }
}

}  // namespace

void gemm(bool transpose_a, bool transpose_b, std::int64_t rows, std::int64_t cols,
          std::int64_t inner, double alpha, const double* a, std::int64_t lda, const double* b,
          std::int64_t ldb, double beta, double* c, std::int64_t ldc) {
  if (scale_only_if_empty(rows, cols, inner, beta, c, ldc)) return;
  cblas_dgemm(CblasRowMajor, op(transpose_a), op(transpose_b), static_cast<blasint>(rows),
              static_cast<blasint>(cols), static_cast<blasint>(inner), alpha, a, ld(lda), b,
              ld(ldb), beta, c, ld(ldc));
}

void gemm(bool transpose_a, bool transpose_b, std::int64_t rows, std::int64_t cols,
          std::int64_t inner, float alpha, const float* a, std::int64_t lda, const float* b,
          std::int64_t ldb, float beta, float* c, std::int64_t ldc) {
  if (scale_only_if_empty(rows, cols, inner, beta, c, ldc)) return;
  cblas_sgemm(CblasRowMajor, op(transpose_a), op(transpose_b), static_cast<blasint>(rows),
              static_cast<blasint>(cols), static_cast<blasint>(inner), alpha, a, ld(lda), b,
              ld(ldb), beta, c, ld(ldc));
}

void gram(const double* x, std::int64_t rows, std::int64_t k, double* g) {
  if (rows == 0) {
    std::fill(g, g + k * k, 0.0);
    return;
  }
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, static_cast<blasint>(k),
              static_cast<blasint>(rows), 1.0, x, ld(k), 0.0, g, ld(k));
  symmetrize_upper(g, k);
}

void gram(const float* x, std::int64_t rows, std::int64_t k, float* g) {
  if (rows == 0) {
    std::fill(g, g + k * k, 0.0f);
    return;
  }
  cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, static_cast<blasint>(k),
              static_cast<blasint>(rows), 1.0f, x, ld(k), 0.0f, g, ld(k));
  symmetrize_upper(g, k);
}

template <typename T>
double dot(const T* a, const T* b, std::int64_t count) {
  double sum = 0.0;
  for (std::int64_t i = 0; i < count; ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

template double dot<double>(const double*, const double*, std::int64_t);
template double dot<float>(const float*, const float*, std::int64_t);

}  // namespace gridnmf::local
