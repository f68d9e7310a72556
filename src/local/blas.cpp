#include "gridnmf/local/blas.hpp"

#include <algorithm>

#include "fortran_blas.hpp"

namespace gridnmf::local {

namespace {

// BLAS rejects leading dimensions below 1 even when a dimension is zero.
int ld(std::int64_t value) { return static_cast<int>(std::max<std::int64_t>(value, 1)); }

const char* op(bool transpose) { return transpose ? "T" : "N"; }

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
// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: the same
// memory, with the operands and the dimensions swapped.
void call_gemm(const char* ta, const char* tb, int rows, int cols, int inner, double alpha,
               const double* a, int lda, const double* b, int ldb, double beta, double* c,
               int ldc) {
  dgemm_(tb, ta, &cols, &rows, &inner, &alpha, b, &ldb, a, &lda, &beta, c, &ldc, 1, 1);
}
void call_gemm(const char* ta, const char* tb, int rows, int cols, int inner, float alpha,
               const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  sgemm_(tb, ta, &cols, &rows, &inner, &alpha, b, &ldb, a, &lda, &beta, c, &ldc, 1, 1);
}
// Row-major X (rows x k) is column-major X^T; G = X^T X = (X^T)(X^T)^T, and
// the row-major upper triangle is the column-major lower one.
void call_syrk(int k, int rows, const double* x, double* g) {
  const double one = 1.0;
  const double zero = 0.0;
  dsyrk_("L", "N", &k, &rows, &one, x, &k, &zero, g, &k, 1, 1);
}
void call_syrk(int k, int rows, const float* x, float* g) {
  const float one = 1.0f;
  const float zero = 0.0f;
  ssyrk_("L", "N", &k, &rows, &one, x, &k, &zero, g, &k, 1, 1);
}

template <typename T>
void gemm_any(bool transpose_a, bool transpose_b, std::int64_t rows, std::int64_t cols,
              std::int64_t inner, T alpha, const T* a, std::int64_t lda, const T* b,
              std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  if (scale_only_if_empty(rows, cols, inner, beta, c, ldc)) return;
  call_gemm(op(transpose_a), op(transpose_b), static_cast<int>(rows), static_cast<int>(cols),
            static_cast<int>(inner), alpha, a, ld(lda), b, ld(ldb), beta, c, ld(ldc));
}

template <typename T>
void gram_any(const T* x, std::int64_t rows, std::int64_t k, T* g) {
  if (rows == 0) {
    std::fill(g, g + k * k, T(0));
    return;
  }
  call_syrk(static_cast<int>(k), static_cast<int>(rows), x, g);
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
