#pragma once

#include <cstdint>

namespace gridnmf::local {

// C = alpha * op(A) op(B) + beta * C for row-major matrices; op(A) is rows x
// inner, op(B) is inner x cols. Zero-sized operands are allowed.
// Overloads for float and double call OpenBLAS sgemm/dgemm.
void gemm(bool transpose_a, bool transpose_b, std::int64_t rows, std::int64_t cols,
          std::int64_t inner, double alpha, const double* a, std::int64_t lda, const double* b,
          std::int64_t ldb, double beta, double* c, std::int64_t ldc);
void gemm(bool transpose_a, bool transpose_b, std::int64_t rows, std::int64_t cols,
          std::int64_t inner, float alpha, const float* a, std::int64_t lda, const float* b,
          std::int64_t ldb, float beta, float* c, std::int64_t ldc);

// G = X^T X (k x k, full symmetric) for row-major X (rows x k), via syrk.
void gram(const double* x, std::int64_t rows, std::int64_t k, double* g);
void gram(const float* x, std::int64_t rows, std::int64_t k, float* g);

// Sum of a[i] * b[i], accumulated in double whatever the storage precision.
template <typename T>
double dot(const T* a, const T* b, std::int64_t count);

}  // namespace gridnmf::local
