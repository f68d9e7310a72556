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

// The BLAS routine of the right precision; the rest of the code is shared.
void call_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint rows, blasint cols, blasint inner,
               double alpha, const double* a, blasint lda, const double* b, blasint ldb,
               double beta, double* c, blasint ldc) {
  cblas_dgemm(CblasRowMajor, ta, tb, rows, cols, inner, alpha, a, lda, b, ldb, beta, c, ldc);
}
void call_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint rows, blasint cols, blasint inner,
               float alpha, const float* a, blasint lda, const float* b, blasint ldb,
               float beta, float* c, blasint ldc) {
  cblas_sgemm(CblasRowMajor, ta, tb, rows, cols, inner, alpha, a, lda, b, ldb, beta, c, ldc);
}
void call_syrk(blasint k, blasint rows, const double* x, double* g) {
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, k, rows, 1.0, x, k, 0.0, g, k);
}
void call_syrk(blasint k, blasint rows, const float* x, float* g) {
  cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, k, rows, 1.0f, x, k, 0.0f, g, k);
}

template <typename T>
void gemm_any(bool transpose_a, bool transpose_b, std::int64_t rows, std::int64_t cols,
              std::int64_t inner, T alpha, const T* a, std::int64_t lda, const T* b,
              std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  if (scale_only_if_empty(rows, cols, inner, beta, c, ldc)) return;
  call_gemm(op(transpose_a), op(transpose_b), static_cast<blasint>(rows),
            static_cast<blasint>(cols), static_cast<blasint>(inner), alpha, a, ld(lda), b,
            ld(ldb), beta, c, ld(ldc));
}

template <typename T>
void gram_any(const T* x, std::int64_t rows, std::int64_t k, T* g) {
  if (rows == 0) {
    std::fill(g, g + k * k, T(0));
    return;
  }
  call_syrk(static_cast<blasint>(k), static_cast<blasint>(rows), x, g);
  symmetrize_upper(g, k);
}

}  // namespace

void gemm(bool transpose_a, bool transpose_b, std::int64_t rows, std::int64_t cols,
          std::int64_t inner, double alpha, const double* a, std::int64_t lda, const double* b,
          std::int64_t ldb, double beta, double* c, std::int64_t ldc) {
  gemm_any(transpose_a, transpose_b, rows, cols, inner, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool transpose_a, bool transpose_b, std::int64_t rows, std::int64_t cols,
          std::int64_t inner, float alpha, const float* a, std::int64_t lda, const float* b,
          std::int64_t ldb, float beta, float* c, std::int64_t ldc) {
  gemm_any(transpose_a, transpose_b, rows, cols, inner, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gram(const double* x, std::int64_t rows, std::int64_t k, double* g) { gram_any(x, rows, k, g); }
void gram(const float* x, std::int64_t rows, std::int64_t k, float* g) { gram_any(x, rows, k, g); }

template <typename T>
double dot(const T* a, const T* b, std::int64_t count) {
  double sum = 0.0;
  for (std::int64_t i = 0; i < count; ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

template double dot<double>(const double*, const double*, std::int64_t);
template double dot<float>(const float*, const float*, std::int64_t);

}  // namespace gridnmf::local
